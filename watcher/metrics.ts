// The watcher's own counters and gauges, rendered in the Prometheus text format for /metrics. Tiny
// on purpose: a handful of series, no client library.
export type Labels = Record<string, string>;

const HELP: Record<string, string> = {
  watcher_lists_total: 'Full lists per resource (the first one, then every relist).',
  watcher_relists_total: 'Relists after the first list (410 Gone, informer restart without a resourceVersion).',
  watcher_watch_gone_total: 'Watches answered 410 Gone (resourceVersion too old): a relist follows.',
  watcher_watch_closed_total: 'Watch streams that ended or dropped and were reconnected.',
  watcher_watch_timeouts_total: 'Watches with no data for the inactivity timeout (half-open), reconnected.',
  watcher_informer_errors_total: 'Informer errors (failed lists, watch errors such as 5xx).',
  watcher_informer_restarts_total: 'Informer restarts after an error (with backoff).',
  watcher_watch_events_total: 'Watch events received.',
  watcher_occurrences_total: 'Occurrences detected (before coalescing).',
  watcher_signals_total: 'Signals sent to Temporal (occurrences after coalescing, recoveries).',
  watcher_signal_failures_total: 'Signals that failed and were retried.',
  watcher_invalid_anomalies_total: 'Anomalies dropped because they failed validation (a bug: please report).',
  watcher_recoveries_without_incident_total: 'Recoveries with no open incident to tell.',
  watcher_filtered_total: 'Findings dropped by a filter (namespace, labels, annotation, severity).',
  watcher_leader: '1 while this replica holds the lease and watches.',
  watcher_lease_transitions_total: 'Times this replica acquired or lost the lease.',
  watcher_open_fingerprints: 'Fingerprints with an open anomaly as seen by this replica.',
  watcher_synced: '1 once every informer has listed once since this replica started watching.',
  watcher_reconcile_passes_total: 'Reconciliation passes over the open incidents of this cluster (outcome ok, partial: some unreadable, failed: no list).',
  watcher_reconcile_failures_total: 'Temporal calls of reconciliation that failed (step list or query); retried at the next pass.',
  watcher_reconcile_recoveries_total: 'Open incidents found recovered by reconciliation (why deleted or healthy); each sends recovered.',
  watcher_reconcile_incidents: 'Open incidents of this cluster at the last reconciliation pass, by verdict.',
};

function key(name: string, labels: Labels): string {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

export class Metrics {
  private readonly counters = new Map<string, { name: string; labels: Labels; value: number }>();
  private readonly gauges = new Map<string, { name: string; labels: Labels; value: number }>();

  constructor(private readonly base: Labels = {}) {}

  inc(name: string, labels: Labels = {}, by = 1): void {
    const all = { ...this.base, ...labels };
    const k = key(name, all);
    const c = this.counters.get(k) ?? { name, labels: all, value: 0 };
    c.value += by;
    this.counters.set(k, c);
  }

  set(name: string, value: number, labels: Labels = {}): void {
    const all = { ...this.base, ...labels };
    this.gauges.set(key(name, all), { name, labels: all, value });
  }

  /** Sum of a series over all label values matching `labels` (tests and health checks). */
  get(name: string, labels: Labels = {}): number {
    let sum = 0;
    for (const m of [...this.counters.values(), ...this.gauges.values()]) {
      if (m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v)) sum += m.value;
    }
    return sum;
  }

  render(): string {
    const byName = new Map<string, { type: string; lines: string[] }>();
    for (const [type, map] of [['counter', this.counters], ['gauge', this.gauges]] as const) {
      for (const m of map.values()) {
        const group = byName.get(m.name) ?? { type, lines: [] };
        group.lines.push(`${key(m.name, m.labels)} ${m.value}`);
        byName.set(m.name, group);
      }
    }
    const out: string[] = [];
    for (const name of [...byName.keys()].sort()) {
      const g = byName.get(name)!;
      out.push(`# HELP ${name} ${HELP[name] ?? name}`, `# TYPE ${name} ${g.type}`, ...g.lines.sort());
    }
    return `${out.join('\n')}\n`;
  }
}
