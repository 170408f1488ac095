// The watcher against the real kube-apiserver (test/helpers/kube-apiserver.ts), with the real worker
// and workflow: ten crash-looping pods of one Deployment (objects created and pod status patched as
// the controllers and kubelet would) are one incident naming the Deployment; an etcd compaction
// answers the informers' next watch with 410 Gone and the relist adds no occurrence; two watchers
// electing a leader on a real coordination.k8s.io Lease still make one incident.
import { join } from 'node:path';
import { incidentWorkflowId, stateQuery, type IncidentState } from '../../../workflows/definitions';
import { defaultLeaseName } from '../../../watcher/lease';
import type { RunningWatcher } from '../../../watcher/run';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { fastWatch, Resources, runsOf, signalledCount } from '../watcher/helpers';
import { collection, RealCluster } from './cluster';

const kube = new RealCluster();
const res = new Resources();
let stack: Stack;
let ns: string;
let haNs: string;
let real: RunningWatcher;

const LEASE = { leaseDuration: '3s', renewDeadline: '2s', retryPeriod: '500ms' };

beforeAll(async () => {
  ns = await kube.namespace('real-shop');
  haNs = await kube.namespace('real-ha');
  const kubeconfig = join(res.dir, 'admin.kubeconfig');
  kube.writeKubeconfig(kubeconfig, { as: 'admin' });
  // The API server is shared by the run: each watcher looks only at its own namespace.
  stack = await startStack({
    worker: true,
    config: (raw) => {
      raw.clusters = [
        { name: 'real', kubeconfig, diagnostics: { enabled: false }, watch: fastWatch({ namespaces: { include: [ns] } }) },
        {
          name: 'real-ha', kubeconfig, diagnostics: { enabled: false },
          watch: fastWatch({ namespaces: { include: [haNs] }, leaderElection: { enabled: true, namespace: haNs, ...LEASE } }),
        },
      ];
    },
  });
}, 120_000);

afterAll(async () => {
  await res.cleanup().finally(() => stack?.stop());
});

/** The incident's view from its workflow (strongly consistent); undefined until it exists. */
const state = (id: string): Promise<IncidentState | undefined> => stack.client.workflow.getHandle(id).query(stateQuery).catch(() => undefined);

/** Ten pods of Deployment `name` in `namespace`, each crash-looping after one restart. */
async function crashLoopingDeployment(namespace: string, name: string, replicas = 10): Promise<void> {
  const chain = await kube.deployment(namespace, name, replicas);
  for (const pod of chain.pods) await kube.crashLoop(pod);
}

describe('the watcher on a real API server', () => {
  const crash = () => incidentWorkflowId('real', `deployment:${ns}:checkout:crashloopbackoff`);

  it('opens one incident naming the Deployment for ten crash-looping pods', async () => {
    await crashLoopingDeployment(ns, 'checkout');
    real = await res.watcher(stack.config, 'real', stack.client);
    const s = await eventually(async () => {
      const st = await state(crash());
      return st && st.occurrences.count >= 10 ? st : undefined;
    }, 'the incident with all ten pods counted', 60_000);
    expect(s).toMatchObject({ cluster: 'real', kind: 'CrashLoopBackOff', owner: { kind: 'Deployment', name: 'checkout', namespace: ns }, status: 'triggered' });
    expect(s.occurrences.count).toBe(10);
    const runs = await eventually(async () => {
      const r = await runsOf(stack.client, 'real');
      return r.length > 0 ? r : undefined;
    }, 'the incident in visibility');
    expect(runs.map((r) => r.workflowId)).toEqual([crash()]);
  }, 90_000);

  it('relists after 410 Gone from an etcd compaction without counting an occurrence twice', async () => {
    const w = real;
    const gone = w.metrics.get('watcher_watch_gone_total');
    const relists = w.metrics.get('watcher_relists_total');
    // Writes the informers do not watch move etcd past every resourceVersion they hold; the
    // compaction then forgets them, so each reconnect (after the 2 s inactivity timeout) is refused.
    // Two writes: a watch from revision N starts at N+1, which a compaction AT N+1 still keeps.
    for (const name of ['bump-1', 'bump-2']) await kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns } });
    await kube.compact();
    await eventually(() => w.metrics.get('watcher_watch_gone_total') > gone && w.metrics.get('watcher_relists_total') > relists, 'a 410 Gone and a relist', 30_000);
    // What changes after the relist is still seen: a second Deployment starts crash-looping.
    await crashLoopingDeployment(ns, 'ledger', 2);
    const ledger = incidentWorkflowId('real', `deployment:${ns}:ledger:crashloopbackoff`);
    await eventually(async () => (await signalledCount(stack.client, ledger)) === 2, 'the ledger incident after the relist', 30_000);
    // The relisted crash-looping pods were re-evaluated, not reported again.
    expect(await signalledCount(stack.client, crash())).toBe(10);
    expect((await state(crash()))?.occurrences.count).toBe(10);
    const runs = await eventually(async () => {
      const r = await runsOf(stack.client, 'real');
      return r.length >= 2 ? r : undefined;
    }, 'both incidents in visibility');
    expect(runs.map((r) => r.workflowId).sort()).toEqual([crash(), ledger].sort());
  }, 90_000);

  it('makes one incident with two watchers electing a leader on a real Lease', async () => {
    await crashLoopingDeployment(haNs, 'checkout');
    const [a, b] = [await res.watcher(stack.config, 'real-ha', stack.client, 'alpha'), await res.watcher(stack.config, 'real-ha', stack.client, 'beta')];
    const leader = await eventually(async () => {
      const leaders = [a, b].filter((w) => w.isLeader());
      return leaders.length === 1 ? leaders[0] : undefined;
    }, 'exactly one leader');
    const lease = await kube.call('GET', `${collection('coordination.k8s.io/v1', 'Lease', haNs)}/${defaultLeaseName('real-ha')}`);
    expect(lease.body.spec.holderIdentity).toBe(leader!.identity);
    const id = incidentWorkflowId('real-ha', `deployment:${haNs}:checkout:crashloopbackoff`);
    await eventually(async () => (await signalledCount(stack.client, id)) >= 10, 'the incident with ten occurrences', 60_000);
    // A few resyncs later, still only the leader's ten.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await signalledCount(stack.client, id)).toBe(10);
    expect([a, b].filter((w) => w.isLeader())).toHaveLength(1);
    const runs = await eventually(async () => {
      const r = await runsOf(stack.client, 'real-ha');
      return r.length ? r : undefined;
    }, 'the incident in visibility');
    expect(runs.map((r) => r.workflowId)).toEqual([id]);
  }, 90_000);
});
