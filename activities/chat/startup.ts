// What a chat platform's start-up check reports to the worker (worker/preflight.ts prints it).
export interface StartupCheck {
  /** Why the worker must not start (the platform could not work at all), or undefined. */
  fatal?: string;
  /** What works with a gap, one sentence each. */
  notes: string[];
}
