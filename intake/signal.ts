// Anomaly -> Temporal. Signal-with-start on `incident/<cluster>/<fingerprint>` makes a storm of
// identical anomalies one incident: the first call starts the workflow, every call (the first
// included) delivers one `occurrence` signal. The workflow counts occurrences only from signals, so
// one call is one occurrence (times `count`). A closed incident with the same id gets a new run
// (the default id-reuse policy), which is a new incident.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { INCIDENT_WORKFLOW_TYPE, severityPriorityKey, severityRank, incidentWorkflowId, occurrenceSignal, recoveredSignal, searchAttributes, type Anomaly, type Recovery } from '../workflows/definitions';
// Type only: the call goes by type name, so the api and the watcher never load workflow code.
import type { incidentWorkflow } from '../workflows/incident';
import { Coalescer } from './coalesce';
import { LIMITS, anomalyNamespace } from './schema';

export interface SignalAnomalyOptions {
  taskQueue: string;
  /** History events after which a new incident continues as new (default: the workflow's). */
  historyLimit?: number;
}

export interface SignalAnomalyResult {
  workflowId: string;
  /** The run that received the signal (new or existing). */
  runId?: string;
}

/** Search attributes a new incident starts with, so lists see it before the first workflow task. */
export function initialSearchAttributes(anomaly: Anomaly): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: searchAttributes.status, value: 'triggered' },
    { key: searchAttributes.severity, value: anomaly.severity },
    { key: searchAttributes.cluster, value: anomaly.cluster },
  ];
  const namespace = anomalyNamespace(anomaly);
  if (namespace) pairs.push({ key: searchAttributes.namespace, value: namespace });
  return pairs;
}

/** The anomaly must already be validated (intake/schema.ts). */
export async function signalAnomaly(client: Client, anomaly: Anomaly, opts: SignalAnomalyOptions): Promise<SignalAnomalyResult> {
  const workflowId = incidentWorkflowId(anomaly.cluster, anomaly.fingerprint);
  const handle = await client.workflow.signalWithStart<typeof incidentWorkflow, [Anomaly]>(INCIDENT_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: opts.taskQueue,
    args: [opts.historyLimit ? { anomaly, historyLimit: opts.historyLimit } : { anomaly }],
    signal: occurrenceSignal,
    signalArgs: [anomaly],
    typedSearchAttributes: initialSearchAttributes(anomaly),
    // The run's workflow tasks (its alert, escalation timers, everything) by severity under a burst.
    priority: { priorityKey: severityPriorityKey(anomaly.severity) },
  });
  return { workflowId, runId: handle.signaledRunId };
}

/** How long the api folds followers of an anomaly it just signalled (the first one never waits). */
export const API_COALESCE_WINDOW_MS = 100;

/** Two samples of one problem as one: the newest wins, but the severity never drops. */
export function foldSample(into: Anomaly, next: Anomaly): Anomaly {
  return { ...next, severity: severityRank(next.severity) >= severityRank(into.severity) ? next.severity : into.severity };
}

/** Two anomalies of one incident as one signal with their summed count; undefined past the count limit. */
export function mergeAnomalies(into: Anomaly, next: Anomaly): Anomaly | undefined {
  const count = (into.count ?? 1) + (next.count ?? 1);
  return count > LIMITS.count ? undefined : { ...foldSample(into, next), count };
}

/**
 * signalAnomaly for many concurrent callers (the api): the first anomaly of an incident goes out at
 * once; anomalies of the same incident arriving while that call is in flight share ONE follow-up
 * call carrying their summed `count`, so a storm of POSTs is not a storm of signals. Each caller's
 * promise settles with the call that carried its anomaly: the answer comes only after Temporal
 * took it (an "accepted" for an anomaly still in memory would be lost if this process died).
 * `windowMs` also holds followers that long after a call started: a signal takes a few ms, so
 * "while in flight" alone folds little when POSTs trickle in one by one.
 */
export function coalescedAnomalySignal(client: Client, opts: SignalAnomalyOptions & { windowMs?: number }): (anomaly: Anomaly) => Promise<SignalAnomalyResult> {
  const coalescer = new Coalescer<Anomaly, SignalAnomalyResult>({
    windowMs: opts.windowMs ?? API_COALESCE_WINDOW_MS,
    merge: mergeAnomalies,
    send: (_id, anomaly) => signalAnomaly(client, anomaly, { taskQueue: opts.taskQueue, historyLimit: opts.historyLimit }),
  });
  return (anomaly) => coalescer.submit(incidentWorkflowId(anomaly.cluster, anomaly.fingerprint), anomaly);
}

/**
 * Tells an open incident that its problem recovered (the watcher's reconciliation, a resolved
 * Alertmanager alert). 'no-incident' when none is open: never started, or already resolved.
 */
export async function signalRecovery(client: Client, cluster: string, fingerprint: string, recovery: Recovery): Promise<'delivered' | 'no-incident'> {
  try {
    await client.workflow.getHandle(incidentWorkflowId(cluster, fingerprint)).signal(recoveredSignal, recovery);
    return 'delivered';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'no-incident';
    throw err;
  }
}
