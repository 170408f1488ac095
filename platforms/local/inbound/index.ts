// The local chat's inbound side: the chat service the worker posts to, the page people use, and
// the message store behind both (a file under dataDir).
import { join, resolve } from 'node:path';
import type { Config } from '../../../config/schema';
import type { InboundPlatform } from '../../seams';
import { registerPage } from './page';
import { registerLocalChat } from './routes';
import { LocalChatStore } from './store';

export function localChatFile(config: Config): string {
  return join(resolve(config.dataDir), 'local-chat', 'messages.json');
}

export const localInbound: InboundPlatform = {
  async register(app, { config, client, postmortems, chatStore }) {
    if (!config.platforms.local.enabled) return;
    const store = chatStore ?? (await LocalChatStore.open(localChatFile(config)));
    if (store.warning) app.log.warn(store.warning);
    // Only the store we opened is ours to close; a store passed in belongs to the caller.
    if (!chatStore) app.addHook('onClose', async () => store.close());
    registerLocalChat(app, { config, client, store, postmortems });
    registerPage(app);
  },
};
