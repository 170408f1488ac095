// Whether this activity attempt is a retry, and since when an earlier attempt may have posted.
// Platforms that can only look a message up at a cost (Teams, through Microsoft Graph) do so only
// on retries; the first attempt cannot have a predecessor.
import { Context } from '@temporalio/activity';

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
