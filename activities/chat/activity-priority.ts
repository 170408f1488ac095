// How a chat call waiting for rate budget (ratelimit.ts) takes part in its activity: its place in
// the queue is the activity's Temporal priority key (the workflow gives alerts and pages of
// critical incidents key 1, card updates and thread replies 4), it heartbeats while it waits, and
// it leaves the queue when the activity is cancelled (or the worker shuts down).
import { Context } from '@temporalio/activity';
import type { AcquireOptions } from './ratelimit';

/** Temporal's default priority key, for calls outside an activity (tests, the api). */
export const DEFAULT_PRIORITY = 3;

/** Acquire options from the running activity; heartbeats once now, since every call is progress. */
export function activityWait(): Required<Pick<AcquireOptions, 'priority'>> & AcquireOptions {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return { priority: DEFAULT_PRIORITY };
  }
  ctx.heartbeat();
  return { priority: ctx.info.priority?.priorityKey || DEFAULT_PRIORITY, onWait: () => ctx.heartbeat(), signal: ctx.cancellationSignal };
}
