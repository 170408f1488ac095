// Watch robustness against the simulated API server's faults, with a real Temporal dev server (no
// worker: only the signals matter). 410 Gone, dropped and half-open streams and 5xx answers must
// neither duplicate an incident nor lose an anomaly that appeared meanwhile, and every recovery
// path is counted in /metrics.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Config } from '../../../config/schema';
import { scenarios } from '../../../simcluster';
import { incidentWorkflowId } from '../../../workflows/definitions';
import { testConfig } from '../../helpers/config';
import { eventually } from '../../helpers/stack';
import { startDevServer } from '../../helpers/temporal';
import type { RunningWatcher } from '../../../watcher/run';
import { fastWatch, Resources, runsOf, signalledCount, type TestCluster } from './helpers';

let env: TestWorkflowEnvironment;
let config: Config;
let flaky: TestCluster;
let twin: TestCluster;
let watcher: RunningWatcher;
const res = new Resources();

const id = (fp: string) => incidentWorkflowId('flaky', fp);
const CRASH = id('deployment:shop:checkout:crashloopbackoff');

beforeAll(async () => {
  env = await startDevServer();
  res.add(() => env.teardown());
  flaky = await res.cluster('flaky');
  twin = await res.cluster('twin');
  config = testConfig((raw) => {
    raw.temporal = { address: env.address, namespace: 'default', taskQueue: 'incidents' };
    raw.clusters = [
      { name: 'flaky', kubeconfig: flaky.kubeconfig, watch: fastWatch() },
      { name: 'twin', kubeconfig: twin.kubeconfig, watch: fastWatch() },
    ];
  });
  scenarios.crashLoopRollout(flaky.sim, { replicas: 10 });
  watcher = await res.watcher(config, 'flaky', env.client);
  await eventually(async () => (await signalledCount(env.client, CRASH)) === 10, 'the crash loop incident with ten occurrences');
}, 60_000);

afterAll(() => res.cleanup());

const metric = (name: string) => watcher.metrics.get(name);
/** Ten built-in resources and the three built-in custom resources: a fault must hit every stream. */
const WATCHES = 13;
const allWatching = () => eventually(async () => flaky.sim.openWatches() >= WATCHES, 'every informer watching again');

beforeEach(() => allWatching());

describe('a watcher whose API server misbehaves', () => {
  it('relists after 410 Gone and finds what changed while it was not watching', async () => {
    // The streams go silent, the Deployment appears, and the server forgets that history: the
    // reconnect (after the inactivity timeout) from the old resourceVersion is answered 410.
    flaky.sim.faults.halfOpenWatches();
    scenarios.imageTypo(flaky.sim);
    flaky.sim.faults.compact();
    await eventually(async () => (await signalledCount(env.client, id('deployment:shop:frontend:imagepullbackoff'))) > 0, 'the image pull incident');
    expect(metric('watcher_watch_gone_total')).toBeGreaterThan(0);
    expect(metric('watcher_relists_total')).toBeGreaterThan(0);
  });

  it('reconnects after dropped streams and finds what appeared meanwhile', async () => {
    const closed = metric('watcher_watch_closed_total');
    flaky.sim.faults.dropWatches();
    scenarios.oomKilled(flaky.sim);
    await eventually(async () => (await signalledCount(env.client, id('deployment:payments:ledger-worker:oomkilled'))) > 0, 'the OOM incident');
    expect(metric('watcher_watch_closed_total')).toBeGreaterThan(closed);
  });

  it('treats a silent (half-open) stream as dead after the inactivity timeout', async () => {
    flaky.sim.faults.halfOpenWatches();
    scenarios.nodeNotReady(flaky.sim, { name: 'node-7' });
    await eventually(async () => (await signalledCount(env.client, id('node:node-7:nodenotready'))) > 0, 'the node incident despite the silent streams');
    expect(metric('watcher_watch_timeouts_total')).toBeGreaterThan(0);
  });

  it('restarts informers with backoff through 5xx answers', async () => {
    const errors = metric('watcher_informer_errors_total');
    const restarts = metric('watcher_informer_restarts_total');
    flaky.sim.faults.failNext(8, 503);
    flaky.sim.faults.dropWatches();
    scenarios.failedJob(flaky.sim);
    await eventually(async () => (await signalledCount(env.client, id('job:reports:nightly-report:jobfailed'))) > 0, 'the failed job incident');
    expect(metric('watcher_informer_errors_total')).toBeGreaterThan(errors);
    expect(metric('watcher_informer_restarts_total')).toBeGreaterThan(restarts);
  });

  it('ends with one incident per fingerprint and no occurrence counted twice', async () => {
    const expected = [
      CRASH,
      id('deployment:shop:frontend:imagepullbackoff'),
      id('deployment:payments:ledger-worker:oomkilled'),
      id('node:node-7:nodenotready'),
      id('job:reports:nightly-report:jobfailed'),
    ].sort();
    const runs = await eventually(async () => {
      const r = await runsOf(env.client, 'flaky');
      return r.length >= expected.length ? r : undefined;
    }, 'all incidents in visibility');
    expect(runs.map((r) => r.workflowId).sort()).toEqual(expected);
    // Relists and resyncs re-evaluated the crash-looping pods many times: no new occurrences.
    expect(await signalledCount(env.client, CRASH)).toBe(10);
    const text = await (await fetch(`${watcher.url}/metrics`)).text();
    for (const m of ['watcher_relists_total', 'watcher_watch_gone_total', 'watcher_watch_closed_total', 'watcher_watch_timeouts_total', 'watcher_informer_errors_total', 'watcher_informer_restarts_total']) {
      expect(text).toMatch(new RegExp(`^${m}\\{[^}]*\\} [1-9]`, 'm'));
    }
    const health = (await (await fetch(`${watcher.url}/healthz`)).json()) as { status: string; leader: boolean; synced: boolean };
    expect(health).toMatchObject({ status: 'ok', leader: true, synced: true });
  });
});

describe('two watchers active on one cluster at once', () => {
  it('still make one incident: the workflow id is the dedup key', async () => {
    scenarios.crashLoopRollout(twin.sim, { replicas: 4 });
    await Promise.all([res.watcher(config, 'twin', env.client, 'twin-a'), res.watcher(config, 'twin', env.client, 'twin-b')]);
    const crash = incidentWorkflowId('twin', 'deployment:shop:checkout:crashloopbackoff');
    // Both report all four pods: eight occurrences, one workflow run.
    await eventually(async () => (await signalledCount(env.client, crash)) === 8, 'both watchers\' occurrences');
    const runs = await eventually(async () => {
      const r = await runsOf(env.client, 'twin');
      return r.length ? r : undefined;
    }, 'the incident in visibility');
    expect(runs).toEqual([expect.objectContaining({ workflowId: crash })]);
  });
});
