// Slack Web API calls within the workspace's budgets (config platforms.slack.rateLimits, the
// limiter in ../ratelimit.ts). One limiter per workspace (bot token) in the process, shared by
// every adapter built for it, so a config reload does not reset what was already spent. A call's
// place in the queue is its activity's Temporal priority key (../activity-priority.ts), so the
// worker drains a burst in the same order the server dispatches it.
import { createHash } from 'node:crypto';
import { WebAPIRateLimitedError } from '@slack/web-api';
import { SLACK_RATE_LIMITS, type SlackMethodBudget } from '../config';
import { rateLimited } from '../../../activities/errors';
import { RateLimiter, RateLimitWait } from '../../../activities/chat/ratelimit';
import { activityWait } from '../../../activities/chat/activity-priority';

export interface SlackRateLimits {
  enabled: boolean;
  maxWait: number;
  /** Overrides of SLACK_RATE_LIMITS, method by method. */
  methods: Record<string, SlackMethodBudget>;
}

const limiters = new Map<string, RateLimiter>();

/** `inThread`: a thread reply (diagnostics, page mention) queues behind top-level posts of the same priority. */
export type SlackCall = <T>(method: string, channel: string | undefined, run: () => Promise<T>, inThread?: boolean) => Promise<T>;

/**
 * Wraps Web API calls: each waits for its method's budget (per channel where Slack counts so),
 * a 429 that still happens blocks the bucket for its Retry-After, and a call that would wait past
 * `maxWait` fails retryably with the expected wait as the activity's next retry delay.
 */
export function slackLimits(workspace: { token: string; apiUrl: string }, cfg: SlackRateLimits | undefined): SlackCall {
  if (cfg && !cfg.enabled) return (_m, _c, run) => run();
  const maxWait = cfg?.maxWait ?? 60_000;
  const scope = createHash('sha256').update(`${workspace.apiUrl}\n${workspace.token}`).digest('hex').slice(0, 16);
  const id = `${scope}/${maxWait}`;
  let limiter = limiters.get(id);
  if (!limiter) limiters.set(id, (limiter = new RateLimiter({ maxWaitMs: maxWait })));
  // One call of each burst stays in reserve: requests reach Slack a little earlier or later than
  // the worker let them go (the first one also opens the connection), and Slack counts arrivals.
  const budgets = Object.fromEntries(Object.entries({ ...SLACK_RATE_LIMITS, ...cfg?.methods }).map(([m, b]) => [m, { ...b, burst: Math.max(1, b.burst - 1) }]));
  return async (method, channel, run, inThread = false) => {
    const activity = activityWait(); // heartbeats per call too: the chat activities have a heartbeat timeout
    const budget = budgets[method];
    if (!budget) return run();
    const bucket = budget.perChannel && channel ? `slack ${method} in ${channel}` : `slack ${method}`;
    try {
      await limiter.acquire(bucket, budget, { ...activity, priority: activity.priority + (inThread ? 0.5 : 0) });
    } catch (err) {
      if (err instanceof RateLimitWait) throw rateLimited(`Slack ${method}: ${err.message} (platforms.slack.rateLimits)`, err.retryAfterMs);
      throw err;
    }
    try {
      return await run();
    } catch (err) {
      if (err instanceof WebAPIRateLimitedError) limiter.rateLimited(bucket, budget, err.retryAfter * 1000);
      throw err;
    }
  };
}
