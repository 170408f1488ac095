// One workflow per cluster records every /kubectl command: entries arrive as signals, are published
// to the event sinks in order with stable ids (`audit/<cluster>@<startedAt>#<n>`, like incident
// timelines), and only the newest few stay in state. The run continues as new when its history
// grows, so the trail lives forever at a bounded size. Deterministic: workflow time only.
import * as wf from '@temporalio/workflow';
import type { EventActivities } from '../activities/events';
import type { TimelineEntry } from './definitions';
import { auditQuery, auditSignal, type AuditEntry, type AuditInput, type AuditView } from './audit-definitions';
import { nowIso } from './clock';

const events = wf.proxyActivities<EventActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export const RECENT_KEPT = 50;
const BATCH = 100;
const DEFAULT_HISTORY_LIMIT = 2_000;

/** An audit entry as a timeline entry, so every event sink takes it unchanged. */
export function auditTimelineEntry(e: AuditEntry): TimelineEntry {
  return {
    at: e.at,
    type: 'kubectl',
    actor: e.actor,
    text: `${e.outcome === 'ran' ? 'ran' : 'refused'}: ${e.command} (${e.detail})`,
    data: { via: e.via, platform: e.platform, channel: e.channel, outcome: e.outcome, namespace: e.namespace, incidentId: e.incidentId },
  };
}

export async function kubectlAuditWorkflow(input: AuditInput): Promise<void> {
  const startedAt = input.startedAt ?? nowIso();
  const pending: AuditEntry[] = [...(input.pending ?? [])];
  let recent: AuditEntry[] = [...(input.recent ?? [])];
  let published = input.published ?? 0;
  const generation = input.generation ?? 0;
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const id = wf.workflowInfo().workflowId;

  wf.setHandler(auditSignal, (entry) => void pending.push(entry));
  wf.setHandler(auditQuery, (): AuditView => ({ cluster: input.cluster, startedAt, published, pending: pending.length, recent, generation }));

  const historyTooLong = () => wf.workflowInfo().continueAsNewSuggested || wf.workflowInfo().historyLength > historyLimit;
  for (;;) {
    await wf.condition(() => pending.length > 0 || historyTooLong());
    if (pending.length === 0) break;
    const batch = pending.slice(0, BATCH);
    try {
      await events.publishEvents({
        // The sinks' incident summary: an audit trail is a stream of facts, never an open problem.
        incident: { id, key: `${id}@${startedAt}`, cluster: input.cluster, severity: 'info', kind: 'KubectlAudit', status: 'resolved', resource: { kind: 'Cluster', name: input.cluster } },
        startIndex: published,
        entries: batch.map(auditTimelineEntry),
      });
    } catch (err) {
      // Retries are unlimited, so only a permanent refusal gets here: keep the entries in state
      // (queryable) and move on rather than stall every later command.
      wf.log.warn('event sinks refused audit entries', { from: published, count: batch.length, error: String(err) });
    }
    pending.splice(0, batch.length);
    published += batch.length;
    recent = [...recent, ...batch].slice(-RECENT_KEPT);
    if (historyTooLong()) break;
  }
  // Signals that arrived while the last batch was out stay pending and travel to the next run.
  await wf.condition(() => wf.allHandlersFinished());
  await wf.continueAsNew<typeof kubectlAuditWorkflow>({ cluster: input.cluster, startedAt, published, recent, pending, generation: generation + 1, historyLimit: input.historyLimit });
}
