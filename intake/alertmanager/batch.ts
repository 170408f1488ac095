// A notification's alerts -> one action per incident. Alertmanager sends every alert of a group in
// each notification (firing and resolved together, and again on every repeat), and with
// fingerprintLabels several alerts share one incident: one signal per incident keeps a 50-alert
// payload at most 50 signals, never two racing signals for one workflow.
import { incidentWorkflowId, severityRank, type Anomaly, type Recovery } from '../../workflows/definitions';
import type { MappedAlert } from './map';

export type IncidentAction =
  | { type: 'occurrence'; incidentId: string; anomaly: Anomaly }
  | { type: 'recovered'; incidentId: string; cluster: string; fingerprint: string; recovery: Recovery };

/**
 * Firing alerts of one incident become one occurrence (count = how many fired, the most severe one's
 * fields); an incident recovers only when none of its alerts in the notification still fires.
 */
export function actionsFor(alerts: MappedAlert[]): IncidentAction[] {
  const byIncident = new Map<string, IncidentAction>();
  for (const a of alerts) {
    if (a.status === 'firing') {
      const incidentId = incidentWorkflowId(a.anomaly.cluster, a.anomaly.fingerprint);
      const seen = byIncident.get(incidentId);
      if (seen?.type !== 'occurrence') {
        byIncident.set(incidentId, { type: 'occurrence', incidentId, anomaly: { ...a.anomaly, count: 1 } });
        continue;
      }
      const count = (seen.anomaly.count ?? 1) + 1;
      const worst = severityRank(a.anomaly.severity) > severityRank(seen.anomaly.severity) ? a.anomaly : seen.anomaly;
      seen.anomaly = { ...worst, count };
      continue;
    }
    const incidentId = incidentWorkflowId(a.cluster, a.fingerprint);
    if (!byIncident.has(incidentId)) byIncident.set(incidentId, { type: 'recovered', incidentId, cluster: a.cluster, fingerprint: a.fingerprint, recovery: a.recovery });
  }
  return [...byIncident.values()];
}

/** Runs `fn` over `items` with at most `limit` in flight; rejects with the first failure after all settled. */
export async function forEachBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let failure: { err: unknown } | undefined;
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.err;
  return results;
}
