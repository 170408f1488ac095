// Teams' outbound side: the Bot Connector adapter; at start, advice when a retry cannot find its card.
import { readSecret } from '../../../config/load';
import type { OutboundPlatform } from '../../seams';
import { createTeamsChat } from './adapter';

export const teamsOutbound: OutboundPlatform<'teams'> = {
  create: (section, config, env) => createTeamsChat({ config, password: section.appPassword && readSecret(section.appPassword, env) }),
  advice: (section) =>
    section.graph.enabled
      ? []
      : ['Teams: a worker that dies after Teams accepted a card and before the answer arrived will post it again on retry; set platforms.teams.graph.enabled (docs/platforms/teams.md) so the retry finds it'],
};
