// A warning from activity code: into the activity log (with the workflow and activity ids) when
// running as an activity, else a process warning (tests and scripts call the code directly).
import { log } from '@temporalio/activity';

export function activityWarn(message: string): void {
  try {
    log.warn(message);
  } catch {
    process.emitWarning(message);
  }
}
