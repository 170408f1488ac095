// A notification's incident actions -> Temporal, through one coalescer per api process
// (intake/coalesce.ts, as POST /api/anomalies does). Alertmanager sends groups in parallel and
// repeats them, so notifications naming one incident often overlap: the first action of an idle
// incident goes at once; occurrences of it arriving (in other notifications) while that signal is
// in flight, or within the window after it started, share ONE follow-up signal with their summed
// count. A recovery never merges and goes right after what was queued before it, so it never
// overtakes an occurrence it followed. Each caller hears the outcome of the signal that carried
// its action: Alertmanager gets its 200 only once Temporal took every alert of the notification.
import type { Client } from '@temporalio/client';
import { Coalescer } from '../coalesce';
import { API_COALESCE_WINDOW_MS, foldSample, signalAnomaly, signalRecovery } from '../signal';
import { LIMITS } from '../schema';
import type { IncidentAction } from './batch';

export interface ActionOutcome {
  incidentId: string;
  signal: 'occurrence' | 'recovered' | 'no-incident';
}

/** Two occurrences of one incident as one signal (newest sample, worst severity, summed count); never a recovery. */
export function mergeActions(into: IncidentAction, next: IncidentAction): IncidentAction | undefined {
  if (into.type !== 'occurrence' || next.type !== 'occurrence') return undefined;
  const count = (into.anomaly.count ?? 1) + (next.anomaly.count ?? 1);
  return count > LIMITS.count ? undefined : { ...into, anomaly: { ...foldSample(into.anomaly, next.anomaly), count } };
}

/** `send` behind the coalescer, keyed by incident id; unit tests give it a recorder, the api Temporal. */
export function coalescedActions(send: (a: IncidentAction) => Promise<ActionOutcome>, windowMs = API_COALESCE_WINDOW_MS): (a: IncidentAction) => Promise<ActionOutcome> {
  const coalescer = new Coalescer<IncidentAction, ActionOutcome>({ windowMs, merge: mergeActions, send: (_id, a) => send(a) });
  // `now` for a recovery: what is held before it goes without waiting out the window, then the recovery.
  return (a) => coalescer.submit(a.incidentId, a, { now: a.type === 'recovered' });
}

/** One action as one Temporal call: signal-with-start for an occurrence, a signal for a recovery. */
export async function signalAction(client: Client, taskQueue: string, a: IncidentAction): Promise<ActionOutcome> {
  if (a.type === 'occurrence') {
    await signalAnomaly(client, a.anomaly, { taskQueue });
    return { incidentId: a.incidentId, signal: 'occurrence' };
  }
  const delivered = await signalRecovery(client, a.cluster, a.fingerprint, a.recovery);
  return { incidentId: a.incidentId, signal: delivered === 'delivered' ? 'recovered' : 'no-incident' };
}
