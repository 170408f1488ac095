// The chat platforms, one line each. Everything that lists platforms derives from this: the names
// (PlatformName), the zod enums of routes and /kubectl channels, people[].chat, the `platforms`
// config tree and its cross-reference checks. The worker's wiring (outbound.ts) and the api's
// (inbound.ts) are maps keyed by PlatformName, so the compiler names a platform missing there.
// Only config files are imported here: config/schema.ts reads this, and a value import of either
// side would load api code into the worker (or the reverse) and close an import cycle through config.
import { z } from 'zod';
import type { PlatformConfig } from './seams';
import { localConfig, LOCAL_DEFAULT } from './local/config';
import { slackConfig } from './slack/config';
import { teamsConfig } from './teams/config';
import { discordConfig } from './discord/config';
import { mattermostConfig } from './mattermost/config';

export const PLATFORMS = {
  local: localConfig,
  slack: slackConfig,
  teams: teamsConfig,
  discord: discordConfig,
  mattermost: mattermostConfig,
} satisfies Record<string, PlatformConfig>;

export type PlatformName = keyof typeof PLATFORMS;
export const PLATFORM_NAMES = Object.keys(PLATFORMS) as [PlatformName, ...PlatformName[]];

/** `platform:` of a route's channel or a /kubectl channel. */
export const platformName = z.enum(PLATFORM_NAMES);

type Schemas = { [N in PlatformName]: (typeof PLATFORMS)[N]['schema'] };
const byName = <T>(value: (name: PlatformName) => T): Record<PlatformName, T> =>
  Object.fromEntries(PLATFORM_NAMES.map((n) => [n, value(n)])) as Record<PlatformName, T>;

/** The `platforms` section: one key per platform; only the local chat is on by default. */
export const platformsSchema = z
  .object(byName((n) => PLATFORMS[n].schema) as Schemas)
  .strict()
  .default({ local: LOCAL_DEFAULT })
  .describe('Chat platforms: each one enabled here posts alerts and takes commands');

/** `people[].chat`: which user this person is on each platform. */
export const chatIdsSchema = z
  .object(byName((n) => z.string().min(1).optional().describe(PLATFORMS[n].userId)))
  .strict()
  .default({})
  .describe('Who this person is on each chat platform: the platform signs for the user, and this maps the user to the person');

/** Every platform's cross-reference problems on the raw config. */
export function platformProblems(cfg: Record<string, any>): { path: (string | number)[]; message: string }[] {
  return PLATFORM_NAMES.flatMap((n) => (PLATFORMS[n] as PlatformConfig).problems?.(cfg) ?? []);
}
