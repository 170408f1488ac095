// Slack Web API calls within the workspace's budgets (config platforms.slack.rateLimits, the
// limiter in activities/chat/ratelimit.ts, one per workspace, see activities/chat/budget.ts). A
// call's place in the queue is its activity's Temporal priority key, so the worker drains a burst
// in the same order the server dispatches it.
import { WebAPIRateLimitedError } from '@slack/web-api';
import { SLACK_RATE_LIMITS, type SlackMethodBudget } from '../config';
import { sharedLimiter, withinBudget } from '../../../activities/chat/budget';

export interface SlackRateLimits {
  enabled: boolean;
  maxWait: number;
  /** Overrides of SLACK_RATE_LIMITS, method by method. */
  methods: Record<string, SlackMethodBudget>;
}

/** `inThread`: a thread reply (diagnostics, page mention) queues behind top-level posts of the same priority. */
export type SlackCall = <T>(method: string, channel: string | undefined, run: () => Promise<T>, inThread?: boolean) => Promise<T>;

/**
 * Wraps Web API calls: each waits for its method's budget (per channel where Slack counts so),
 * a 429 that still happens blocks the bucket for its Retry-After, and a call that would wait past
 * `maxWait` fails retryably with the expected wait as the activity's next retry delay.
 */
export function slackLimits(workspace: { token: string; apiUrl: string }, cfg: SlackRateLimits | undefined): SlackCall {
  const on = !cfg || cfg.enabled;
  const limiter = on ? sharedLimiter('slack', workspace.apiUrl, workspace.token, cfg?.maxWait ?? 60_000) : undefined;
  // One call of each burst stays in reserve: requests reach Slack a little earlier or later than
  // the worker let them go (the first one also opens the connection), and Slack counts arrivals.
  const budgets = Object.fromEntries(Object.entries({ ...SLACK_RATE_LIMITS, ...cfg?.methods }).map(([m, b]) => [m, { ...b, burst: Math.max(1, b.burst - 1) }]));
  return (method, channel, run, inThread = false) => {
    const budget = budgets[method];
    const bucket = budget?.perChannel && channel ? `Slack ${method} in ${channel}` : `Slack ${method}`;
    return withinBudget(
      {
        limiter,
        bucket,
        budget,
        posts: method === 'chat.postMessage',
        priorityOffset: inThread ? 0.5 : 0,
        configKey: 'platforms.slack.rateLimits',
        retryAfterMs: (err) => (err instanceof WebAPIRateLimitedError ? err.retryAfter * 1000 : undefined),
      },
      run,
    );
  };
}
