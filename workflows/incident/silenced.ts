// An incident opened under a silence or maintenance window (issue 14 item 3): routing said so, the
// timeline records it (archived like every entry), and nothing alerts or pages until the silence
// ends: its expiry (a timer to `until`) or its early removal (the silences workflow signals
// `silenceEnded`). Then, if the problem is still there, the held-back alert goes out and escalation
// starts; a recovery or resolve during the silence closes the incident quietly. Histories recorded
// before silences existed never carry `silenced` in their routing answer, so they never enter here.
import * as wf from '@temporalio/workflow';
import type { RoutingAnswer } from '../../activities/config-lookups';
import { nowIso, nowMs } from '../clock';
import { addTimeline } from '../state';
import { SILENCES_WORKFLOW_ID, silenceEndedSignal, watchSilenceSignal } from '../silences-definitions';
import { failureMessage, type IncidentRun } from './context';
import { shouldContinueAsNew } from './continue-as-new';

export function registerSilenceHandlers(run: IncidentRun): void {
  wf.setHandler(silenceEndedSignal, ({ silenceId, why }) => {
    if (run.s.silenced?.id === silenceId) run.silenceEnded ??= why;
  });
}

/** Records the hold and asks the silences workflow to say when the silence ends early. */
export async function holdBack(run: IncidentRun, routing: RoutingAnswer): Promise<void> {
  const { s } = run;
  const by = routing.silenced!;
  s.silenced = { ...by, channels: routing.channels, rule: routing.rule };
  const what = by.id.startsWith('maintenance:') ? `maintenance window ${by.id.slice('maintenance:'.length)}` : `silence ${by.id}`;
  addTimeline(s, { at: nowIso(), type: 'silenced', actor: 'system', text: `Held back by ${what} ${by.matcher} until ${by.until}${by.reason ? ` (${by.reason})` : ''}: no alert and no page while it lasts; it alerts then if still open`, data: { silence: by.id, until: by.until } });
  run.changed();
  if (by.id.startsWith('maintenance:')) return; // config windows end only by time
  try {
    await wf.getExternalWorkflowHandle(SILENCES_WORKFLOW_ID).signal(watchSilenceSignal, { silenceId: by.id, workflowId: wf.workflowInfo().workflowId });
  } catch (err) {
    // The silence still ends by its timer; only an early removal would go unnoticed.
    addTimeline(s, { at: nowIso(), type: 'note', actor: 'system', text: `Could not ask to be told when ${what} is removed early (${failureMessage(err)}); the hold ends at ${by.until}` });
  }
}

/**
 * Waits while the silence lasts. Returns true when the held-back alert should go out now, false
 * when the incident was resolved meanwhile (or the run continues as new and waits on there).
 */
export async function waitOutSilence(run: IncidentRun): Promise<boolean> {
  const { s } = run;
  const hold = s.silenced!;
  const left = Math.max(0, Date.parse(hold.until) - nowMs());
  await wf.condition(() => run.silenceEnded !== undefined || run.isResolved() || shouldContinueAsNew(run), left);
  if (run.isResolved() || (run.silenceEnded === undefined && shouldContinueAsNew(run))) return false;
  hold.ended = nowIso();
  const o = s.occurrences;
  addTimeline(s, {
    at: nowIso(),
    type: 'unsilenced',
    actor: 'system',
    text: `Silence ${hold.id} ended (${run.silenceEnded ?? 'expired'}) with the problem still there: ${o.count} occurrence(s) held back since ${o.firstSeen}; alerting and paging now`,
    data: { silence: hold.id, occurrences: o.count },
  });
  run.changed();
  return true;
}
