// One supervised informer per resource: @kubernetes/client-node's ListWatch (list, then watch from
// the list's resourceVersion) with what production needs on top: every list, 410 Gone, stream end,
// inactivity timeout (a half-open connection) and error is counted; an informer that stopped on an
// error is restarted with backoff; after every list the owner rescans the cached state.
import type { KubeConfig, KubernetesObject, ListWatch } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { k8s } from '../kube/client';
import type { K8sObject } from '../kube/objects';
import { toWireJson } from '../kube/objects';
import type { ResourceDef } from '../kube/watch';
import type { Logger } from './log';
import type { Metrics } from './metrics';

export interface InformerHandlers {
  add(obj: K8sObject): void;
  update(obj: K8sObject): void;
  remove(obj: K8sObject): void;
  /** After every list (the first and each relist) has been applied to the cache. */
  listed(relist: boolean): void;
}

export interface InformerOptions {
  /** No data for this long = half-open connection: reconnect. */
  watchTimeoutMs: number;
  restartBackoff?: { initialMs: number; maxMs: number };
  metrics: Metrics;
  log: Logger;
}

type WatchCallback = (phase: string, apiObj: any, watchObj?: any) => void;
type DoneCallback = (err: any) => void;

/** The library's Watch with our inactivity timeout and a classification of how each stream ended. */
class ObservedWatch extends k8s.Watch {
  constructor(
    kc: KubeConfig,
    timeoutMs: number,
    private readonly observe: { event(phase: string, obj: any): void; done(err: any): void },
  ) {
    super(kc);
    // The library reads this private field as its inactivity timeout; it has no setter.
    (this as unknown as { requestTimeoutMs: number }).requestTimeoutMs = timeoutMs;
  }

  override watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: WatchCallback, done: DoneCallback): Promise<AbortController> {
    return super.watch(
      path,
      queryParams,
      (phase, obj, raw) => {
        this.observe.event(phase, obj);
        callback(phase, obj, raw);
      },
      (err) => {
        this.observe.done(err);
        done(err);
      },
    );
  }
}

export class SupervisedInformer {
  private readonly informer: ListWatch<KubernetesObject>;
  private stopped = true;
  private lists = 0;
  private backoffMs: number;
  private restartTimer?: NodeJS.Timeout;
  private errorStreak = 0;
  private syncedResolve!: () => void;
  /** Resolves after the first successful list. */
  readonly synced: Promise<void>;

  constructor(
    kc: KubeConfig,
    readonly def: ResourceDef,
    private readonly handlers: InformerHandlers,
    private readonly o: InformerOptions,
  ) {
    this.backoffMs = this.backoff.initialMs;
    this.synced = new Promise((r) => (this.syncedResolve = r));
    const labels = { resource: def.name };
    const watch = new ObservedWatch(kc, o.watchTimeoutMs, {
      event: (phase, obj) => {
        o.metrics.inc('watcher_watch_events_total', labels);
        if (phase === 'ERROR' && (obj as { code?: number } | undefined)?.code === 410) o.metrics.inc('watcher_watch_gone_total', labels);
        else this.healthy();
      },
      done: (err) => {
        if (this.stopped) return;
        if (!err) o.metrics.inc('watcher_watch_closed_total', { ...labels, how: 'ended' });
        else if (err.name === 'TimeoutError') o.metrics.inc('watcher_watch_timeouts_total', labels);
        else if (err.statusCode === 410 || err.code === 410) o.metrics.inc('watcher_watch_gone_total', labels);
        else if (err.statusCode === undefined) o.metrics.inc('watcher_watch_closed_total', { ...labels, how: 'dropped' });
      },
    });
    const list = async () => {
      const result = toWireJson(await def.list());
      this.lists++;
      o.metrics.inc('watcher_lists_total', labels);
      const relist = this.lists > 1;
      if (relist) o.metrics.inc('watcher_relists_total', labels);
      this.healthy();
      // ListWatch applies the list to its cache right after this promise resolves; rescan after that.
      setImmediate(() => {
        if (this.stopped) return;
        this.syncedResolve();
        handlers.listed(relist);
      });
      return result;
    };
    this.informer = new k8s.ListWatch(def.path, watch, list, false, undefined, def.fieldSelector);
    this.informer.on('add', (o) => this.stopped || handlers.add(o as K8sObject));
    this.informer.on('update', (o) => this.stopped || handlers.update(o as K8sObject));
    this.informer.on('delete', (o) => this.stopped || handlers.remove(o as K8sObject));
    this.informer.on('error', (err) => this.failed(err));
  }

  private get backoff() {
    return this.o.restartBackoff ?? { initialMs: 500, maxMs: 30_000 };
  }

  start(): void {
    this.stopped = false;
    this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  get(name: string, namespace?: string): K8sObject | undefined {
    return this.informer.get(name, namespace) as K8sObject | undefined;
  }

  list(): K8sObject[] {
    return this.informer.list() as K8sObject[];
  }

  private run(): void {
    this.informer.start().catch((err: unknown) => this.failed(err));
  }

  private healthy(): void {
    this.backoffMs = this.backoff.initialMs;
    this.errorStreak = 0;
  }

  /** The ListWatch stops itself on an error; restart it (from its resourceVersion) after a backoff. */
  private failed(err: unknown): void {
    if (this.stopped) return;
    const e = err as { statusCode?: number; code?: number; message?: string };
    const status = e?.statusCode ?? e?.code;
    const labels = { resource: this.def.name };
    this.o.metrics.inc('watcher_informer_errors_total', labels);
    this.errorStreak++;
    const what = `${this.def.name}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(err)}`;
    const missing = status === 404 && this.def.optional;
    if (this.errorStreak === 1) this.o.log[missing ? 'info' : 'warn'](missing ? `${this.def.name} is not served by this cluster (CRD not installed?); checking again later` : `informer error on ${what}; restarting in ${this.backoffMs} ms`);
    else this.o.log.debug(`informer error on ${what} (${this.errorStreak} in a row)`);
    clearTimeout(this.restartTimer);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.backoff.maxMs);
    this.restartTimer = setTimeout(() => {
      if (this.stopped) return;
      this.o.metrics.inc('watcher_informer_restarts_total', labels);
      this.run();
    }, delay);
  }
}
