// The watcher's series on a prom-client registry of its own (default process metrics included),
// served on its metrics port. `inc`/`set`/`get` stay synchronous: informers and tests call them on
// hot paths, and `get` reads a shadow of the values instead of prom-client's async API.
import { Counter, Gauge, type Registry } from 'prom-client';
import { processRegistry } from '../metrics/registry';

export type Labels = Record<string, string>;

type Def = { help: string; type: 'counter' | 'gauge'; labels: string[] };
const c = (help: string, ...labels: string[]): Def => ({ help, type: 'counter', labels });
const g = (help: string, ...labels: string[]): Def => ({ help, type: 'gauge', labels });

// Every series with the label names it may carry (prom-client wants them up front).
const DEFS: Record<string, Def> = {
  watcher_lists_total: c('Full lists per resource (the first one, then every relist).', 'resource'),
  watcher_relists_total: c('Relists after the first list (410 Gone, informer restart without a resourceVersion).', 'resource'),
  watcher_watch_gone_total: c('Watches answered 410 Gone (resourceVersion too old): a relist follows.', 'resource'),
  watcher_watch_closed_total: c('Watch streams that ended or dropped and were reconnected.', 'resource', 'how'),
  watcher_watch_timeouts_total: c('Watches with no data for the inactivity timeout (half-open), reconnected.', 'resource'),
  watcher_informer_errors_total: c('Informer errors (failed lists, watch errors such as 5xx).', 'resource'),
  watcher_informer_restarts_total: c('Informer restarts after an error (with backoff).', 'resource'),
  watcher_watch_events_total: c('Watch events received.', 'resource'),
  watcher_occurrences_total: c('Occurrences detected (before coalescing; minus watcher_signals_total{type="occurrence"} = coalesced away).', 'kind'),
  watcher_signals_total: c('Signals sent to Temporal (occurrences after coalescing, recoveries).', 'type'),
  watcher_signal_failures_total: c('Signals that failed and were retried.', 'type'),
  watcher_invalid_anomalies_total: c('Anomalies dropped because they failed validation (a bug: please report).'),
  watcher_recoveries_without_incident_total: c('Recoveries with no open incident to tell.'),
  watcher_filtered_total: c('Findings dropped by a filter (namespace, labels, annotation, severity).', 'why'),
  watcher_leader: g('1 while this replica holds the lease and watches.'),
  watcher_lease_transitions_total: c('Times this replica acquired or lost the lease.', 'to'),
  watcher_open_fingerprints: g('Fingerprints with an open anomaly as seen by this replica.'),
  watcher_synced: g('1 once every informer has listed once since this replica started watching.'),
  watcher_reconcile_passes_total: c('Reconciliation passes over the open incidents of this cluster (outcome ok, partial: some unreadable, failed: no list).', 'outcome'),
  watcher_reconcile_failures_total: c('Temporal calls of reconciliation that failed (step list or query); retried at the next pass.', 'step'),
  watcher_reconcile_recoveries_total: c('Open incidents found recovered by reconciliation (why deleted or healthy); each sends recovered.', 'why'),
  watcher_reconcile_incidents: g('Open incidents of this cluster at the last reconciliation pass, by verdict.', 'verdict'),
};

export class Metrics {
  /** Serve this on the watcher's metrics port (`registry.metrics()`). */
  readonly registry: Registry;
  private readonly series = new Map<string, Counter | Gauge>();
  private readonly shadow = new Map<string, { name: string; labels: Labels; value: number }>();

  constructor(private readonly base: Labels = {}) {
    this.registry = processRegistry(base);
    for (const [name, d] of Object.entries(DEFS)) {
      const opts = { name, help: d.help, labelNames: d.labels, registers: [this.registry] };
      this.series.set(name, d.type === 'counter' ? new Counter(opts) : new Gauge(opts));
    }
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    (this.metric(name, 'counter') as Counter).inc(labels, by);
    this.remember(name, labels, (v) => v + by);
  }

  set(name: string, value: number, labels: Labels = {}): void {
    (this.metric(name, 'gauge') as Gauge).set(labels, value);
    this.remember(name, labels, () => value);
  }

  /** Sum of a series over all label values matching `labels` (tests and health checks). */
  get(name: string, labels: Labels = {}): number {
    let sum = 0;
    for (const m of this.shadow.values()) {
      if (m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v)) sum += m.value;
    }
    return sum;
  }

  /** The Prometheus text exposition of every series, default process metrics included. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  private metric(name: string, type: Def['type']): Counter | Gauge {
    const m = this.series.get(name);
    if (!m || DEFS[name]!.type !== type) throw new Error(`watcher metric "${name}" is not a declared ${type}: add it to DEFS in watcher/metrics.ts`);
    return m;
  }

  private remember(name: string, labels: Labels, next: (v: number) => number): void {
    const all = { ...this.base, ...labels };
    const key = `${name}${JSON.stringify(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)))}`;
    const cur = this.shadow.get(key) ?? { name, labels: all, value: 0 };
    cur.value = next(cur.value);
    this.shadow.set(key, cur);
  }
}
