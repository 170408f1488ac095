// Flapping (issue 14 item 4): a resolved run stays open for the flap window (incidents.flapWindow).
// A recurrence within it reopens the SAME incident (same thread and card, `flapping`, timeline
// `reopened`) and re-notifies its person once; the escalation ladder goes on from where it stood
// (a new page key per flap, never level 0 again), so there is no second page storm. After the
// window the run closes as before. Behind `patched(PATCH.flapWindow)` in index.ts.
import * as wf from '@temporalio/workflow';
import { incidentKey } from '../definitions';
import { nowIso } from '../clock';
import { addTimeline } from '../state';
import { failureMessage, type IncidentRun } from './context';
import { urgentChat } from './proxies';

/** Waits out the flap window; true when the incident was reopened (a recurrence or /incident reopen). */
export async function waitFlapWindow(run: IncidentRun): Promise<boolean> {
  const { s } = run;
  run.reopenable = true;
  const reopened = await wf.condition(() => !run.isResolved(), s.flapWindowMs!);
  run.reopenable = false;
  if (!reopened) return false;
  const person = run.flapNotify;
  run.flapNotify = undefined;
  if (person) await renotify(run, person);
  return true;
}

/** One message to the person who held the incident; the flap count keeps its key unique. */
async function renotify(run: IncidentRun, personId: string): Promise<void> {
  const { s } = run;
  const what = `${s.kind} on ${(s.owner ?? s.resource).kind}/${(s.owner ?? s.resource).name} in ${s.cluster}`;
  try {
    const receipt = await urgentChat(s.severity).pagePerson({
      incidentId: s.id,
      key: `${incidentKey(s)}/flap${s.flapCount ?? 0}/${personId}`,
      personId,
      refs: s.messages,
      text: `${what} recurred soon after it was resolved (flapping); it is yours again. /resolve when fixed, /handoff @person to pass it on.`,
      via: ['chat'],
      severity: s.severity,
    });
    addTimeline(s, { at: nowIso(), type: 'paged', actor: 'system', text: `Re-notified ${run.name(personId)} of the recurrence via ${receipt.delivered.join(', ')}`, data: { personId, flap: s.flapCount } });
  } catch (err) {
    addTimeline(s, { at: nowIso(), type: 'page-failed', actor: 'system', text: `Re-notifying ${run.name(personId)} failed: ${failureMessage(err)}`, data: { personId } });
  }
  run.changed();
}
