// The first reconciliation pass after a failover: N open CrashLoopBackOff incidents of one cluster
// whose Deployments were deleted while no watcher ran. A new watcher starts (the same code path a
// replica runs when it takes the lease), lists the open incidents from visibility, reads each one
// with the `state` query and sends `recovered` to all N. Measures the time to informers synced, the
// pass itself, the time until the last `recovered` signal was accepted by Temporal, the Temporal
// calls of the watcher (counted on its own connection), a second pass with nothing left to do, and
// the bench process's RSS around the watcher.
// Run: make bench (or node -r @swc-node/register bench/reconcile.ts [sizes, e.g. 50,200,500])
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, type Connection } from '@temporalio/client';
import { connectTemporalClient } from '../temporal/connection';
import { startDevServer } from '../test/helpers/temporal';
import { testConfig } from '../test/helpers/config';
import { MemoryChat } from '../test/fakes/memory-chat';
import { createIncidentWorker } from '../worker/worker';
import { startSimCluster, type SimCluster } from '../simcluster';
import { deploymentChain, ensureBase, running, type WorkloadSpec } from '../simcluster/scenarios/builders';
import { fingerprint } from '../watcher/fingerprint';
import { SignalSender, temporalSignaler } from '../watcher/sender';
import { silentLogger } from '../watcher/log';
import { Metrics } from '../watcher/metrics';
import { startClusterWatcher } from '../watcher/run';
import { mib, pct, pool, sleep, until } from './lib/util';
import { INCIDENT_WORKFLOW_TYPE, incidentWorkflowId, searchAttributes, stateQuery, type Anomaly } from '../workflows/definitions';

/** Healthy Deployments (2 pods each) that stay in every cluster, so the informers cache something. */
const BACKGROUND = 50;
const NAMESPACE = 'shop';
/** The N Deployments with open incidents live in their own namespace, deleted at once (see below). */
const DOOMED_NAMESPACE = 'shop-legacy';
/** Drives the second pass; the shipped default is 30s. */
const RESYNC = '5s';

const clusterName = (n: number) => `bench-reconcile-${n}`;
const doomed = (i: number): WorkloadSpec => ({ namespace: DOOMED_NAMESPACE, name: `svc-${String(i).padStart(4, '0')}`, replicas: 1, image: 'registry.local/shop/svc:2.0.0' });
/** The anomaly the watcher would send for a crash-looping pod of this Deployment. */
function crashLoop(cluster: string, w: WorkloadSpec): Anomaly {
  const owner = { kind: 'Deployment', name: w.name, namespace: w.namespace, apiVersion: 'apps/v1' };
  return {
    cluster,
    fingerprint: fingerprint(owner, 'CrashLoopBackOff'),
    kind: 'CrashLoopBackOff',
    severity: 'error',
    resource: { kind: 'Pod', name: `${w.name}-7d9f8c6b5-x1x2x`, namespace: w.namespace, apiVersion: 'v1' },
    owner,
    reason: 'CrashLoopBackOff',
    message: 'back-off 40s restarting failed container',
    labels: { app: w.name },
    observedAt: new Date().toISOString(),
  };
}

interface Call {
  method: string;
  start: number;
  end?: number;
}

/**
 * A connection for the watcher alone whose workflow-service calls are recorded (method, start, end),
 * so list calls, state queries and signals can be counted per pass without touching watcher code.
 */
async function recordedConnection(address: string): Promise<{ connection: Connection; calls: Call[] }> {
  const connection = await connectTemporalClient({ address, namespace: 'default' });
  const calls: Call[] = [];
  const service = connection.workflowService as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['listWorkflowExecutions', 'queryWorkflow', 'signalWorkflowExecution', 'signalWithStartWorkflowExecution']) {
    const original = service[method]!.bind(service);
    service[method] = (...args: unknown[]) => {
      const call: Call = { method, start: performance.now() };
      calls.push(call);
      const result = original(...args);
      const done = () => (call.end = performance.now());
      if (result instanceof Promise) result.then(done, done);
      return result;
    };
  }
  return { connection, calls };
}

export async function runReconcileBench(sizes = [50, 200, 500]) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reconcile-'));
  const sims = new Map<number, SimCluster>();
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const rows = [];
  try {
    for (const n of sizes) {
      const sim = await startSimCluster({ name: clusterName(n) });
      cleanups.push(() => sim.stop());
      sim.writeKubeconfig(join(dir, `${clusterName(n)}.kubeconfig`), 'readOnly');
      sims.set(n, sim);
    }
    const config = testConfig((raw) => {
      raw.clusters = sizes.map((n) => ({
        name: clusterName(n),
        kubeconfig: join(dir, `${clusterName(n)}.kubeconfig`),
        // Shipped defaults (coalesceWindow 2s, 4 signals in flight) except a shorter resync, a free port, one replica.
        watch: { resyncInterval: RESYNC, http: { host: '127.0.0.1', port: 0 }, leaderElection: { enabled: false } },
      }));
    });
    cleanups.push(() => rmSync(config.dataDir, { recursive: true, force: true }));
    const env = await startDevServer();
    cleanups.push(() => env.teardown());
    const chat = new MemoryChat();
    const worker = await createIncidentWorker({ connection: env.nativeConnection, namespace: 'default', config, platforms: { local: chat }, fromSources: true });
    const workerRunning = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await workerRunning;
    });

    for (const n of sizes) {
      const cluster = clusterName(n);
      const sim = sims.get(n)!;
      const tSize = performance.now();
      const progress = (msg: string) => process.stderr.write(`[reconcile ${n}] ${((performance.now() - tSize) / 1000).toFixed(1)}s ${msg}\n`);
      // Healthy background plus N Deployments with an open incident each (1 pod; its state does not
      // matter: no watcher looks before they are deleted).
      ensureBase(sim);
      for (const ns of [NAMESPACE, DOOMED_NAMESPACE]) sim.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      for (let i = 0; i < BACKGROUND; i++) deploymentChain(sim, { namespace: NAMESPACE, name: `ok-${i}`, replicas: 2, image: 'registry.local/shop/ok:1.0.0' }, () => running(0), 2);
      const workloads = Array.from({ length: n }, (_, i) => doomed(i));
      for (const w of workloads) deploymentChain(sim, w, () => running(3), 0);

      // N incidents opened through the watcher's own intake (coalescing signal-with-start), watcher-shaped.
      const intake = new SignalSender({ signaler: temporalSignaler(env.client, cluster, config.temporal.taskQueue), windowMs: 50, maxConcurrent: 16, metrics: new Metrics(), log: silentLogger });
      for (const w of workloads) intake.occurrence(crashLoop(cluster, w));
      if (!(await intake.flush(120_000))) throw new Error(`opening ${n} incidents did not finish`);
      progress(`${n} signal-with-start calls done`);
      intake.stop();
      const ids = new Set(workloads.map((w) => incidentWorkflowId(cluster, crashLoop(cluster, w).fingerprint)));
      const openQuery = `WorkflowType = "${INCIDENT_WORKFLOW_TYPE}" AND ExecutionStatus = "Running" AND ${searchAttributes.cluster.name} = "${cluster}"`;
      await until(`${n} alerts posted`, 120_000, () => chat.alerts().filter((m) => ids.has(m.card?.incidentId ?? '')).length >= n, 100);
      await until(`${n} open incidents in visibility`, 60_000, async () => (await env.client.workflow.count(openQuery)).count >= n, 100);

      progress(`${n} incidents open`);
      // While no watcher runs, every Deployment with an incident is deleted, with its ReplicaSet and pod,
      // by deleting their namespace: one store operation. (Deleting them one by one makes the simulated
      // API scan its whole store per object: about 40 s for 500, a simcluster cost, not the watcher's.)
      sim.remove('v1', 'Namespace', undefined, DOOMED_NAMESPACE);
      if (sim.list('apps/v1', 'Deployment', DOOMED_NAMESPACE).length > 0) throw new Error('the Deployments were not deleted');
      await sleep(1_000); // let the worker's follow-up activities settle

      progress('Deployments deleted; starting the watcher');
      const { connection, calls } = await recordedConnection(env.address);
      const watcherClient = new Client({ connection, namespace: 'default' });
      const rssBefore = process.memoryUsage().rss;
      const t0 = performance.now();
      const w = await startClusterWatcher({ config, cluster, client: watcherClient, log: silentLogger });
      // Pass ends, exactly: the reconciler counts a pass when it finishes it. No pass can have
      // finished yet (the informers have not listed: that takes I/O).
      const passEnds: { at: number; outcome: string }[] = [];
      const inc = w.metrics.inc.bind(w.metrics);
      w.metrics.inc = (name, labels, by) => {
        inc(name, labels, by);
        if (name === 'watcher_reconcile_passes_total') passEnds.push({ at: performance.now(), outcome: labels?.outcome ?? '?' });
      };
      try {
        await w.watcher.synced;
        const synced = performance.now() - t0;
        await until(`${n} recovered signals`, 120_000, () => {
          const done = w.metrics.get('watcher_signals_total', { type: 'recovered' }) + w.metrics.get('watcher_recoveries_without_incident_total');
          return done >= n && passEnds.length >= 1;
        }, 5);
        await until('a second reconciliation pass', 60_000, () => passEnds.length >= 2, 20);
        const rssAfter = process.memoryUsage().rss;

        const lists = calls.filter((c) => c.method === 'listWorkflowExecutions');
        const firstStart = lists[0]!.start;
        const secondStart = lists.find((c) => c.start > passEnds[0]!.at)!.start;
        const inPass = (from: number, to: number, method: string) => calls.filter((c) => c.method === method && c.start >= from && c.start <= to).length;
        const pass1 = { from: firstStart, to: passEnds[0]!.at };
        const pass2 = { from: secondStart, to: passEnds[1]!.at };
        const queries = calls.filter((c) => c.method === 'queryWorkflow' && c.end !== undefined && c.start >= pass1.from && c.start <= pass1.to);
        const latencies = queries.map((c) => c.end! - c.start).sort((a, b) => a - b);
        const recoveredSent = calls.filter((c) => c.method === 'signalWorkflowExecution');
        rows.push({
          'open incidents': n,
          'synced (ms)': Math.round(synced),
          'pass 1 (ms)': Math.round(pass1.to - pass1.from),
          'ms / incident': Number(((pass1.to - pass1.from) / n).toFixed(1)),
          'query p50 / max (ms)': `${Math.round(pct(latencies, 50))} / ${Math.round(pct(latencies, 100))}`,
          // The last `recovered` accepted by Temporal (in the incident's history), from watcher start.
          'all recovered sent (ms)': Math.round(Math.max(...recoveredSent.map((c) => c.end ?? Infinity)) - t0),
          'list calls': inPass(pass1.from, pass1.to, 'listWorkflowExecutions'),
          'state queries': inPass(pass1.from, pass1.to, 'queryWorkflow'),
          'recovered signals': recoveredSent.length,
          'pass 2 (ms)': Math.round(pass2.to - pass2.from),
          'pass 2 lists / queries': `${inPass(pass2.from, pass2.to, 'listWorkflowExecutions')} / ${inPass(pass2.from, pass2.to, 'queryWorkflow')}`,
          'bench RSS Δ (MiB)': mib(rssAfter - rssBefore),
          // Completed below, after the watcher stopped.
          check: `passes ${passEnds.slice(0, 2).map((p) => p.outcome).join(',')}; ${w.metrics.get('watcher_reconcile_recoveries_total', { why: 'deleted' })} deleted`,
        });
      } finally {
        await w.stop();
        await connection.close();
      }
      progress('watcher stopped; checking the incidents');
      // Check (not timed): every workflow took the recovery; then end them so the next size starts clean.
      const pending = new Set(ids);
      await until('the recoveries in the incidents\' state', 30_000, async () => {
        await pool([...pending], 16, async (id) => {
          if ((await env.client.workflow.getHandle(id).query(stateQuery)).recovery?.message.includes('was deleted')) pending.delete(id);
        });
        return pending.size === 0;
      }, 200).catch(() => undefined);
      const row = rows[rows.length - 1]!;
      row.check = `${n - pending.size}/${n} recovered in state; ${row.check}`;
      await pool([...ids], 16, (id) => env.client.workflow.getHandle(id).terminate('benchmark done'));
      progress('done');
    }
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (err) {
        console.error('cleanup failed:', err);
      }
    }
  }
  return rows;
}

if (require.main === module) {
  const sizes = process.argv[2]?.split(',').map(Number);
  runReconcileBench(sizes)
    .then((rows) => console.table(rows))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
