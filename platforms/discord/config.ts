// platforms.discord (owned by the Discord integration). The worker posts through Discord's REST API
// with the bot token; the api receives slash commands, buttons and modals on POST
// /discord/interactions, each verified with the application's Ed25519 public key. Discord names
// everything by snowflakes (numeric ids), so routing and the roster use ids, never names.
import { z } from 'zod';
import { durationWithin, secretRef as secret } from '../../config/primitives';
import type { PlatformConfig } from '../seams';
import { budgetSchema, budgetSwitches, type BudgetConfig } from '../../activities/chat/config';

export const DISCORD_DEFAULT_API_URL = 'https://discord.com/api/v10';

/** Discord ids: 64-bit integers written in decimal (17 to 20 digits for anything made since 2015). */
export const SNOWFLAKE = /^\d{17,20}$/;
const copyId = (what: 'channel' | 'user') => `turn on Developer Mode in Discord (Settings > Advanced), right-click the ${what}, then "Copy ${what === 'user' ? 'User' : 'Channel'} ID"`;

/**
 * Discord's limits (discord.com/developers/docs/topics/rate-limits): 50 requests a second per bot
 * across all routes (global), and per-route buckets per major parameter (the channel) that Discord
 * announces in X-RateLimit-* headers rather than publishes; creating or editing messages in a
 * channel answers X-RateLimit-Limit 5 with a 5 s reset. Routes are written with :id for every id.
 */
export const DISCORD_GLOBAL_LIMIT: BudgetConfig = { perMinute: 3_000, burst: 50 };
export const DISCORD_ROUTE_LIMITS: Record<string, BudgetConfig> = {
  'POST /channels/:id/messages': { perMinute: 60, burst: 5 },
  'PATCH /channels/:id/messages/:id': { perMinute: 60, burst: 5 },
};
const ROUTE = /^(GET|POST|PATCH|PUT|DELETE) \/[a-z@:/_-]+$/;

const rateLimits = z
  .object({
    ...budgetSwitches('Discord REST'),
    global: budgetSchema.default(DISCORD_GLOBAL_LIMIT).describe('The bot\'s budget across all routes (Discord: 50 requests a second).'),
    routes: z
      .record(z.string(), budgetSchema)
      .superRefine((routes, ctx) => {
        for (const r of Object.keys(routes))
          if (!ROUTE.test(r) || /\d/.test(r)) ctx.addIssue({ code: 'custom', path: [r], message: `"${r}" is not a route: expected a method and a path with :id for ids, such as "POST /channels/:id/messages"` });
      })
      .default({})
      .describe('Budgets per route and channel, replacing the defaults (5 per 5 s for creating and editing messages) route by route. Other routes follow the X-RateLimit headers Discord answers with.'),
  })
  .strict()
  .default({ enabled: true, maxWait: 60_000, global: DISCORD_GLOBAL_LIMIT, routes: {} })
  .describe('Per-bot budgets for Discord REST calls: a burst queues in the worker, critical alerts and pages first, and waits out X-RateLimit-Remaining 0 and 429 retry_after instead of bouncing.');

const snowflake = (what: string) => z.string().regex(SNOWFLAKE, `expected the ${what} (a snowflake: 17 to 20 digits)`);

export const discordSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Post alerts to Discord and take slash commands, buttons and modals at /discord/interactions.'),
    applicationId: snowflake('application id from the Developer Portal (General Information > Application ID)').optional().describe('The application id (Developer Portal > General Information > Application ID).'),
    publicKey: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'expected the application\'s public key: 64 hex characters (Developer Portal > General Information > Public Key)')
      .optional()
      .describe('The application\'s Ed25519 public key, hex: every request to /discord/interactions is verified with it.'),
    botToken: secret.optional().describe('Bot token (Developer Portal > Bot > Reset Token): posting, updating, DMs and reading the bot\'s own messages.'),
    apiUrl: z.string().url().default(DISCORD_DEFAULT_API_URL).describe('REST API base URL, with the version; point it at a proxy or a test double.'),
    requestTimeout: durationWithin(100, 60_000).default(10_000).describe('How long one REST call may take before it is abandoned (the activity then retries).'),
    dedupeScan: z.number().int().min(20).max(1000).default(200).describe('How many recent channel or thread messages a retried post scans for its own earlier post.'),
    rateLimits,
    guildId: snowflake('server (guild) id: right-click the server icon, "Copy Server ID"')
      .optional()
      .describe('Server pin: interactions from any other server (guild) are refused; DMs with the bot stay allowed (user ids are global). Unset: the api warns at start.'),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (!d.enabled) return;
    const need = (key: 'applicationId' | 'publicKey' | 'botToken', what: string) => {
      if (!d[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required when Discord is enabled: ${what}` });
    };
    need('applicationId', 'the Application ID from the Developer Portal (General Information)');
    need('publicKey', 'the Public Key from the Developer Portal (General Information), 64 hex characters');
    need('botToken', 'the bot token as a secret, e.g. { fromEnv: DISCORD_BOT_TOKEN }');
  })
  .optional()
  .describe('Discord: embeds through the REST API; slash commands, buttons and modals as signed interactions.');

export type DiscordConfig = NonNullable<z.output<typeof discordSchema>>;

/**
 * Cross-references on the raw config (schema.ts's referenceProblems calls this): Discord channels
 * and users are snowflakes, and routing to Discord needs platforms.discord enabled.
 */
export function discordProblems(cfg: Record<string, any>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  const enabled = cfg.platforms?.discord?.enabled === true;
  const channel = (c: any, path: (string | number)[], where: string) => {
    if (c?.platform !== 'discord' || typeof c.channel !== 'string') return;
    if (!SNOWFLAKE.test(c.channel))
      out.push({ path: [...path, 'channel'], message: `"${c.channel}" is not a Discord channel id: ${where} Discord channels by id (a snowflake of 17 to 20 digits; ${copyId('channel')})` });
    else if (!enabled && where === 'route') out.push({ path: [...path, 'platform'], message: 'routes to Discord, but platforms.discord is not enabled: set platforms.discord.enabled and its applicationId, publicKey and botToken' });
  };
  const route = (r: any, path: (string | number)[]) => arr(r?.channels).forEach((c, ci) => channel(c, [...path, 'channels', ci], 'route'));
  arr(cfg.routing?.rules).forEach((r, ri) => route(r, ['routing', 'rules', ri]));
  route(cfg.routing?.default, ['routing', 'default']);
  arr(cfg.kubectl?.channels).forEach((c, ci) => channel(c, ['kubectl', 'channels', ci], 'name'));
  arr(cfg.people).forEach((p, pi) => {
    const id = p?.chat?.discord;
    if (typeof id === 'string' && !SNOWFLAKE.test(id))
      out.push({ path: ['people', pi, 'chat', 'discord'], message: `"${id}" is not a Discord user id: use the user's id (a snowflake of 17 to 20 digits; ${copyId('user')}), not their name` });
  });
  return out;
}

export const discordConfig = {
  schema: discordSchema,
  userId: 'Discord user id (17-20 digits, not a name)',
  problems: discordProblems,
} satisfies PlatformConfig;
