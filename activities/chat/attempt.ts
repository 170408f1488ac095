// Whether this activity attempt is a retry, and since when an earlier attempt may have posted.
// Platforms that can only look a message up at a cost (Teams, through Microsoft Graph) do so only
// on retries; the first attempt cannot have a predecessor. Nor can a retry whose every earlier
// attempt gave up waiting for rate budget before anything went out: such an attempt says so in
// its last heartbeat (flushed with the failure), and the next attempt spends no lookup call.
import { Context } from '@temporalio/activity';
import { activityWarn } from '../log';

/** Heartbeat details of an attempt that ends without having sent any post, nor had a predecessor that did. */
export interface UnsentDetails {
  /** The attempt number that gave up; only attempt `unsentThrough + 1` may trust it. */
  unsentThrough: number;
}

// Attempts (by their activity Context) in which a call that may create a message went out.
const posted = new WeakSet<Context>();

function current(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (tests, the api)
  }
}

/** True when the attempt before this one recorded that it, and all before it, never sent a post. */
function previousAttemptsUnsent(ctx: Context): boolean {
  const d = ctx.info.heartbeatDetails as Partial<UnsentDetails> | undefined;
  return ctx.info.attempt === 1 || d?.unsentThrough === ctx.info.attempt - 1;
}

/** Epoch ms the activity was first scheduled, on a retry that may have a posted predecessor; undefined otherwise. */
export function earlierAttemptSince(): number | undefined {
  const ctx = current();
  if (!ctx || previousAttemptsUnsent(ctx)) return undefined;
  return ctx.info.scheduledTimestampMs;
}

/** Call right before a call that may create a message goes out (on any platform, budgeted or not). */
export function sendingPost(): void {
  const ctx = current();
  if (ctx) posted.add(ctx);
}

/**
 * Call when this attempt gives up waiting for rate budget: if nothing it (or an earlier attempt)
 * sent can have created a message, the heartbeat says so and the retry skips its lookup. Lost
 * details (a crash, a dropped heartbeat) only cost the lookup, never a duplicate.
 */
export function gaveUpBeforeSending(): void {
  const ctx = current();
  if (!ctx || posted.has(ctx) || !previousAttemptsUnsent(ctx)) return;
  ctx.heartbeat({ unsentThrough: ctx.info.attempt } satisfies UnsentDetails);
}

/**
 * On a retry (`since` set), the id `find` gives for an earlier copy of the post. A lookup that fails
 * (missing scope, rate limit, outage) must not hold an alert back: it is logged and the post goes ahead.
 */
export async function earlierCopy(
  platform: string,
  key: string,
  since: number | undefined,
  find: (since: number) => Promise<string | undefined>,
  warn: (message: string) => void = activityWarn,
): Promise<string | undefined> {
  if (since === undefined) return undefined;
  try {
    return await find(since);
  } catch (err) {
    warn(`${platform} post ${key}: could not check for an earlier copy, posting anyway: ${(err as Error).message}`);
    return undefined;
  }
}
