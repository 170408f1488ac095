// Auto-resolve: when the watcher reports recovery and the routing rule allows it, the incident
// resolves itself after the recovery held for the quiet period; a recurrence (applyOccurrence
// clears `s.recovery`) cancels the wait.
import * as wf from '@temporalio/workflow';
import { nowIso, nowMs } from '../clock';
import { resolveAs } from '../state';
import type { IncidentRun } from './context';
import { shouldContinueAsNew } from './continue-as-new';

/** Returns when the incident is resolved (by anyone) or the run should continue as new. */
export async function watchRecovery(run: IncidentRun): Promise<void> {
  const { s } = run;
  while (s.status !== 'resolved') {
    await wf.condition(() => s.status === 'resolved' || (!!s.recovery && s.autoResolve.enabled) || shouldContinueAsNew(run));
    if (run.isResolved() || shouldContinueAsNew(run)) return;
    if (!s.recovery) continue; // a recurrence in the same activation already cancelled it
    const since = Date.parse(s.recovery.receivedAt);
    const quietLeft = Math.max(0, since + s.autoResolve.quietPeriodMs - nowMs());
    const marker = s.recovery;
    const interrupted = await wf.condition(() => s.status === 'resolved' || s.recovery !== marker || shouldContinueAsNew(run), quietLeft);
    if (!interrupted && s.recovery === marker && !run.isResolved()) {
      resolveAs(s, 'system', `Recovered: ${marker.message}`, nowIso(), `Auto-resolved: recovery held for the quiet period (${marker.message})`, run.name);
      run.changed();
    }
  }
}
