// Every patch id the workflow code uses, in one place (policy: docs/upgrades.md). Incidents stay
// open across deploys, so a behaviour change must not alter the commands an open incident's
// history already recorded: new code runs behind `wf.patched(PATCH.x)`, later
// `wf.deprecatePatch(PATCH.x)`, then goes away. test/unit/workflows/versioning.test.ts fails when
// workflows/ calls patched()/deprecatePatch() with an id not listed here, or one missing from the
// patch table of docs/upgrades.md.
//
// Convention: key = camelCase of the id; id = kebab-case of the behaviour, never reused, never
// renamed (the id is written into histories as a marker).
export const PATCH = {
  /** A person's ack, hand-off or resolve updates the alert at once; a zero debounce starts no timer. */
  instantHumanUpdates: 'instant-human-updates',
  /** A resolved run stays open for incidents.flapWindow; a recurrence reopens it (issue 14 item 4). */
  flapWindow: 'flap-window',
  /**
   * Fewer workflow tasks per incident (issue 11): diagnostics and their digest reply in one activity;
   * timeline entries go to the event sinks with the alert updates (one batch per card update).
   */
  fewerTasksPerIncident: 'fewer-tasks-per-incident',
  /**
   * Occurrence-driven card updates back off during a storm (issue 11): the wait doubles after each
   * update while changes keep coming, up to 30 s. Checked only when a wait would grow, so a quiet
   * incident's history carries no marker.
   */
  stormBackoff: 'storm-backoff',
} as const satisfies Record<string, string>;
