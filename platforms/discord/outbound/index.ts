// Discord's outbound side: the REST adapter.
import type { OutboundPlatform } from '../../seams';
import { createDiscordChat, discordChatOptions } from './adapter';

export const discordOutbound: OutboundPlatform<'discord'> = {
  create: (section, _config, env) => createDiscordChat(discordChatOptions(section, env)),
};
