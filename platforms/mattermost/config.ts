// platforms.mattermost (owned by the Mattermost integration). The worker posts through the REST API
// v4 with the bot's access token; Mattermost calls the api back for slash commands (checked against
// the commands' tokens), button clicks and dialog submissions (checked against tokens derived from
// the action secret). Secrets are references, never values.
import { z } from 'zod';
import { durationWithin, secretRef as secret } from '../../config/primitives';
import type { PlatformConfig } from '../seams';
import { budgetSchema, budgetSwitches, type BudgetConfig } from '../../activities/chat/config';
const timeout = durationWithin(100, 60_000);

/** Mattermost ids (users, channels, posts, teams) are 26 lowercase letters and digits. */
export const MATTERMOST_ID = /^[a-z0-9]{26}$/;

/**
 * Mattermost's own rate limiting is server configuration (System Console > Environment > Rate
 * Limiting; docs.mattermost.com, configuration settings): off by default, and when on 10 requests a
 * second per token (VaryByUser) with a burst of 100. The worker keeps to that unless told otherwise.
 */
export const MATTERMOST_RATE_LIMIT: BudgetConfig = { perMinute: 600, burst: 100 };

const rateLimits = z
  .object({
    ...budgetSwitches('Mattermost REST'),
    perToken: budgetSchema.default(MATTERMOST_RATE_LIMIT).describe('The bot token\'s budget across all calls: set it to the server\'s RateLimitSettings (PerSec x 60, MaxBurst).'),
  })
  .strict()
  .default({ enabled: true, maxWait: 60_000, perToken: MATTERMOST_RATE_LIMIT })
  .describe('The bot token\'s budget for Mattermost REST calls: a burst queues in the worker, critical alerts and pages first, and waits out X-Ratelimit-Remaining 0 and 429 Retry-After instead of bouncing.');

export const mattermostSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Post alerts to Mattermost and take slash commands, buttons and dialogs from it.'),
    url: z.string().url().optional().describe('Base URL of the Mattermost server, e.g. https://chat.example.com (`/api/v4` is appended).'),
    botToken: secret.optional().describe('Access token of the bot account: posts, updates, DMs, user lookups and dialogs.'),
    commandTokens: z.array(secret).default([]).describe('Tokens of the slash commands (Mattermost gives each command its own); a command must carry one of them.'),
    actionSecret: secret.optional().describe('Signs the buttons\' callback context and dialog state, so only Mattermost\'s relay of our own buttons is obeyed.'),
    actionsUrl: z.string().url().optional().describe('How the Mattermost server reaches the api for button clicks and dialogs; default api.publicUrl.'),
    requestTimeout: timeout.default(10_000).describe('How long one REST call may take before it is abandoned (the activity then retries).'),
    dedupeScan: z.number().int().min(20).max(1000).default(200).describe('How many recent channel posts a post scans for its own earlier post (thread replies scan the thread).'),
    lookupUsersByEmail: z.boolean().default(false).describe('Map Mattermost users to roster people by email when people[].chat.mattermost is not set.'),
    rateLimits,
    teamId: z
      .string()
      .regex(MATTERMOST_ID, 'expected a Mattermost team id (26 lowercase letters and digits; System Console > Teams)')
      .optional()
      .describe('Team pin: commands, buttons and dialogs from any other team are refused (direct messages carry no team and stay allowed). Unset: the api warns at start.'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.enabled) return;
    const need = (key: 'url' | 'botToken' | 'actionSecret', what: string) => {
      if (!m[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required when Mattermost is enabled: ${what}` });
    };
    need('url', 'the server\'s base URL, e.g. https://chat.example.com');
    need('botToken', 'the bot account\'s access token as { fromEnv: VAR } or { fromFile: /path }');
    need('actionSecret', 'a long random secret as { fromEnv: VAR } or { fromFile: /path } (e.g. openssl rand -hex 32)');
    if (m.commandTokens.length === 0)
      ctx.addIssue({ code: 'custom', path: ['commandTokens'], message: 'needs the token of each slash command (Integrations > Slash Commands), e.g. [{ fromEnv: MATTERMOST_INCIDENT_TOKEN }]' });
  })
  .optional()
  .describe('Mattermost: posts with buttons through the REST API v4; slash commands, buttons and dialogs call the api back.');

export type MattermostConfig = NonNullable<z.output<typeof mattermostSchema>>;

/**
 * Cross-references on the raw config (schema.ts's referenceProblems calls this): Mattermost needs
 * an address for button callbacks, routes and people must use Mattermost ids, and routes to
 * Mattermost need it enabled.
 */
export function mattermostProblems(cfg: Record<string, any>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  const mm = cfg.platforms?.mattermost;
  const enabled = mm?.enabled === true;
  if (enabled && !mm.actionsUrl && !cfg.api?.publicUrl)
    out.push({ path: ['platforms', 'mattermost', 'actionsUrl'], message: 'Mattermost sends button clicks to the api: set actionsUrl (the api\'s address as the Mattermost server reaches it) or api.publicUrl' });
  const checkRoute = (route: any, path: (string | number)[]) =>
    arr(route?.channels).forEach((c, ci) => {
      if (c?.platform !== 'mattermost' || typeof c.channel !== 'string') return;
      if (!enabled) out.push({ path: [...path, 'channels', ci, 'platform'], message: 'routes to Mattermost but platforms.mattermost is not enabled' });
      else if (!MATTERMOST_ID.test(c.channel))
        out.push({ path: [...path, 'channels', ci, 'channel'], message: `"${c.channel}" is not a Mattermost channel ID: use the 26-character ID (channel menu > View Info), not the name` });
    });
  arr(cfg.routing?.rules).forEach((r, ri) => checkRoute(r, ['routing', 'rules', ri]));
  checkRoute(cfg.routing?.default, ['routing', 'default']);
  arr(cfg.people).forEach((p, pi) => {
    const id = p?.chat?.mattermost;
    if (typeof id === 'string' && !MATTERMOST_ID.test(id))
      out.push({ path: ['people', pi, 'chat', 'mattermost'], message: `"${id}" is not a Mattermost user ID: use the 26-character ID (System Console > Users shows it), not the username` });
  });
  return out;
}

export const mattermostConfig = {
  schema: mattermostSchema,
  userId: 'Mattermost user ID (26 characters, not the username)',
  problems: mattermostProblems,
} satisfies PlatformConfig;
