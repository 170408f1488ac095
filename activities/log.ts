// Logging from activity code: into the activity log (the Runtime logger adds the workflow, run and
// activity ids, logging/temporal.ts the incident id) when running as an activity, else a process
// warning (tests and scripts call the code directly; worker/main.ts routes warnings to its log).
import { log } from '@temporalio/activity';

export function activityWarn(message: string): void {
  try {
    log.warn(message);
  } catch {
    process.emitWarning(message);
  }
}

/** An info line with attributes; outside an activity it is dropped (only the worker logs these). */
export function activityInfo(message: string, attrs?: Record<string, unknown>): void {
  try {
    log.info(message, attrs);
  } catch {
    // not in an activity: nobody to tell
  }
}
