// Mattermost's outbound side: the REST adapter, and at start the bot's access to routed channels.
import type { Config } from '../../../config/schema';
import type { OutboundPlatform } from '../../seams';
import { createMattermostChat, mattermostChatOptions } from './adapter';
import { checkMattermostAccess } from './startup';

/** Channels the routing sends alerts to on Mattermost. */
function routedChannels(config: Config): string[] {
  const routes = [...config.routing.rules, config.routing.default];
  return routes.flatMap((r) => r.channels.filter((c) => c.platform === 'mattermost').map((c) => c.channel));
}

export const mattermostOutbound: OutboundPlatform<'mattermost'> = {
  create: (section, config, env) => createMattermostChat(mattermostChatOptions(section, config, env)),
  startupCheck: (section, config, env) => checkMattermostAccess(mattermostChatOptions(section, () => config, env), routedChannels(config)),
};
