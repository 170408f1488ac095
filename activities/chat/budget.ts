// One chat API call within its rate budget, the same way on every platform: it waits in the
// worker's limiter at its activity's priority; a call that gives up waiting fails retryably with
// the expected wait (and, when nothing was posted yet, tells the retry to skip its duplicate-post
// lookup, see attempt.ts); a 429 that still happens blocks the bucket for its Retry-After.
import { createHash } from 'node:crypto';
import { rateLimited } from '../errors';
import { activityWait } from './activity-priority';
import { gaveUpBeforeSending, sendingPost } from './attempt';
import { RateLimiter, RateLimitWait, type Budget } from './ratelimit';

const limiters = new Map<string, RateLimiter>();

/**
 * One limiter per workspace (API URL + token) and max wait in the process, shared by every adapter
 * built for it, so a config reload does not reset what was already spent. Only a hash of the token is kept.
 */
export function sharedLimiter(platform: string, apiUrl: string, token: string, maxWaitMs: number): RateLimiter {
  const scope = createHash('sha256').update(`${platform}\n${apiUrl}\n${token}`).digest('hex').slice(0, 16);
  const id = `${scope}/${maxWaitMs}`;
  let limiter = limiters.get(id);
  if (!limiter) limiters.set(id, (limiter = new RateLimiter({ maxWaitMs })));
  return limiter;
}

export interface BudgetedCall {
  limiter?: RateLimiter;
  /** Bucket name, e.g. "discord POST /channels/123/messages"; also names it in errors. */
  bucket: string;
  /** No budget: the call goes straight out. */
  budget?: Budget;
  /** The call may create a message (a retry after it went out must look for that message). */
  posts: boolean;
  /** Added to the priority key: thread replies queue behind top-level posts of the same priority. */
  priorityOffset?: number;
  /** Named in the give-up error, e.g. platforms.discord.rateLimits. */
  configKey: string;
  /** The wait a failed call's 429 asks for, in ms; undefined when it was no 429. */
  retryAfterMs(err: unknown): number | undefined;
}

export async function withinBudget<T>(c: BudgetedCall, run: () => Promise<T>): Promise<T> {
  const activity = activityWait(); // heartbeats per call too: the chat activities have a heartbeat timeout
  if (c.limiter && c.budget) {
    try {
      await c.limiter.acquire(c.bucket, c.budget, { ...activity, priority: activity.priority + (c.priorityOffset ?? 0) });
    } catch (err) {
      if (!(err instanceof RateLimitWait)) throw err;
      gaveUpBeforeSending();
      throw rateLimited(`${err.message} (${c.configKey})`, err.retryAfterMs);
    }
  }
  if (c.posts) sendingPost();
  try {
    return await run();
  } catch (err) {
    const wait = c.retryAfterMs(err);
    if (wait !== undefined && c.limiter && c.budget) c.limiter.rateLimited(c.bucket, c.budget, wait);
    throw err;
  }
}
