// Shared by the watcher integration tests: simulated clusters with kubeconfig files, config
// entries for them, in-process watchers, and reads of what reached Temporal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../../../config/schema';
import { startSimCluster } from '../../../simcluster';
import type { SimCluster } from '../../../simcluster';
import { createLogger, silentLogger } from '../../../watcher/log';
import { startClusterWatcher, type RunningWatcher } from '../../../watcher/run';
import { startStack, type Stack } from '../../helpers/stack';

export interface TestCluster {
  sim: SimCluster;
  kubeconfig: string;
}

/** Fast settings for tests: short windows and timeouts; leader election off unless asked. */
export function fastWatch(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    coalesceWindow: '200ms',
    resyncInterval: '2s',
    watchTimeout: '2s',
    http: { host: '127.0.0.1', port: 0 },
    leaderElection: { enabled: false },
    ...over,
  };
}

/** Everything these helpers start, stopped last-first by `cleanup()` even when a test failed. */
export class Resources {
  private readonly stops: (() => Promise<void> | void)[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), 'watcher-it-'));

  constructor() {
    this.stops.push(() => rmSync(this.dir, { recursive: true, force: true }));
  }

  async cluster(name: string): Promise<TestCluster> {
    const sim = await startSimCluster({ name });
    this.stops.push(() => sim.stop());
    const kubeconfig = join(this.dir, `${name}.kubeconfig`);
    sim.writeKubeconfig(kubeconfig, 'readOnly');
    return { sim, kubeconfig };
  }

  async watcher(config: Config, cluster: string, client: Client, identity?: string): Promise<RunningWatcher> {
    const w = await startClusterWatcher({
      config, cluster, client, identity,
      log: process.env.WATCHER_LOG ? createLogger(`watcher ${cluster}${identity ? ` ${identity}` : ''}`, process.env.WATCHER_LOG) : silentLogger,
      backoff: { initialMs: 100, maxMs: 1_000 },
    });
    this.stops.push(() => w.stop());
    return w;
  }

  /**
   * One simulated cluster and the real stack (worker, auto-resolve after 1s) configured to watch it
   * with `fastWatch(watch)`; the watcher itself is started with `watcher()`. Stop the stack yourself.
   */
  async watchedStack(name: string, watch: Record<string, unknown> = {}): Promise<{ cluster: TestCluster; stack: Stack }> {
    const cluster = await this.cluster(name);
    const stack = await startStack({
      worker: true,
      config: (raw) => {
        raw.autoResolve = { enabled: true, quietPeriod: '1s' };
        raw.clusters = [{ name, kubeconfig: cluster.kubeconfig, watch: fastWatch(watch) }];
      },
    });
    return { cluster, stack };
  }

  add(stop: () => Promise<void> | void): void {
    this.stops.push(stop);
  }

  async cleanup(): Promise<void> {
    const errors: unknown[] = [];
    for (const s of this.stops.splice(0).reverse()) {
      try {
        await s();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  }
}

/** Every workflow run of a cluster, open or closed, from visibility (poll: it lags a moment). */
export async function runsOf(client: Client, cluster: string): Promise<{ workflowId: string; runId: string; status: string }[]> {
  const out: { workflowId: string; runId: string; status: string }[] = [];
  for await (const w of client.workflow.list({ query: `K8sCluster = "${cluster}"` })) out.push({ workflowId: w.workflowId, runId: w.runId, status: w.status.name });
  return out;
}

/** How many occurrences an incident has received, from its workflow history (works without a worker). */
export async function signalledCount(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  let total = 0;
  for (const e of history.events ?? []) {
    const s = e.workflowExecutionSignaledEventAttributes;
    if (s?.signalName !== 'occurrence') continue;
    const payload = s.input?.payloads?.[0];
    const anomaly = payload?.data ? (JSON.parse(Buffer.from(payload.data).toString('utf8')) as { count?: number }) : {};
    total += anomaly.count ?? 1;
  }
  return total;
}

export async function signalNames(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) => e.workflowExecutionSignaledEventAttributes?.signalName).filter((n): n is string => !!n);
}
