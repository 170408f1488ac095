// Slack's outbound side: the Web API adapter, and at start the bot token's scopes.
import type { OutboundPlatform } from '../../seams';
import { createSlackChat, slackChatOptions } from './adapter';
import { checkSlackScopes } from './scopes';

export const slackOutbound: OutboundPlatform<'slack'> = {
  create: (section, _config, env) => createSlackChat(slackChatOptions(section, env)),
  startupCheck: (section, config, env) => {
    // DMs need their scopes only when someone on the roster can be paged by Slack DM.
    const dms = section.lookupUsersByEmail || config.people.some((p) => !!p.chat?.slack);
    return checkSlackScopes(slackChatOptions(section, env), { dms, lookupUsersByEmail: section.lookupUsersByEmail });
  },
};
