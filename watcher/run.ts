// Composes one cluster's watcher: metrics + /healthz, the coalescing signal sender to Temporal, the
// informers and detectors, reconciliation of open incidents, and leader election (only the Lease
// holder watches, reconciles and signals). Used by
// watcher/main.ts and by tests that run watchers in-process.
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { Config } from '../config/schema';
import { kubeConfigFor } from '../kube/client';
import { SignalSender, temporalSignaler } from './sender';
import { startWatcherHttp } from './http';
import { LeaderElector, defaultIdentity, defaultLeaseName } from './lease';
import { temporalDirectory } from './reconcile';
import { createLogger, type Logger } from './log';
import { Metrics } from './metrics';
import { ClusterWatcher } from './watcher';

export type ClusterConfig = Config['clusters'][number];

export interface StartWatcherOptions {
  config: Config;
  cluster: string;
  client: Client;
  /** Defaults to the cluster entry's kubeconfig/context/inCluster. */
  kubeConfig?: KubeConfig;
  identity?: string;
  /** Overrides of the cluster's `watch.http` (the chart listens on 0.0.0.0 for probes). */
  http?: { host?: string; port?: number };
  log?: Logger;
  /** Faster informer restarts and signal retries (tests). */
  backoff?: { initialMs: number; maxMs: number };
}

export interface RunningWatcher {
  cluster: string;
  identity: string;
  metrics: Metrics;
  /** http://host:port of /metrics and /healthz */
  url: string;
  watcher: ClusterWatcher;
  sender: SignalSender;
  isLeader(): boolean;
  /** Graceful: stop watching, send what is buffered, release the Lease, close the listener. */
  stop(): Promise<void>;
}

/** Picks `clusters[]` by name; with one cluster and no name, that one. Throws a message that lists the choices. */
export function pickCluster(config: Config, name: string | undefined): ClusterConfig {
  const names = config.clusters.map((c) => c.name);
  if (names.length === 0) throw new Error('the config has no clusters[]: add one, e.g. clusters: [{ name: prod, kubeconfig: /path/to/kubeconfig }]');
  if (!name) {
    if (names.length === 1) return config.clusters[0]!;
    throw new Error(`the config has several clusters (${names.join(', ')}): pass --cluster <name>`);
  }
  const found = config.clusters.find((c) => c.name === name);
  if (!found) throw new Error(`cluster "${name}" is not in the config; clusters[] has: ${names.join(', ')}`);
  return found;
}

const SA_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function leaseNamespace(c: ClusterConfig): string {
  if (c.watch.leaderElection.namespace) return c.watch.leaderElection.namespace;
  if (c.inCluster) {
    try {
      return readFileSync(SA_NAMESPACE, 'utf8').trim();
    } catch {
      // fall through: not in a pod after all
    }
  }
  return 'default';
}

export async function startClusterWatcher(o: StartWatcherOptions): Promise<RunningWatcher> {
  const c = pickCluster(o.config, o.cluster);
  const settings = c.watch;
  const log = o.log ?? createLogger(`watcher ${c.name}`);
  const identity = o.identity ?? defaultIdentity();
  const kc = o.kubeConfig ?? kubeConfigFor(c);
  const metrics = new Metrics({ cluster: c.name });
  const sender = new SignalSender({
    signaler: temporalSignaler(o.client, c.name, o.config.temporal.taskQueue), windowMs: settings.coalesceWindow,
    maxConcurrent: settings.maxConcurrentSignals, metrics, log, ...(o.backoff ? { retry: o.backoff } : {}),
  });
  const watcher = new ClusterWatcher({
    cluster: c.name, settings, kc, sink: sender, metrics, log, incidents: temporalDirectory(o.client, c.name),
    // `elector` is set before anything can start watching.
    leading: () => (elector ? elector.isLeader() : true),
    ...(o.backoff ? { restartBackoff: o.backoff } : {}),
  });
  let synced = false;
  const startWatching = async (taken: { previousRenewTime?: number } = {}) => {
    synced = false;
    await watcher.start({ seenUntil: taken.previousRenewTime });
    void watcher.synced.then(() => (synced = true));
  };
  const stopWatching = async () => {
    synced = false;
    await watcher.stop();
    // Detected while leading: deliver it (duplicates are harmless, workflow ids dedupe).
    await sender.flush(settings.leaderElection.renewDeadline);
  };

  const le = settings.leaderElection;
  const elector = le.enabled
    ? new LeaderElector(kc, {
        namespace: leaseNamespace(c), name: le.leaseName ?? defaultLeaseName(c.name), identity,
        leaseDurationMs: le.leaseDuration, renewDeadlineMs: le.renewDeadline, retryPeriodMs: le.retryPeriod,
        metrics, log, onStartedLeading: startWatching, onStoppedLeading: stopWatching,
      })
    : undefined;
  const http = await startWatcherHttp(o.http?.host ?? settings.http.host, o.http?.port ?? settings.http.port, metrics, () => ({
    cluster: c.name, identity, leader: elector ? elector.isLeader() : true, synced,
  }));
  if (elector) elector.start();
  else {
    metrics.set('watcher_leader', 1);
    await startWatching();
  }
  log.info(`watching cluster ${c.name} as ${identity}${elector ? ' (leader election on)' : ''}; /metrics and /healthz on ${http.url}`);

  let stopping: Promise<void> | undefined;
  return {
    cluster: c.name,
    identity,
    metrics,
    url: http.url,
    watcher,
    sender,
    isLeader: () => (elector ? elector.isLeader() : true),
    stop: () =>
      (stopping ??= (async () => {
        if (elector) await elector.stop({ release: true });
        else await stopWatching();
        sender.stop();
        await http.close();
      })()),
  };
}
