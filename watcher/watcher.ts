// One cluster's watcher: informers -> detectors -> filters -> fingerprint -> tracker -> sender.
// Detection runs on every change, on the full cached state once all informers have listed (so an
// anomaly that began while no watcher ran is found), after every relist, and every resyncInterval
// (time thresholds, symptoms that become reportable later). While it runs (it runs only while
// leading), reconciliation (reconcile.ts) recovers open incidents whose problem cleared unseen.
// With a directory the first scan waits for reconciliation's first list of open incidents: an
// incident opened under the old fingerprint format must be known before anything is sent.
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { WatchSettings, CustomResourceRule } from '../config/schema-watch';
import type { Anomaly, ResourceRef, Severity } from '../workflows/definitions';
import { LIMITS } from '../intake/schema';
import {
  DETECTORS, DETECTOR_KINDS, STATE_DETECTORS, clearModeOf, deletionFinding, detectCustom, detectEvent, effectiveRules, podHealthy, type Detector,
  type DetectorContext, type Finding,
} from './detectors';
import { cleanLabels, cut, plainRef } from './anomaly-fields';
import { createFilter } from './filters';
import { fingerprint, fingerprintKind, LegacyRoutes } from './fingerprint';
import { SupervisedInformer } from './informers';
import { objectKey, refKey, type K8sObject } from '../kube/objects';
import { builtinResources, customResource, type ResourceDef } from '../kube/watch';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import { topOwner, type TopOwner } from './owners';
import { oneOffSuffixes, Reconciler, type IncidentDirectory, type KeepReason, type ListedRun, type OpenIncident, type Verdict } from './reconcile';
import { Tracker, type Action, type Prepared } from './tracker';

export interface AnomalySink {
  occurrence(anomaly: Anomaly, count: number): void;
  recovered(fingerprint: string, message: string): void;
}

export interface ClusterWatcherOptions {
  cluster: string;
  settings: WatchSettings;
  kc: KubeConfig;
  sink: AnomalySink;
  metrics: Metrics;
  log: Logger;
  restartBackoff?: { initialMs: number; maxMs: number };
  /** This cluster's incidents in Temporal: with it, the watcher reconciles open incidents. */
  incidents?: IncidentDirectory;
  /** Whether this replica holds the lease (it stops watching when it loses it, a moment later). */
  leading?: () => boolean;
}

const describe = (r: ResourceRef) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
const keep = (why: KeepReason): Verdict => ({ recovered: false, why });

export class ClusterWatcher {
  private informers: SupervisedInformer[] = [];
  private readonly byKind = new Map<string, SupervisedInformer>();
  private readonly rulesByResource = new Map<string, CustomResourceRule[]>();
  private rules: CustomResourceRule[] = [];
  /** Lowercased kinds that are one-off facts: the last part of a fingerprint names its kind. */
  private oneOffSuffixes = new Set<string>();
  /** Kinds whose informers have listed since this start (reconciliation judges only those). */
  private readonly listedKinds = new Set<string>();
  /** Fingerprints told `recovered` since this start and not reported again since. */
  private readonly toldRecovered = new Set<string>();
  private reconciler?: Reconciler;
  /** Open incidents with an old-format fingerprint, refreshed by every reconciliation list. */
  private legacy = new LegacyRoutes([]);
  /** Retries a failed first list before the first scan (resyncs would retry much later). */
  private listRetry?: { timer?: NodeJS.Timeout; delayMs: number };
  private tracker = new Tracker();
  private readonly sinceMarks = new Map<string, number>();
  private ready = false;
  private cutoff = 0;
  private running = false;
  private resyncTimer?: NodeJS.Timeout;
  private readonly filter;
  private syncedResolve!: () => void;
  /** Resolves once every built-in informer has listed and the first full scan ran. */
  synced!: Promise<void>;

  constructor(private readonly o: ClusterWatcherOptions) {
    this.filter = createFilter(o.settings);
  }

  openFingerprints(): string[] {
    return this.tracker.openFingerprints();
  }

  /**
   * `seenUntil`: when the previous leader was last alive (its final lease renewal). One-off facts
   * from before it were its to report; without it, those older than `thresholds.staleAfter` are.
   */
  async start(opts: { seenUntil?: number } = {}): Promise<void> {
    if (this.running) return;
    this.running = true;
    const now = Date.now();
    // A little overlap: the previous leader may have died with a window of occurrences unsent.
    const overlap = this.o.settings.coalesceWindow + 5_000;
    this.cutoff = opts.seenUntil !== undefined ? Math.max(opts.seenUntil - overlap, now - 30 * 86_400_000) : now - this.o.settings.thresholds.staleAfter;
    this.ready = false;
    this.tracker = new Tracker();
    this.sinceMarks.clear();
    this.listedKinds.clear();
    this.toldRecovered.clear();
    this.synced = new Promise((r) => (this.syncedResolve = r));
    this.o.metrics.set('watcher_synced', 0);
    const defs: ResourceDef[] = builtinResources(this.o.kc);
    this.rulesByResource.clear();
    this.rules = effectiveRules(this.o.settings);
    this.oneOffSuffixes = oneOffSuffixes(this.rules);
    this.legacy = new LegacyRoutes([...DETECTOR_KINDS, ...this.rules.map((r) => r.anomaly)]);
    this.listRetry = { delayMs: this.o.restartBackoff?.initialMs ?? 1_000 };
    for (const rule of this.rules) {
      const def = customResource(this.o.kc, rule);
      const rules = this.rulesByResource.get(def.name) ?? [];
      if (rules.length === 0) defs.push(def);
      this.rulesByResource.set(def.name, [...rules, rule]);
    }
    this.informers = [];
    this.byKind.clear();
    for (const def of defs) {
      const inf: SupervisedInformer = new SupervisedInformer(
        this.o.kc,
        def,
        {
          add: (obj) => this.ready && this.evaluate(def, obj),
          update: (obj) => this.ready && this.evaluate(def, obj),
          remove: (obj) => this.ready && this.removed(def, obj),
          listed: () => {
            this.listedKinds.add(def.kind);
            if (!this.ready) return;
            this.scan([inf]);
            this.reconciler?.kick();
          },
        },
        { watchTimeoutMs: this.o.settings.watchTimeout, restartBackoff: this.o.restartBackoff, metrics: this.o.metrics, log: this.o.log },
      );
      this.informers.push(inf);
      // Owner and namespace lookups go to the built-in caches only.
      if (!def.optional) this.byKind.set(def.kind, inf);
    }
    const directory = this.o.incidents;
    this.reconciler = directory
      ? new Reconciler({
          directory,
          precheck: (fp) => this.precheck(fp),
          assess: (incident) => this.assess(incident),
          recovered: (fp, message) => this.apply([{ type: 'recovered', fingerprint: fp, message }]),
          leading: () => this.running && (this.o.leading?.() ?? true),
          listed: (runs) => this.listed(runs),
          metrics: this.o.metrics,
          log: this.o.log,
        })
      : undefined;
    for (const inf of this.informers) inf.start();
    const required = this.informers.filter((i) => !i.def.optional);
    void Promise.all(required.map((i) => i.synced)).then(() => {
      if (!this.running) return;
      this.resyncTimer = setInterval(() => {
        this.scan(this.informers);
        this.reconciler?.kick();
      }, this.o.settings.resyncInterval);
      if (this.reconciler) this.reconciler.kick(); // its list runs the first scan (listed)
      else this.firstScan();
    });
  }

  private firstScan(): void {
    if (!this.running || this.ready) return;
    this.ready = true;
    this.o.metrics.set('watcher_synced', 1);
    this.o.log.info(`all informers listed; scanning the current state of cluster ${this.o.cluster}`);
    this.scan(this.informers);
    this.syncedResolve();
  }

  /** Each list of open incidents, before reconciliation judges it: legacy routes, then the first scan. */
  private listed(runs: readonly ListedRun[] | undefined): void {
    const retry = this.listRetry;
    if (runs) {
      const change = this.legacy.update(runs);
      if (change) this.o.log.info(`cluster ${this.o.cluster}: ${change}`);
      this.firstScan();
    } else if (!this.ready && this.running && retry && !retry.timer) {
      retry.timer = setTimeout(() => ((retry.timer = undefined), this.reconciler?.kick()), retry.delayMs);
      retry.delayMs = Math.min(retry.delayMs * 2, this.o.restartBackoff?.maxMs ?? 30_000);
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.ready = false;
    clearInterval(this.resyncTimer);
    clearTimeout(this.listRetry?.timer);
    await this.reconciler?.stop();
    await Promise.all(this.informers.map((i) => i.stop()));
    this.o.metrics.set('watcher_synced', 0);
  }

  /** Re-evaluates every cached object: pods first, so workload symptoms see their pods' findings. */
  scan(informers: SupervisedInformer[]): void {
    if (!this.ready) return;
    const order = (i: SupervisedInformer) => (i.def.kind === 'Pod' ? 0 : i.def.kind === 'Event' ? 2 : 1);
    for (const inf of [...informers].sort((a, b) => order(a) - order(b))) for (const obj of inf.list()) this.evaluate(inf.def, obj);
  }

  private lookup = (kind: string, namespace: string | undefined, name: string): K8sObject | undefined => this.byKind.get(kind)?.get(name, namespace);

  private context(now: number): DetectorContext {
    return {
      now,
      thresholds: this.o.settings.thresholds,
      cutoff: this.cutoff,
      since: (key) => {
        let t = this.sinceMarks.get(key);
        if (t === undefined) this.sinceMarks.set(key, (t = now));
        return t;
      },
      forget: (key) => this.sinceMarks.delete(key),
      podFindingsUnder: (ownerKey) => this.tracker.podFindingsUnder(ownerKey),
    };
  }

  private evaluate(def: ResourceDef, obj: K8sObject): void {
    const now = Date.now();
    const ctx = this.context(now);
    const name = obj.metadata?.name ?? '';
    try {
      if (def.kind === 'Event') {
        const involved = obj.involvedObject as { kind?: string; name?: string; namespace?: string } | undefined;
        if (involved?.kind !== 'Pod' || !involved.name) return;
        const pod = this.lookup('Pod', involved.namespace, involved.name);
        // The event can outrun the pod's own watch; without the pod there is no owner to group on
        // (it would become a per-pod incident). The next resync looks again; a pod that never
        // shows up is gone, and so is its problem.
        if (!pod) return;
        const findings = detectEvent(obj, ctx, pod);
        if (findings.length === 0) return;
        this.apply(this.tracker.observe(objectKey('Pod', involved.namespace, involved.name), this.prepareAll(findings, now), { fullState: false, healthy: podHealthy(pod), why: 'is Ready' }));
        return;
      }
      const rules = this.rulesByResource.get(def.name);
      const findings = rules ? rules.flatMap((r) => detectCustom(r, obj, ctx)) : (STATE_DETECTORS[def.kind]?.(obj, ctx) ?? null);
      if (findings === null) return; // namespaces, replicasets: context only
      const key = objectKey(def.kind, obj.metadata?.namespace, name);
      const isPod = def.kind === 'Pod';
      this.apply(this.tracker.observe(key, this.prepareAll(findings, now), { fullState: true, healthy: isPod ? podHealthy(obj) : undefined, why: isPod ? 'is Ready' : 'is healthy again' }));
    } catch (err) {
      this.o.log.error(`detecting on ${def.kind} ${obj.metadata?.namespace ?? ''}/${name} failed: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private removed(def: ResourceDef, obj: K8sObject): void {
    if (def.kind === 'Event' || def.kind === 'Namespace' || def.kind === 'ReplicaSet') return;
    const key = objectKey(def.kind, obj.metadata?.namespace, obj.metadata?.name ?? '');
    this.apply(this.tracker.remove(key));
    for (const mark of this.sinceMarks.keys()) if (mark.startsWith(`${key}#`)) this.sinceMarks.delete(mark);
    if ((this.o.settings.deletionKinds as readonly string[]).includes(def.kind)) {
      const now = Date.now();
      this.apply(this.tracker.observe(`${key}#deleted`, this.prepareAll([deletionFinding(def.kind, def.apiVersion, obj, now)], now), { fullState: false }));
    }
  }

  private apply(actions: Action[]): void {
    for (const a of actions) {
      if (a.type === 'occurrence') {
        this.toldRecovered.delete(a.anomaly.fingerprint);
        this.o.sink.occurrence(a.anomaly, a.count);
      } else {
        this.o.log.info(`recovered: ${a.fingerprint} (${a.message})`, { fingerprint: a.fingerprint });
        this.toldRecovered.add(a.fingerprint);
        this.o.sink.recovered(a.fingerprint, a.message);
      }
    }
    this.o.metrics.set('watcher_open_fingerprints', this.tracker.openFingerprints().length);
  }

  private prepareAll(findings: Finding[], now: number): Prepared[] {
    return findings.map((f) => this.prepare(f, now)).filter((p): p is Prepared => !!p);
  }

  /** What a finding groups on: the rule's `groupBy` owner, else the top owner. */
  private groupOf(f: Finding): TopOwner {
    if (f.owner) return { ref: f.owner, object: this.lookup(f.owner.kind, f.owner.namespace, f.owner.name) };
    const top = f.object ? topOwner(f.resource.kind, f.object, this.lookup) : { ref: f.resource };
    // The object itself read without an apiVersion: the resource's names its group (fingerprint).
    return top.ref.apiVersion || refKey(top.ref) !== refKey(f.resource) ? top : { ...top, ref: f.resource };
  }

  // ---- reconciliation: verdicts on open incidents, on the current caches -----------------------

  /** What needs no look at the incident itself; undefined = read it and assess. */
  private precheck(fp: string): KeepReason | undefined {
    if (!this.running || !this.ready) return 'unsynced';
    if (this.tracker.isOpen(fp)) return 'tracked';
    if (this.toldRecovered.has(fp)) return 'recovering';
    if (this.oneOffSuffixes.has(fingerprintKind(fp) ?? '')) return 'one-off';
    return undefined;
  }

  /**
   * Whether an open incident the tracker does not have open has really recovered. Only state-derived
   * kinds can (`state`, `pod`); one-off facts never do. Only an incident this watcher would raise
   * (its fingerprint is the one the watcher computes for its kind and owner). `pod`: no pod of the
   * owner may be unready (a crash loop between two crashes is not a recovery). `state`: no object
   * of the resource's kind may show the problem even with every threshold elapsed (a threshold
   * not reached again since this start is not a recovery).
   */
  private assess(inc: OpenIncident): Verdict {
    const pre = this.precheck(inc.fingerprint);
    if (pre) return keep(pre);
    if (inc.recovering) return keep('recovering');
    const mode = clearModeOf(inc.kind, this.rules);
    if (!mode) return keep('foreign');
    if (mode === 'once') return keep('one-off');
    const group = inc.owner ?? inc.resource;
    if (this.fingerprintOf(group, inc.kind) !== inc.fingerprint) return keep('foreign');
    const kinds = mode === 'pod' ? ['Pod'] : [...new Set([inc.resource.kind, ...inc.resources.map((r) => r.kind)])];
    if (kinds.some((k) => !this.listedKinds.has(k))) return keep('unsynced');
    if (mode === 'pod' ? this.podsFailing(group) : this.statePresent(inc, kinds)) return keep('present');
    let subject = group;
    let exists = this.exists(group);
    if (exists === undefined && mode === 'state') [subject, exists] = [inc.resource, this.exists(inc.resource)];
    const found = 'found when the watcher reconciled its open incidents with the cluster';
    return exists === false
      ? { recovered: true, why: 'deleted', message: `${describe(subject)} was deleted; ${found}` }
      : { recovered: true, why: 'healthy', message: `${describe(subject)} is healthy again; ${found}` };
  }

  /** A pod of this owner (or this pod) that is neither Ready nor finished nor on its way out. */
  private podsFailing(group: ResourceRef): boolean {
    const key = refKey(group);
    for (const pod of this.byKind.get('Pod')?.list() ?? []) {
      if (group.namespace && pod.metadata?.namespace !== group.namespace) continue;
      if (podHealthy(pod) || pod.status?.phase === 'Failed' || pod.metadata?.deletionTimestamp) continue;
      if (refKey(topOwner('Pod', pod, this.lookup).ref) === key) return true;
    }
    return false;
  }

  /** Some object of these kinds shows the incident's problem, thresholds and symptom rules aside. */
  private statePresent(inc: OpenIncident, kinds: string[]): boolean {
    // Every waiting period has elapsed and no symptom is quiet: the bare condition, no side effects.
    const ctx: DetectorContext = { now: Number.MAX_SAFE_INTEGER, thresholds: this.o.settings.thresholds, cutoff: -Infinity, since: () => 0, forget: () => undefined, podFindingsUnder: () => false };
    for (const inf of this.informers) {
      if (!kinds.includes(inf.def.kind)) continue;
      const rules = this.rulesByResource.get(inf.def.name);
      const detect: Detector | undefined = rules ? (obj, c) => rules.flatMap((r) => detectCustom(r, obj, c)) : STATE_DETECTORS[inf.def.kind];
      if (!detect) continue;
      for (const obj of inf.list()) {
        for (const f of detect(obj, ctx)) if (f.kind === inc.kind && f.mode !== 'once' && this.fingerprintOf(this.groupOf(f).ref, f.kind) === inc.fingerprint) return true;
      }
    }
    return false;
  }

  /** The key an anomaly of this owner goes under: an open old-format incident's, else the fingerprint. */
  private fingerprintOf(owner: ResourceRef, kind: string): string {
    return this.legacy.route(owner, kind, fingerprint(owner, kind));
  }

  /** Whether the object is in the caches; undefined when no informer watches its kind. */
  private exists(ref: ResourceRef): boolean | undefined {
    const infs = this.informers.filter((i) => i.def.kind === ref.kind && this.listedKinds.has(i.def.kind));
    if (infs.length === 0) return undefined;
    return infs.some((i) => !!i.get(ref.name, ref.namespace));
  }

  private prepare(f: Finding, now: number): Prepared | undefined {
    const s = this.o.settings;
    const override = s.detectors[f.kind as keyof typeof s.detectors];
    const info = DETECTORS[f.kind as keyof typeof DETECTORS] as { severity: Severity; optIn?: boolean } | undefined;
    if (!(override?.enabled ?? !info?.optIn)) return undefined;
    if (f.mode === 'once' && f.observedAt !== undefined && f.observedAt < this.cutoff) return undefined;
    const severity: Severity = override?.severity ?? f.severity ?? info?.severity ?? 'warning';
    const owner = this.groupOf(f);
    const ns = f.resource.namespace;
    const verdict = this.filter({
      namespace: ns,
      labels: f.object?.metadata?.labels,
      annotations: f.object?.metadata?.annotations,
      ownerLabels: owner.object?.metadata?.labels,
      ownerAnnotations: owner.object?.metadata?.annotations,
      namespaceAnnotations: ns ? this.lookup('Namespace', undefined, ns)?.metadata?.annotations : undefined,
      severity,
    });
    if (!verdict.ok) {
      this.o.metrics.inc('watcher_filtered_total', { why: verdict.why });
      return undefined;
    }
    const fp = this.fingerprintOf(owner.ref, f.kind);
    const sameAsResource = refKey(owner.ref) === refKey(f.resource);
    const anomaly: Anomaly = {
      cluster: this.o.cluster,
      fingerprint: fp,
      kind: f.kind,
      severity,
      resource: plainRef(f.resource),
      ...(sameAsResource ? {} : { owner: plainRef(owner.ref) }),
      reason: cut(f.reason || f.kind, LIMITS.reason),
      message: cut(f.message, LIMITS.message),
      labels: cleanLabels(owner.object?.metadata?.labels ?? f.object?.metadata?.labels),
      observedAt: new Date(f.observedAt ?? now).toISOString(),
    };
    return { fingerprint: fp, anomaly, mode: f.mode, source: f.source, ...(f.counter !== undefined ? { counter: f.counter } : {}), ownerKey: refKey(owner.ref) };
  }
}

