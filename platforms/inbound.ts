// The api's wiring of the chat platforms: each registers its routes (and does nothing when it is
// off). Only inbound code is imported here, so the api never loads the worker's adapters. The map is
// keyed by PlatformName (platforms/registry.ts): a platform added there is a compile error here
// until its inbound side is listed.
import type { FastifyInstance } from 'fastify';
import { PLATFORM_NAMES, type PlatformName } from './registry';
import type { InboundDeps, InboundPlatform } from './seams';
import { localInbound } from './local/inbound';
import { slackInbound } from './slack/inbound';
import { teamsInbound } from './teams/inbound/routes';
import { discordInbound } from './discord/inbound/routes';
import { mattermostInbound } from './mattermost/inbound';

const INBOUND: Record<PlatformName, InboundPlatform> = {
  local: localInbound,
  slack: slackInbound,
  teams: teamsInbound,
  discord: discordInbound,
  mattermost: mattermostInbound,
};

/**
 * Registers every platform's routes in registry order. A platform that cannot start (a missing
 * secret) throws; what the others opened is closed first, so a failed start leaves nothing running.
 */
export async function registerInbound(app: FastifyInstance, deps: InboundDeps): Promise<void> {
  try {
    for (const name of PLATFORM_NAMES) await INBOUND[name].register(app, deps);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}
