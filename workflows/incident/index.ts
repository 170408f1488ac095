// The incident lifecycle: alert, diagnose, page, wait with escalation timers, ack, handoff,
// resolve (by a person or by observed recovery), postmortem. This entry only orders the concerns:
// handlers first, then the first alert, then the concurrent loops (alert updater, event publisher,
// diagnostics, recovery watch, escalation), then continue-as-new or the postmortem. The start order
// is part of the recorded commands: keep it (docs/upgrades.md; the replay tests check it).
import * as wf from '@temporalio/workflow';
import type { IncidentInput, IncidentResult, IncidentState } from '../definitions';
import { nowIso } from '../clock';
import { initialState } from '../state';
import { routeAndAlert, updateAlerts } from './alerting';
import { IncidentRun } from './context';
import { continueAsNewWhenIdle, DEFAULT_HISTORY_LIMIT } from './continue-as-new';
import { startDiagnostics } from './diagnostics';
import { escalate } from './escalation';
import { publishEvents } from './events';
import { registerHandlers } from './handlers';
import { closeResolved } from './postmortem';
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
  run.names = await lookups.peopleNames();

  if (!resumed) await routeAndAlert(run, input.anomaly);
  run.debounceMs = s.alertDebounceMs ?? run.debounceMs;

  const updater = updateAlerts(run);
  const publisher = publishEvents(run);
  const diagnosing = startDiagnostics(run);
  const recovery = watchRecovery(run);
  const escalation = escalate(run);

  await escalation;
  await recovery;
  // Escalation and recovery return early only when the history grew too long.
  if (s.status !== 'resolved') return await continueAsNewWhenIdle(run, input, updater, publisher);
  return await closeResolved(run, diagnosing, updater, publisher);
}
