// platforms.teams and paging.pagerduty (owned by the Teams and PagerDuty integrations).
// Every outside endpoint has a default pointing at Microsoft's or PagerDuty's public service and can
// be pointed elsewhere (sovereign clouds, self-hosted proxies, the test fakes).
import { z } from 'zod';
import { durationWithin, secretRef as secret } from '../../config/primitives';
const timeout = (fallback: string) => z.string().default(fallback).pipe(durationWithin(100));

const personKey = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a person id');

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
    /** The channel's conversation id, e.g. `19:abc...@thread.tacv2`. */
    conversationId: z.string().min(1),
    /** The Bot Connector base URL of the tenant's region (the `serviceUrl` of activities from it). */
    serviceUrl: z.string().url(),
    /** Azure AD tenant of the team; default `platforms.teams.tenantId`. */
    tenantId: z.string().min(1).optional(),
    /** The team's Microsoft 365 group id (a GUID): where Microsoft Graph finds the channel's messages. */
    teamId: z.string().uuid('expected the team\'s group id, a GUID (Teams: "Get link to team", the groupId parameter)').optional(),
  })
  .strict();

/**
 * Microsoft Graph, read only: a post retried after a worker died may already be in the channel, and
 * the Bot Connector cannot look messages up. With this on, a retried post first reads the channel's
 * (or thread's) recent messages through Graph and reuses the one carrying its key.
 */
const teamsGraph = z
  .object({
    /** Needs the RSC permission ChannelMessage.Read.Group in the app manifest (or ChannelMessage.Read.All). */
    enabled: z.boolean().default(false),
    url: z.string().url().default(TEAMS_DEFAULTS.graphUrl),
    /** Scope of the Graph token (`/.default` is appended). */
    scope: z.string().min(1).default(TEAMS_DEFAULTS.graphScope),
  })
  .strict();

export const teamsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The bot's Microsoft App ID (Azure Bot registration). */
    appId: z.string().min(1).optional(),
    /** The app's client secret. */
    appPassword: secret.optional(),
    /** Tenant of a single-tenant bot (tokens come from it) and the default tenant of channels and DMs. */
    tenantId: z.string().min(1).optional(),
    /** DEVELOPMENT ONLY: accept requests without a valid Bot Framework JWT (e.g. the Bot Framework Emulator). */
    allowUnauthenticated: z.boolean().default(false),
    /** Bot Connector URL used to open direct-message conversations. */
    serviceUrl: z.string().url().default(TEAMS_DEFAULTS.serviceUrl),
    /** Channel names used by routing rules (`{ platform: teams, channel: <name> }`). */
    channels: z.record(z.string().min(1), teamsChannel).default({}),
    endpoints: z
      .object({
        /** OpenID metadata whose keys sign the JWTs Teams sends to the bot. */
        openIdMetadataUrl: z.string().url().default(TEAMS_DEFAULTS.openIdMetadataUrl),
        /** `iss` of those JWTs. */
        tokenIssuer: z.string().min(1).default(TEAMS_DEFAULTS.tokenIssuer),
        /** Authority for the bot's own tokens; default `https://login.microsoftonline.com/<tenantId or botframework.com>`. */
        loginUrl: z.string().url().optional(),
        /** Scope of the bot's own tokens (`/.default` is appended). */
        oauthScope: z.string().min(1).default(TEAMS_DEFAULTS.oauthScope),
      })
      .strict()
      .default({ openIdMetadataUrl: TEAMS_DEFAULTS.openIdMetadataUrl, tokenIssuer: TEAMS_DEFAULTS.tokenIssuer, oauthScope: TEAMS_DEFAULTS.oauthScope }),
    graph: teamsGraph.default({ enabled: false, url: TEAMS_DEFAULTS.graphUrl, scope: TEAMS_DEFAULTS.graphScope }),
    /** How long one call to the Bot Connector may take before the activity retries. */
    requestTimeout: timeout('10s'),
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
  .optional();

export const pagerdutySchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Events API v2 base URL (`/v2/enqueue` is appended). */
    url: z.string().url().default('https://events.pagerduty.com'),
    /** Integration (routing) key of the PagerDuty service paged by default. */
    routingKey: secret.optional(),
    /** Per-person routing keys (a service per responder); they win over `routingKey`. */
    people: z.record(personKey, secret).default({}),
    /** `payload.source` of triggers; default: the incident's cluster. */
    source: z.string().min(1).max(255).optional(),
    requestTimeout: timeout('10s'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.enabled && !p.routingKey && Object.keys(p.people).length === 0)
      ctx.addIssue({ code: 'custom', path: ['routingKey'], message: 'PagerDuty needs a routing key: set routingKey (a service integration key) or people.<id>' });
  })
  .optional();

export type TeamsConfig = NonNullable<z.output<typeof teamsSchema>>;
export type TeamsChannelConfig = z.output<typeof teamsChannel>;
export type PagerDutyConfig = NonNullable<z.output<typeof pagerdutySchema>>;

/**
 * Cross-references on the raw config (schema.ts's referenceProblems calls this): routes to Teams
 * channels that are not defined, PagerDuty keys for people not on the roster, escalation levels
 * paging via PagerDuty while it is off.
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

  const pd = cfg.paging?.pagerduty;
  const people = new Set(arr(cfg.people).map((p) => p?.id));
  for (const id of Object.keys(pd?.people ?? {}))
    if (!people.has(id)) out.push({ path: ['paging', 'pagerduty', 'people', id], message: `unknown person "${id}"; routing keys are per roster person` });
  arr(cfg.escalationPolicies).forEach((p, pi) =>
    arr(p?.levels).forEach((l, li) => {
      if (arr(l?.via).includes('pagerduty') && pd?.enabled !== true)
        out.push({ path: ['escalationPolicies', pi, 'levels', li, 'via'], message: 'pages via "pagerduty" but paging.pagerduty is not enabled' });
    }),
  );
  return out;
}
