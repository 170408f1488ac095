// The worker's wiring of the chat platforms: one adapter per enabled platform, and their start-up
// checks. Only outbound code is imported here, so the worker never loads api routes. The map is
// keyed by PlatformName (platforms/registry.ts): a platform added there is a compile error here
// until its outbound side is listed.
import type { Config } from '../config/schema';
import type { ChatPlatform } from '../activities/chat/platform';
import type { StartupCheck } from '../activities/chat/startup';
import type { PlatformName } from './registry';
import { PLATFORM_NAMES } from './registry';
import type { OutboundPlatform, Section } from './seams';
import { localOutbound } from './local/outbound';
import { slackOutbound } from './slack/outbound';
import { teamsOutbound } from './teams/outbound';
import { discordOutbound } from './discord/outbound';
import { mattermostOutbound } from './mattermost/outbound';

const OUTBOUND: { [N in PlatformName]: OutboundPlatform<N> } = {
  local: localOutbound,
  slack: slackOutbound,
  teams: teamsOutbound,
  discord: discordOutbound,
  mattermost: mattermostOutbound,
};

/** The enabled platforms with their outbound sides, in registry order. */
function enabled(config: Config): { name: PlatformName; side: OutboundPlatform<PlatformName>; section: Section<PlatformName> }[] {
  return PLATFORM_NAMES.flatMap((name) => {
    const section = config.platforms[name];
    // The map's type pairs each name with its own section; TypeScript cannot follow that through a loop.
    return section?.enabled ? [{ name, side: OUTBOUND[name] as OutboundPlatform<PlatformName>, section: section as Section<PlatformName> }] : [];
  });
}

/** One adapter per enabled platform; a missing secret throws here, naming the config key. */
export function platformsFromConfig(cfg: Config, config: () => Config = () => cfg, env: NodeJS.ProcessEnv = process.env): Record<string, ChatPlatform> {
  return Object.fromEntries(enabled(cfg).map(({ name, side, section }) => [name, side.create(section, config, env)]));
}

/** The enabled platforms' start-up checks: `fatal` says why the worker must not start, `notes` what works with a gap. */
export async function outboundStartupChecks(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<{ fatal: string[]; notes: string[] }> {
  const checks: StartupCheck[] = [];
  for (const { side, section } of enabled(config)) if (side.startupCheck) checks.push(await side.startupCheck(section, config, env));
  return { fatal: checks.flatMap((c) => (c.fatal ? [c.fatal] : [])), notes: checks.flatMap((c) => c.notes) };
}

/** Advice for settings that work but leave a known gap open. */
export function outboundAdvice(config: Config): string[] {
  return enabled(config).flatMap(({ side, section }) => side.advice?.(section, config) ?? []);
}
