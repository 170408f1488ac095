// platforms.slack (owned by the Slack integration). The worker posts through the Web API with the
// bot token; the api receives commands, buttons and events over HTTP (signed with the signing
// secret) or over Socket Mode (app token). Secrets are references, never values.
import { z } from 'zod';
import { durationWithin, secretRef as secret } from '../../config/primitives';
import type { PlatformConfig } from '../seams';
const timeout = durationWithin(100, 60_000);

/** One Web API method's budget in the worker (activities/chat/ratelimit.ts). */
const methodBudget = z
  .object({
    perMinute: z.number().positive().max(100_000).describe('Sustained calls per minute the worker allows itself.'),
    burst: z.number().int().min(1).max(1_000).describe('Calls Slack allows at once after a quiet spell; the worker keeps one of them in reserve for network jitter.'),
    perChannel: z.boolean().default(false).describe('Counted per channel (as Slack counts chat.postMessage), not per workspace.'),
  })
  .strict();
export type SlackMethodBudget = z.output<typeof methodBudget>;

/**
 * Slack's published limits (api.slack.com/apis/rate-limits): chat.postMessage about 1 a second per
 * channel with short bursts; Tier 3 (50+/min) chat.update, conversations.history/replies/open;
 * Tier 4 (100+/min) users.lookupByEmail, auth.test. Apps outside the Marketplace created since
 * May 2025 get conversations.history/replies at 1 a minute: set those to perMinute 1.
 */
export const SLACK_RATE_LIMITS: Record<string, SlackMethodBudget> = {
  'chat.postMessage': { perMinute: 60, burst: 3, perChannel: true },
  'chat.update': { perMinute: 50, burst: 5, perChannel: false },
  'conversations.history': { perMinute: 50, burst: 5, perChannel: false },
  'conversations.replies': { perMinute: 50, burst: 5, perChannel: false },
  'conversations.open': { perMinute: 50, burst: 5, perChannel: false },
  'users.lookupByEmail': { perMinute: 100, burst: 10, perChannel: false },
  'auth.test': { perMinute: 100, burst: 10, perChannel: false },
};

const rateLimits = z
  .object({
    enabled: z.boolean().default(true).describe('Queue Web API calls in the worker within the budgets below (off: every call goes straight out).'),
    maxWait: durationWithin(1_000, 10 * 60_000)
      .default(60_000)
      .describe('Longest a call waits for budget in the worker; past it the activity fails retryably and Temporal retries it when the budget expects room.'),
    methods: z
      .record(z.string(), methodBudget)
      .superRefine((methods, ctx) => {
        // A record key's own regex only says "Invalid key in record"; name the key and the form.
        for (const m of Object.keys(methods))
          if (!/^[a-z]+\.[a-zA-Z.]+$/.test(m)) ctx.addIssue({ code: 'custom', path: [m], message: `"${m}" is not a Web API method name: expected one such as chat.update` });
      })
      .default({})
      .describe('Budgets per Web API method, replacing the defaults (Slack\'s published tiers) method by method. Methods without a budget are not limited.'),
  })
  .strict()
  .default({ enabled: true, maxWait: 60_000, methods: {} })
  .describe('Per-workspace, per-method budgets for Slack Web API calls: a burst queues in the worker, critical alerts and pages first, instead of bouncing off 429s.');

export const SLACK_DEFAULT_API_URL = 'https://slack.com/api/';

export const slackSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Post alerts to Slack and take commands, buttons and modals from it.'),
    mode: z.enum(['http', 'socket']).default('http').describe('`http`: Slack calls the api at /slack/events. `socket`: the api opens a Socket Mode connection.'),
    botToken: secret.optional().describe('Bot token (xoxb-...), for posting, updating, DMs, modals and ephemeral answers.'),
    signingSecret: secret.optional().describe('Signing secret of the Slack app (http mode): every request to /slack/events is verified with it.'),
    appToken: secret.optional().describe('App-level token (xapp-...) with connections:write (socket mode).'),
    slackApiUrl: z.string().url().default(SLACK_DEFAULT_API_URL).describe('Web API base URL; point it at a proxy or a test double.'),
    requestTimeout: timeout.default(10_000).describe('How long one Web API call may take before it is abandoned (the activity then retries).'),
    dedupeScan: z.number().int().min(20).max(1000).default(200).describe('At most how many channel or thread messages since its first attempt a retried post scans for its earlier post (first attempts never look).'),
    lookupUsersByEmail: z.boolean().default(false).describe('Map Slack users to roster people by email (users.lookupByEmail) when people[].chat.slack is not set.'),
    rateLimits,
    teamId: z
      .string()
      .regex(/^T[A-Z0-9]+$/, 'expected a Slack team id such as T0123ABCD')
      .optional()
      .describe('Workspace pin: requests from any other team_id are refused. Default: the workspace of the bot token (auth.test).'),
    enterpriseId: z
      .string()
      .regex(/^E[A-Z0-9]+$/, 'expected a Slack enterprise id such as E0123ABCD')
      .optional()
      .describe('Enterprise Grid pin: requests from any other organization are refused (with an org-wide install, any workspace in it).'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!s.enabled) return;
    const need = (key: 'botToken' | 'signingSecret' | 'appToken', why: string) => {
      if (!s[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required when Slack is enabled${why}: { fromEnv: VAR } or { fromFile: /path }` });
    };
    need('botToken', '');
    if (s.mode === 'http') need('signingSecret', ' in http mode');
    if (s.mode === 'socket') need('appToken', ' in socket mode');
  })
  .optional()
  .describe('Slack: Block Kit alerts through the Web API; commands, buttons and modals over HTTP or Socket Mode.');

export type SlackConfig = NonNullable<z.output<typeof slackSchema>>;

export const slackConfig = {
  schema: slackSchema,
  userId: 'Slack member ID, e.g. U0123ABCD (not a name)',
} satisfies PlatformConfig;
