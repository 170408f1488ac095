// The incident lifecycle: alert, diagnose, page, wait with escalation timers, ack, handoff,
// resolve (by a person or by observed recovery), postmortem. This entry only orders the concerns:
// handlers first, then the first alert, then the concurrent loops (alert updater, event publisher,
// diagnostics, recovery watch, escalation), then continue-as-new or the postmortem. The start order
// is part of the recorded commands: keep it (docs/upgrades.md; the replay tests check it).
import * as wf from '@temporalio/workflow';
import type { IncidentInput, IncidentResult, IncidentState } from '../definitions';
import { nowIso } from '../clock';
import { initialState } from '../state';
import { postAlerts, routeAndAlert, updateAlerts } from './alerting';
import { IncidentRun } from './context';
import { continueAsNewWhenIdle, DEFAULT_HISTORY_LIMIT } from './continue-as-new';
import { startDiagnostics } from './diagnostics';
import { escalate } from './escalation';
import { publishEvents } from './events';
import { registerHandlers } from './handlers';
import { closeResolved, finishResolved, writePostmortem } from './postmortem';
import { waitFlapWindow } from './flapping';
import { waitOutSilence } from './silenced';
import { PATCH } from '../versioning';
import { lookups } from './proxies';
import { watchRecovery } from './recovery';

export { DEFAULT_HISTORY_LIMIT };

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentResult> {
  const resumed = 'resume' in input;
  const s: IncidentState = resumed ? input.resume : initialState(wf.workflowInfo().workflowId, input.anomaly, nowIso());
  const run = new IncidentRun(s, input.historyLimit ?? DEFAULT_HISTORY_LIMIT);

  registerHandlers(run); // before any await, so nothing delivered in the first activation is lost
  if (resumed) s.generation += 1;
  run.changed(); // search attributes of the (new or resumed) run
  run.dirty = false;
  // The roster names and the routing are two local activities: run side by side, the first alert
  // goes out one local-activity round trip sooner (replay matches their markers by sequence).
  const naming = lookups.peopleNames().then((names) => (run.names = names));
  if (!resumed) await routeAndAlert(run, input.anomaly);
  await naming;
  run.debounceMs = s.alertDebounceMs ?? run.debounceMs;

  const updater = updateAlerts(run);
  const publisher = publishEvents(run);
  const diagnosing = startDiagnostics(run);
  for (;;) {
    const recovery = watchRecovery(run);
    // Held back by a silence: alert and escalate only when it ends with the problem still there.
    const escalation = s.silenced && !s.silenced.ended ? escalateAfterSilence(run) : escalate(run);

    await escalation;
    await recovery;
    // Escalation and recovery return early only when the history grew too long.
    if (s.status !== 'resolved') return await continueAsNewWhenIdle(run, input, updater, publisher);
    // Runs routed before the flap window existed carry none and close as they did.
    if (!((s.flapWindowMs ?? 0) > 0 && wf.patched(PATCH.flapWindow))) break;
    const items = await writePostmortem(run, diagnosing);
    if (!(await waitFlapWindow(run))) return await finishResolved(run, updater, publisher, items);
    // Reopened (flapping or /incident reopen): back to work in the same run, same thread and card.
  }
  return await closeResolved(run, diagnosing, updater, publisher);
}

async function escalateAfterSilence(run: IncidentRun): Promise<void> {
  if (!(await waitOutSilence(run))) return;
  await postAlerts(run, run.s.silenced?.channels ?? [], run.s.silenced?.rule ?? 'default');
  await escalate(run);
}
