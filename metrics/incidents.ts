// The worker's incident series. Workflow code cannot touch prom-client (determinism), so activities
// count: lifecycle transitions where the event publisher sees each timeline entry once (after every
// sink took the batch: a retried batch failed before, so it was not counted), time-to-alert where
// postAlert succeeds, and the outcome of every chat, paging and sink call where it is made.
import { Counter, Histogram, type Registry } from 'prom-client';
import { Context } from '@temporalio/activity';
import { INCIDENT_BUCKETS, processRegistry } from './registry';
import { tracedCall } from '../telemetry/tracing';

/** The worker process's registry (activities run in the worker; one worker per process). */
export const workerRegistry: Registry = processRegistry();

const lifecycle = (name: string, what: string) =>
  new Counter({ name, help: `Incidents ${what}, by cluster and severity.`, labelNames: ['cluster', 'severity'], registers: [workerRegistry] });

/** Timeline entry type -> counter of that transition. */
const TRANSITIONS: Record<string, Counter> = {
  detected: lifecycle('incidents_opened_total', 'opened (first anomaly of a run)'),
  acknowledged: lifecycle('incidents_acknowledged_total', 'acknowledged by a person'),
  escalated: lifecycle('incidents_escalated_total', 'escalated to the next level (or exhausted)'),
  handoff: lifecycle('incidents_handed_off_total', 'handed off to another responder'),
  resolved: lifecycle('incidents_resolved_total', 'resolved (by a person or by observed recovery)'),
};

const timeToAlert = new Histogram({
  name: 'incident_time_to_alert_seconds',
  help: 'Seconds from the first anomaly observed to an alert posted, by platform and severity.',
  labelNames: ['platform', 'severity'],
  buckets: INCIDENT_BUCKETS,
  registers: [workerRegistry],
});

const timeToAck = new Histogram({
  name: 'incident_time_to_ack_seconds',
  help: 'Seconds from an incident opened to its acknowledgement, by cluster and severity.',
  labelNames: ['cluster', 'severity'],
  buckets: INCIDENT_BUCKETS,
  registers: [workerRegistry],
});

const calls = new Counter({
  name: 'worker_external_calls_total',
  help: 'Calls to chat platforms, pagers and event sinks (Elasticsearch archive, PagerDuty) by outcome; error_type RateLimited is a 429, attempt=retry a Temporal retry.',
  labelNames: ['system', 'platform', 'operation', 'outcome', 'error_type', 'attempt'],
  registers: [workerRegistry],
});

export function countTransition(type: string, labels: { cluster: string; severity: string }): void {
  TRANSITIONS[type]?.inc(labels);
}

export function observeTimeToAck(openedAt: string, ackedAt: string, labels: { cluster: string; severity: string }): void {
  const seconds = (Date.parse(ackedAt) - Date.parse(openedAt)) / 1000;
  if (Number.isFinite(seconds) && seconds >= 0) timeToAck.observe(labels, seconds);
}

export function observeTimeToAlert(observedAt: string, labels: { platform: string; severity: string }): void {
  const seconds = (Date.now() - Date.parse(observedAt)) / 1000;
  if (Number.isFinite(seconds)) timeToAlert.observe(labels, Math.max(0, seconds));
}

function attempt(): 'first' | 'retry' {
  try {
    return Context.current().info.attempt > 1 ? 'retry' : 'first';
  } catch {
    return 'first'; // outside an activity (unit tests of adapters)
  }
}

/** The error type a call failure is counted and traced by (an ActivityFailure-style type, else the class name). */
export function callErrorType(err: unknown): string {
  const e = err as { type?: unknown; name?: unknown };
  return typeof e.type === 'string' ? e.type : typeof e.name === 'string' ? e.name : 'Error';
}

/** Runs one outside call, counts its outcome and (tracing on) spans it; the error is rethrown untouched. */
export async function countedCall<T>(system: 'chat' | 'paging' | 'sink', platform: string, operation: string, call: () => Promise<T>): Promise<T> {
  const labels = { system, platform, operation, attempt: attempt() };
  return tracedCall({ system, platform, operation }, async () => {
    try {
      const result = await call();
      calls.inc({ ...labels, outcome: 'ok', error_type: '' });
      return result;
    } catch (err) {
      calls.inc({ ...labels, outcome: 'error', error_type: callErrorType(err) });
      throw err;
    }
  }, callErrorType);
}
