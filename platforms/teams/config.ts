// platforms.teams (owned by the Teams integration). Every outside endpoint has a default pointing at
// Microsoft's public service and can be pointed elsewhere (sovereign clouds, proxies, the test fakes).
import { z } from 'zod';
import { durationWithin, secretRef as secret } from '../../config/primitives';
import type { PlatformConfig } from '../seams';
import { budgetSchema, budgetSwitches, type BudgetConfig } from '../../activities/chat/config';
const timeout = (fallback: string) => z.string().default(fallback).pipe(durationWithin(100));

export const TEAMS_DEFAULTS = {
  serviceUrl: 'https://smba.trafficmanager.net/teams/',
  openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  tokenIssuer: 'https://api.botframework.com',
  loginBaseUrl: 'https://login.microsoftonline.com',
  oauthScope: 'https://api.botframework.com',
  graphUrl: 'https://graph.microsoft.com/v1.0',
  graphScope: 'https://graph.microsoft.com',
} as const;

const teamsChannel = z
  .object({
    conversationId: z.string().min(1).describe('The channel\'s conversation id, e.g. `19:abc...@thread.tacv2`.'),
    serviceUrl: z.string().url().describe('The Bot Connector base URL of the tenant\'s region (the `serviceUrl` of activities from it).'),
    tenantId: z.string().min(1).optional().describe('Azure AD tenant of the team; default `platforms.teams.tenantId`.'),
    teamId: z
      .string()
      .uuid('expected the team\'s group id, a GUID (Teams: "Get link to team", the groupId parameter)')
      .optional()
      .describe('The team\'s Microsoft 365 group id (a GUID): where Microsoft Graph finds the channel\'s messages.'),
  })
  .strict();

/**
 * Microsoft Graph, read only: a post retried after a worker died may already be in the channel, and
 * the Bot Connector cannot look messages up. With this on, a retried post first reads the channel's
 * (or thread's) recent messages through Graph and reuses the one carrying its key.
 */
const teamsGraph = z
  .object({
    enabled: z.boolean().default(false).describe('Look up a retried post\'s earlier copy through Graph; needs the RSC permission ChannelMessage.Read.Group in the app manifest (or ChannelMessage.Read.All).'),
    url: z.string().url().default(TEAMS_DEFAULTS.graphUrl).describe('Microsoft Graph base URL, with the version.'),
    scope: z.string().min(1).default(TEAMS_DEFAULTS.graphScope).describe('Scope of the Graph token (`/.default` is appended).'),
  })
  .strict();

const endpoints = z
  .object({
    openIdMetadataUrl: z.string().url().default(TEAMS_DEFAULTS.openIdMetadataUrl).describe('OpenID metadata whose keys sign the JWTs Teams sends to the bot.'),
    tokenIssuer: z.string().min(1).default(TEAMS_DEFAULTS.tokenIssuer).describe('`iss` of those JWTs.'),
    loginUrl: z.string().url().optional().describe('Authority for the bot\'s own tokens; default `https://login.microsoftonline.com/<tenantId or botframework.com>`.'),
    oauthScope: z.string().min(1).default(TEAMS_DEFAULTS.oauthScope).describe('Scope of the bot\'s own tokens (`/.default` is appended).'),
  })
  .strict();

/**
 * The Bot Framework's limits for Teams bots (learn.microsoft.com, "Rate limiting for bots"): per
 * bot and conversation (thread) 7 sends a second, 60 per 30 s and 1,800 an hour; per bot across all
 * conversations of a tenant 50 a second. The worker keeps to the 30 s window with a burst of 7.
 */
export const TEAMS_RATE_LIMITS: { perConversation: BudgetConfig; perBot: BudgetConfig } = {
  perConversation: { perMinute: 120, burst: 7 },
  perBot: { perMinute: 3_000, burst: 50 },
};

const rateLimits = z
  .object({
    ...budgetSwitches('Bot Connector'),
    perConversation: budgetSchema.default(TEAMS_RATE_LIMITS.perConversation).describe('Sends and updates per conversation (a channel thread, a chat): Teams allows 7 a second and 60 per 30 s.'),
    perBot: budgetSchema.default(TEAMS_RATE_LIMITS.perBot).describe('All Bot Connector calls of the bot in the tenant: Teams allows 50 a second.'),
  })
  .strict()
  .default({ enabled: true, maxWait: 60_000, ...TEAMS_RATE_LIMITS })
  .describe('Per-conversation and per-bot budgets for Bot Connector calls: a burst queues in the worker, critical alerts and pages first, and a 429 waits out its Retry-After instead of bouncing.');

export const teamsSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Post alerts to Teams channels and take commands and card actions from Teams at /teams/messages.'),
    appId: z.string().min(1).optional().describe('The bot\'s Microsoft App ID (Azure Bot registration).'),
    appPassword: secret.optional().describe('The app\'s client secret, as a secret reference.'),
    tenantId: z.string().min(1).optional().describe('Tenant of a single-tenant bot (tokens come from it) and the default tenant of channels and DMs.'),
    allowUnauthenticated: z.boolean().default(false).describe('DEVELOPMENT ONLY: accept requests without a valid Bot Framework JWT (e.g. the Bot Framework Emulator).'),
    serviceUrl: z.string().url().default(TEAMS_DEFAULTS.serviceUrl).describe('Bot Connector URL used to open direct-message conversations.'),
    channels: z.record(z.string().min(1), teamsChannel).default({}).describe('Channel names used by routing rules (`{ platform: teams, channel: <name> }`), each with its conversation.'),
    endpoints: endpoints
      .default({ openIdMetadataUrl: TEAMS_DEFAULTS.openIdMetadataUrl, tokenIssuer: TEAMS_DEFAULTS.tokenIssuer, oauthScope: TEAMS_DEFAULTS.oauthScope })
      .describe('Bot Framework endpoints; change them only for sovereign clouds or test doubles.'),
    graph: teamsGraph.default({ enabled: false, url: TEAMS_DEFAULTS.graphUrl, scope: TEAMS_DEFAULTS.graphScope }).describe('Microsoft Graph (read only), so a retried post finds the card Teams accepted before a crash.'),
    requestTimeout: timeout('10s').describe('How long one call to the Bot Connector may take before the activity retries, e.g. "10s".'),
    rateLimits,
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.enabled && t.graph.enabled) {
      // Graph tokens come only from the team's own tenant, and Graph addresses a channel by team and channel.
      if (!t.tenantId) ctx.addIssue({ code: 'custom', path: ['tenantId'], message: 'graph.enabled needs the tenant id (Graph tokens are issued by the team\'s tenant)' });
      for (const [name, c] of Object.entries(t.channels))
        if (!c.teamId) ctx.addIssue({ code: 'custom', path: ['channels', name, 'teamId'], message: 'graph.enabled needs the team\'s group id (a GUID) for every channel' });
    }
    if (!t.enabled || t.allowUnauthenticated) return;
    if (!t.appId) ctx.addIssue({ code: 'custom', path: ['appId'], message: 'Teams needs the bot\'s Microsoft App ID (or allowUnauthenticated: true for local development only)' });
    if (!t.appPassword) ctx.addIssue({ code: 'custom', path: ['appPassword'], message: 'Teams needs the app password as a secret, e.g. { fromEnv: TEAMS_APP_PASSWORD }' });
  })
  .optional()
  .describe('Microsoft Teams: Adaptive Cards in channels, commands and card actions through the Bot Framework.');

export type TeamsConfig = NonNullable<z.output<typeof teamsSchema>>;
export type TeamsChannelConfig = z.output<typeof teamsChannel>;

/**
 * Cross-references on the raw config (schema.ts's referenceProblems calls this): routes to Teams
 * channels that are not defined.
 */
export function teamsProblems(cfg: Record<string, any>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  const teams = cfg.platforms?.teams;
  const channels = teams && typeof teams.channels === 'object' && teams.channels ? Object.keys(teams.channels) : [];
  const checkRoute = (route: any, path: (string | number)[]) =>
    arr(route?.channels).forEach((c, ci) => {
      if (c?.platform !== 'teams' || typeof c.channel !== 'string' || channels.includes(c.channel)) return;
      out.push({
        path: [...path, 'channels', ci, 'channel'],
        message: `unknown Teams channel "${c.channel}": define it under platforms.teams.channels (known: ${channels.map((n) => `"${n}"`).join(', ') || 'none'})`,
      });
    });
  arr(cfg.routing?.rules).forEach((r, ri) => checkRoute(r, ['routing', 'rules', ri]));
  checkRoute(cfg.routing?.default, ['routing', 'default']);
  return out;
}

export const teamsConfig = {
  schema: teamsSchema,
  userId: 'Teams identity: an Azure AD object id or a Teams user id 29:...',
  problems: teamsProblems,
} satisfies PlatformConfig;
