// Reconciliation: the leader compares this cluster's OPEN incidents in Temporal with what it sees in
// the cluster, so a problem that recovered (or whose object was deleted) while no watcher was
// leading still gets its `recovered` signal. The tracker only notices transitions it witnesses; this
// closes the gap. A pass lists open incidents from visibility (K8sCluster = this cluster), skips
// those the tracker has open, reads each remaining one with the `state` query (kind, resource,
// owner) and asks the watcher for a verdict on its current caches. Passes run once the informers
// have synced after the watcher starts leading, after relists and on every resync; one at a time.
// A failing Temporal is logged, counted and tried again at the next pass. Each list is also handed
// to the watcher (`listed`): its legacy fingerprint routes come from it, at no extra call.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  INCIDENT_WORKFLOW_TYPE, incidentWorkflowId, parseIncidentWorkflowId, searchAttributes, stateQuery, type IncidentStatus, type ResourceRef,
} from '../workflows/definitions';
import type { CustomResourceRule } from '../config/schema-watch';
import { clearModeOf, DETECTOR_KINDS } from './detectors';
import type { ListedIncident } from './fingerprint';
import type { Logger } from './log';
import type { Metrics } from './metrics';

/** An open incident as reconciliation needs it (from the workflow's `state` query). */
export interface OpenIncident {
  fingerprint: string;
  kind: string;
  status: IncidentStatus;
  resource: ResourceRef;
  /** The top owner the fingerprint groups on, when it is not the resource itself. */
  owner?: ResourceRef;
  /** Resources of recent occurrences (a grouped incident names several objects). */
  resources: ResourceRef[];
  /** A recovery was observed and not contradicted since: nothing more to tell. */
  recovering: boolean;
}

/** A running incident run as the list names it. */
export interface ListedRun extends ListedIncident {
  runId: string;
  /** Its IncidentStatus; `resolved` runs stay open for the flap window and are no reconciliation's business. */
  status?: IncidentStatus;
}

/** This cluster's incidents in Temporal. */
export interface IncidentDirectory {
  /** Running incident runs (visibility, so a change shows up a moment late). */
  open(signal: AbortSignal): Promise<ListedRun[]>;
  /** The incident's current view, or undefined when it is gone or not this cluster's. */
  get(fingerprint: string, runId: string, signal: AbortSignal): Promise<OpenIncident | undefined>;
}

/**
 * Why a pass left an open incident alone. `tracked`: the watcher sees the problem (it sends
 * `recovered` itself when it clears). `present`: the problem is there but not reported yet (a
 * threshold not reached, a pod not Ready). `one-off`: a fact that never recovers (failed Job,
 * eviction, failed backup, deletion). `recovering`: recovery already told. `foreign`: not an incident
 * this watcher would raise (sent through the api, a kind it does not know). `unsynced`: the objects
 * of its kind are not listed yet. `unreadable`: its state could not be read (Temporal, no worker).
 * `closed`: resolved by the time it was read.
 */
export const KEEP_REASONS = ['tracked', 'present', 'one-off', 'recovering', 'foreign', 'unsynced', 'unreadable', 'closed'] as const;
export type KeepReason = (typeof KEEP_REASONS)[number];

export type Verdict = { recovered: true; why: 'deleted' | 'healthy'; message: string } | { recovered: false; why: KeepReason };

export interface ReconcilerOptions {
  directory: IncidentDirectory;
  /**
   * A verdict from what needs no Temporal call (the tracker has it open, a one-off kind named in
   * the fingerprint, recovery already sent), or undefined to read the incident.
   */
  precheck(fingerprint: string): KeepReason | undefined;
  /** The verdict on the current caches; called right before a recovery would be sent. */
  assess(incident: OpenIncident): Verdict;
  /** Sends `recovered` through the signal sender (coalescing, retries, metrics). */
  recovered(fingerprint: string, message: string): void;
  /** Whether this replica holds the lease right now; a pass sends nothing otherwise. */
  leading(): boolean;
  /** Every list, before any verdict on it (undefined: the list failed). */
  listed?(runs: readonly ListedRun[] | undefined): void;
  metrics: Metrics;
  log: Logger;
}

/** After this many unreadable incidents in a row a pass gives up (Temporal or the worker is down). */
const MAX_READ_FAILURES = 3;
/** Failures are logged the first time and then every this many (one a pass at most otherwise). */
const LOG_EVERY = 20;

export class Reconciler {
  private stopped = false;
  private running = false;
  private again = false;
  private readonly abort = new AbortController();
  /** runId -> a verdict that cannot change for that run (one-off, foreign). */
  private readonly settled = new Map<string, KeepReason>();
  private failures = 0;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly o: ReconcilerOptions) {}

  /** Asks for a pass: one runs at a time; asking during a pass runs one more after it. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped);
      } catch (err) {
        this.o.log.error(`reconciliation failed: ${(err as Error).stack ?? String(err)}`);
      } finally {
        this.running = false;
      }
    })();
  }

  /** Resolves once no pass is running. */
  async whenIdle(): Promise<void> {
    while (this.running) await this.idle;
  }

  /** No more passes; the one in flight is abandoned at its next step and sends nothing more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.idle;
  }

  private failed(step: 'list' | 'query', what: string, err: unknown): void {
    this.o.metrics.inc('watcher_reconcile_failures_total', { step });
    if (this.failures++ % LOG_EVERY === 0) this.o.log.warn(`reconciliation: ${what} failed (retrying at the next pass): ${(err as Error).message?.split('\n')[0] ?? String(err)}`);
  }

  private async pass(): Promise<void> {
    const { signal } = this.abort;
    if (!this.o.leading()) return;
    let runs: ListedRun[];
    try {
      runs = await this.o.directory.open(signal);
    } catch (err) {
      if (this.stopped) return;
      this.failed('list', 'listing open incidents', err);
      this.o.metrics.inc('watcher_reconcile_passes_total', { outcome: 'failed' });
      this.o.listed?.(undefined);
      return;
    }
    if (this.stopped || !this.o.leading()) return;
    this.o.listed?.(runs);
    const open = runs.filter((r) => r.status !== 'resolved');
    const tally = new Map<KeepReason | 'recovered', number>();
    const count = (why: KeepReason | 'recovered') => tally.set(why, (tally.get(why) ?? 0) + 1);
    let readFailures = 0;
    for (const [i, { fingerprint, runId }] of open.entries()) {
      if (this.stopped || !this.o.leading()) return;
      const known = this.settled.get(runId) ?? this.o.precheck(fingerprint);
      if (known) {
        count(known);
        continue;
      }
      let incident: OpenIncident | undefined;
      try {
        incident = await this.o.directory.get(fingerprint, runId, signal);
      } catch (err) {
        if (this.stopped) return;
        this.failed('query', `reading incident ${fingerprint}`, err);
        count('unreadable');
        if (++readFailures < MAX_READ_FAILURES) continue;
        for (let j = i + 1; j < open.length; j++) count('unreadable');
        break;
      }
      readFailures = 0;
      // Everything from here to the signal is synchronous: the verdict sees the caches as they are
      // when the recovery is queued, and an occurrence queued later goes after it (a recurrence).
      if (this.stopped || !this.o.leading()) return;
      if (!incident || incident.status === 'resolved') {
        count('closed');
        continue;
      }
      const verdict = this.o.assess(incident);
      if (!verdict.recovered) {
        if (verdict.why === 'one-off' || verdict.why === 'foreign') this.settled.set(runId, verdict.why);
        count(verdict.why);
        continue;
      }
      this.o.recovered(fingerprint, verdict.message);
      this.o.metrics.inc('watcher_reconcile_recoveries_total', { why: verdict.why });
      count('recovered');
    }
    const listed = new Set(open.map((x) => x.runId));
    for (const runId of this.settled.keys()) if (!listed.has(runId)) this.settled.delete(runId);
    const failed = (tally.get('unreadable') ?? 0) > 0;
    this.o.metrics.inc('watcher_reconcile_passes_total', { outcome: failed ? 'partial' : 'ok' });
    for (const why of [...KEEP_REASONS, 'recovered'] as const) this.o.metrics.set('watcher_reconcile_incidents', tally.get(why) ?? 0, { verdict: why });
  }
}

/** Lowercased one-off kinds (a fingerprint ends with its kind), unless a recoverable kind shares the spelling. */
export function oneOffSuffixes(rules: readonly CustomResourceRule[]): Set<string> {
  const modes = new Map<string, Set<string>>();
  for (const kind of [...DETECTOR_KINDS, ...rules.map((r) => r.anomaly)]) {
    const k = kind.toLowerCase();
    modes.set(k, (modes.get(k) ?? new Set()).add(clearModeOf(kind, rules) ?? ''));
  }
  return new Set([...modes].filter(([, m]) => m.size === 1 && m.has('once')).map(([k]) => k));
}

/** Visibility query string literal: double-quoted with `\` and `"` escaped. */
const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The open incidents of one cluster and their state, from Temporal. */
export function temporalDirectory(client: Client, cluster: string, timeoutMs = 10_000): IncidentDirectory {
  // Resolved runs too: a run kept open for the flap window still takes a recurrence (legacy routes).
  const query = [`WorkflowType = ${quote(INCIDENT_WORKFLOW_TYPE)}`, `ExecutionStatus = "Running"`, `${searchAttributes.cluster.name} = ${quote(cluster)}`].join(' AND ');
  const call = <T>(signal: AbortSignal, fn: () => Promise<T>) => client.withAbortSignal(signal, () => client.withDeadline(Date.now() + timeoutMs, fn));
  return {
    open: (signal) =>
      call(signal, async () => {
        const out: ListedRun[] = [];
        for await (const w of client.workflow.list({ query, pageSize: 200 })) {
          const id = parseIncidentWorkflowId(w.workflowId);
          // The query already says so; a stray search attribute must not reach another cluster's incident.
          if (id?.cluster !== cluster) continue;
          const status = w.typedSearchAttributes.get(searchAttributes.status) as IncidentStatus | undefined;
          const namespace = w.typedSearchAttributes.get(searchAttributes.namespace);
          out.push({ fingerprint: id.fingerprint, runId: w.runId, ...(status ? { status } : {}), ...(namespace ? { namespace } : {}) });
        }
        return out;
      }),
    async get(fingerprint, runId, signal) {
      try {
        const s = await call(signal, () => client.workflow.getHandle(incidentWorkflowId(cluster, fingerprint), runId).query(stateQuery));
        if (s.cluster !== cluster || s.fingerprint !== fingerprint) return undefined;
        return {
          fingerprint,
          kind: s.kind,
          status: s.status,
          resource: s.resource,
          ...(s.owner ? { owner: s.owner } : {}),
          resources: s.occurrences.samples.map((x) => x.resource),
          recovering: !!s.recovery,
        };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
  };
}
