// Reconciliation with the real watcher, simulated clusters, a real Temporal dev server and the real
// worker: what changed while no watcher ran is squared with the open incidents when a new watcher
// starts. A problem that cleared (or whose Deployment was deleted) gets `recovered` and auto-resolves;
// a problem still there (crashing pods, a condition below its threshold), a one-off fact and another
// cluster's incident are left alone.
import type { SimCluster } from '../../../simcluster';
import { recover, scenarios, tick } from '../../../simcluster';
import type { RunningWatcher } from '../../../watcher/run';
import { incidentWorkflowId, stateQuery, type IncidentState } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { openIncident } from '../../helpers/incident';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { fastWatch, Resources, signalNames, type TestCluster } from './helpers';

const CRASH_FP = 'deployment:shop:checkout:crashloopbackoff';
const REPLICAS = 3;
const CLUSTERS = ['healed', 'removed', 'still', 'oneoff', 'mine', 'nodes'] as const;
type Name = (typeof CLUSTERS)[number];

let stack: Stack;
const res = new Resources();
const clusters = {} as Record<Name, TestCluster>;

beforeAll(async () => {
  for (const name of CLUSTERS) clusters[name] = await res.cluster(name);
  stack = await startStack({
    worker: true,
    config: (raw) => {
      raw.autoResolve = { enabled: true, quietPeriod: '1s' };
      // A pass every second (the shortest resyncInterval): the tests wait for several passes.
      raw.clusters = CLUSTERS.map((name) => ({ name, kubeconfig: clusters[name].kubeconfig, watch: fastWatch({ resyncInterval: '1s' }) }));
    },
  });
}, 120_000);

afterAll(async () => {
  await res.cleanup().finally(() => stack?.stop());
});

const state = (id: string): Promise<IncidentState> => stack.client.workflow.getHandle(id).query(stateQuery);
const recoveries = (s: IncidentState) => s.timeline.filter((e) => e.type === 'recovered');
const gauge = (w: RunningWatcher, verdict: string) => w.metrics.get('watcher_reconcile_incidents', { verdict });
const passes = (w: RunningWatcher) => w.metrics.get('watcher_reconcile_passes_total');

/** A watcher opens the crash-loop incident of `name`, then stops (gracefully) as if the last replica went away. */
async function crashLoopSeenThenWatcherGone(name: Name): Promise<string> {
  scenarios.crashLoopRollout(clusters[name].sim, { replicas: REPLICAS });
  const first = await res.watcher(stack.config, name, stack.client);
  const id = incidentWorkflowId(name, CRASH_FP);
  await eventually(async () => (await state(id).catch(() => undefined))?.occurrences.count === REPLICAS, `the ${name} incident with every pod counted`);
  await first.stop();
  return id;
}

/** Waits until the watcher has completed `n` more reconciliation passes. */
async function morePasses(w: RunningWatcher, n: number): Promise<void> {
  const from = passes(w);
  await eventually(() => passes(w) >= from + n, `${n} more reconciliation passes`);
}

/** Every pod of the Deployment restarted and is running, not Ready yet: between two crashes. */
function betweenCrashes(sim: SimCluster): void {
  for (const pod of sim.list('v1', 'Pod', 'shop')) {
    const c = pod.status.containerStatuses[0];
    sim.patchStatus('v1', 'Pod', 'shop', pod.metadata.name, {
      conditions: [
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady' },
        { type: 'PodScheduled', status: 'True' },
      ],
      containerStatuses: [{ ...c, ready: false, state: { running: { startedAt: new Date().toISOString() } } }],
    });
  }
}

describe('a watcher starting after a time without any watcher', () => {
  it('sends recovered to an incident whose Deployment was fixed meanwhile, which then auto-resolves', async () => {
    const id = await crashLoopSeenThenWatcherGone('healed');
    recover(clusters.healed.sim, 'crashLoopRollout', { replicas: REPLICAS }); // pods Ready, no watcher to see it
    const w = await res.watcher(stack.config, 'healed', stack.client);
    const s = await eventually(async () => {
      const st = await state(id);
      return st.status === 'resolved' ? st : undefined;
    }, 'the incident resolved after the reconciled recovery');
    expect(recoveries(s).map((e) => e.text)).toEqual([expect.stringContaining('Deployment shop/checkout is healthy again')]);
    expect(s.resolvedBy).toBe('system');
    expect(w.metrics.get('watcher_reconcile_recoveries_total', { why: 'healthy' })).toBe(1);
    // Sent through the intake like any recovery: counted with the other signals.
    expect(w.metrics.get('watcher_signals_total', { type: 'recovered' })).toBe(1);
  });

  it('sends recovered saying "deleted" to an incident whose Deployment was deleted meanwhile', async () => {
    const id = await crashLoopSeenThenWatcherGone('removed');
    clusters.removed.sim.remove('apps/v1', 'Deployment', 'shop', 'checkout'); // its ReplicaSets and pods go with it
    const w = await res.watcher(stack.config, 'removed', stack.client);
    const s = await eventually(async () => {
      const st = await state(id);
      return recoveries(st).length > 0 ? st : undefined;
    }, 'the recovery of the deleted Deployment');
    expect(recoveries(s).map((e) => e.text)).toEqual([expect.stringContaining('Deployment shop/checkout was deleted')]);
    expect(w.metrics.get('watcher_reconcile_recoveries_total', { why: 'deleted' })).toBe(1);
  });

  it('leaves an incident alone whose pods still crash, even when it starts while they are between two crashes', async () => {
    const id = await crashLoopSeenThenWatcherGone('still');
    const sim = clusters.still.sim;
    betweenCrashes(sim); // nothing for a detector to report, but no pod is Ready either
    const w = await res.watcher(stack.config, 'still', stack.client);
    await morePasses(w, 3);
    expect(recoveries(await state(id))).toEqual([]);
    expect(gauge(w, 'present')).toBe(1); // the passes did judge it: still present
    // The pods crash again: the watcher itself has the problem open now.
    tick(sim, 'crashLoopRollout', { replicas: REPLICAS });
    await eventually(() => gauge(w, 'tracked') === 1, 'a pass finding the problem tracked by the watcher');
    await morePasses(w, 2);
    const s = await state(id);
    expect(s.status).toBe('triggered');
    expect(s.recovery).toBeUndefined();
    expect(recoveries(s)).toEqual([]);
    expect(await signalNames(stack.client, id)).not.toContain('recovered');
    expect(w.metrics.get('watcher_reconcile_recoveries_total')).toBe(0);
  });

  it('never recovers a one-off fact such as a failed Job, even when the Job was deleted meanwhile', async () => {
    const sim = clusters.oneoff.sim;
    scenarios.failedJob(sim);
    const first = await res.watcher(stack.config, 'oneoff', stack.client);
    const id = incidentWorkflowId('oneoff', 'job:reports:nightly-report:jobfailed');
    await eventually(async () => (await state(id).catch(() => undefined))?.occurrences.count, 'the failed Job incident');
    await first.stop();
    sim.remove('batch/v1', 'Job', 'reports', 'nightly-report');
    const w = await res.watcher(stack.config, 'oneoff', stack.client);
    await morePasses(w, 3);
    const s = await state(id);
    expect(s.status).toBe('triggered');
    expect(recoveries(s)).toEqual([]);
    expect(await signalNames(stack.client, id)).not.toContain('recovered');
    expect(gauge(w, 'one-off')).toBe(1); // the passes did judge it: a one-off fact
  });

  it('judges a state problem by its condition: a node Ready again recovers, a StatefulSet still short of replicas does not', async () => {
    const sim = clusters.nodes.sim;
    scenarios.nodeNotReady(sim, { name: 'node-2' });
    const first = await res.watcher(stack.config, 'nodes', stack.client);
    const node = incidentWorkflowId('nodes', 'node:node-2:nodenotready');
    await eventually(async () => (await state(node).catch(() => undefined))?.occurrences.count, 'the NodeNotReady incident');
    await first.stop();
    recover(sim, 'nodeNotReady', { name: 'node-2' });
    // Short of replicas since before the new watcher started: it waits out replicasUnavailable (5m)
    // before reporting it again, but the problem is there all along. Opened the way the README's
    // curl does, with the watcher's fingerprint.
    sim.apply({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } } },
      status: { replicas: 3, readyReplicas: 1, availableReplicas: 1 },
    });
    const db = await openIncident(stack.client, anomaly({
      cluster: 'nodes', fingerprint: 'statefulset:shop:db:replicasunavailable', kind: 'ReplicasUnavailable',
      resource: { kind: 'StatefulSet', name: 'db', namespace: 'shop', apiVersion: 'apps/v1' }, owner: undefined, reason: 'ReplicasUnavailable', message: '1 of 3 replicas ready',
    }));
    await eventually(async () => (await db.query(stateQuery)).occurrences.count === 1, 'the StatefulSet incident');
    const w = await res.watcher(stack.config, 'nodes', stack.client);
    const s = await eventually(async () => {
      const st = await state(node);
      return recoveries(st).length > 0 ? st : undefined;
    }, 'the node incident recovered');
    expect(recoveries(s).map((e) => e.text)).toEqual([expect.stringContaining('Node node-2 is healthy again')]);
    await morePasses(w, 3);
    expect(recoveries(await db.query(stateQuery))).toEqual([]);
    expect(await signalNames(stack.client, db.workflowId)).not.toContain('recovered');
    expect(gauge(w, 'present')).toBe(1);
    expect(w.metrics.get('watcher_open_fingerprints')).toBe(0); // the watcher itself has not reported it (yet)
  });

  it('leaves an open incident of another cluster alone while recovering its own cluster\'s', async () => {
    // Open in cluster "elsewhere", on a Deployment this cluster does not have: judged against this
    // cluster's caches it would look deleted.
    const other = await openIncident(stack.client, anomaly({
      cluster: 'elsewhere', fingerprint: 'deployment-shop-legacy-crashloopbackoff',
      resource: { kind: 'Pod', name: 'legacy-5c8d-x1', namespace: 'shop' }, owner: { kind: 'Deployment', name: 'legacy', namespace: 'shop' },
    }));
    await eventually(async () => (await other.query(stateQuery)).occurrences.count === 1, 'the other cluster\'s incident');
    const id = await crashLoopSeenThenWatcherGone('mine');
    recover(clusters.mine.sim, 'crashLoopRollout', { replicas: REPLICAS });
    const w = await res.watcher(stack.config, 'mine', stack.client);
    await eventually(async () => recoveries(await state(id)).length > 0, 'this cluster\'s incident recovered');
    await morePasses(w, 2);
    const s = await other.query(stateQuery);
    expect(s.status).toBe('triggered');
    expect(recoveries(s)).toEqual([]);
    expect(await signalNames(stack.client, other.workflowId)).not.toContain('recovered');
    expect(w.metrics.get('watcher_reconcile_recoveries_total')).toBe(1);
  });
});
