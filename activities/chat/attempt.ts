// Whether this activity attempt is a retry, and since when an earlier attempt may have posted.
// Platforms that can only look a message up at a cost (Teams, through Microsoft Graph) do so only
// on retries; the first attempt cannot have a predecessor.
import { Context } from '@temporalio/activity';
import { activityWarn } from '../log';

/** Epoch ms the activity was first scheduled, on a retry; undefined on a first attempt or outside an activity. */
export function earlierAttemptSince(): number | undefined {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return undefined; // called outside an activity (tests, the api)
  }
  return info.attempt > 1 ? info.scheduledTimestampMs : undefined;
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
