// Scenarios build consistent, deterministic objects (owner chains a client can resolve) that look like
// the trouble they name, and recover() makes them healthy again. Read through the real client.
import type { V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { PLANTED_SECRETS, recover, SCENARIO_NAMES, scenarios, startSimCluster, tick, type SimCluster } from '../../../simcluster';
import { apiError, clients, type Clients, k8s } from './helpers';

let c: SimCluster;
let ro: Clients;
const said: string[] = [];

beforeAll(async () => {
  c = await startSimCluster({ name: 'sim-scenarios' });
  ro = clients(c);
  for (const name of SCENARIO_NAMES) scenarios[name](c, { say: (l) => said.push(l) });
});
afterAll(() => c?.stop());

const container = (p: V1Pod) => p.status!.containerStatuses![0]!;
const eventsFor = async (namespace: string, name: string, reason: string) =>
  (await ro.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name},reason=${reason}` })).items;

describe('crashLoopRollout', () => {
  it('builds Deployment -> ReplicaSet -> Pods whose owner references resolve by uid', async () => {
    const pods = (await ro.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' })).items;
    expect(pods).toHaveLength(10);
    const dep = await ro.apps.readNamespacedDeployment({ namespace: 'shop', name: 'checkout' });
    for (const p of pods) {
      const rsRef = p.metadata!.ownerReferences!.find((r) => r.controller)!;
      expect(rsRef.kind).toBe('ReplicaSet');
      const rs = await ro.apps.readNamespacedReplicaSet({ namespace: 'shop', name: rsRef.name });
      expect(rs.metadata!.uid).toBe(rsRef.uid);
      expect(rs.metadata!.ownerReferences![0]).toMatchObject({ kind: 'Deployment', name: 'checkout', uid: dep.metadata!.uid });
      expect(p.metadata!.labels!['pod-template-hash']).toBe(rs.metadata!.labels!['pod-template-hash']);
    }
    expect(dep.status).toMatchObject({ replicas: 10, readyReplicas: 0, unavailableReplicas: 10 });
    expect(dep.status!.conditions!.find((x) => x.type === 'Available')?.status).toBe('False');
  });

  it('has pods in CrashLoopBackOff after exit 1, rising restarts and BackOff warnings', async () => {
    const pods = (await ro.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' })).items;
    const s = container(pods[0]!);
    expect(s.state!.waiting!.reason).toBe('CrashLoopBackOff');
    expect(s.lastState!.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    expect(s.restartCount).toBe(3);
    const [backOff] = await eventsFor('shop', pods[0]!.metadata!.name!, 'BackOff');
    expect(backOff).toMatchObject({ type: 'Warning', count: 2 });
    tick(c, 'crashLoopRollout');
    const after = await ro.core.readNamespacedPod({ namespace: 'shop', name: pods[0]!.metadata!.name! });
    expect(container(after).restartCount).toBe(4);
    expect((await eventsFor('shop', pods[0]!.metadata!.name!, 'BackOff'))[0]!.count).toBe(3);
  });

  it('keeps a stack trace and planted secrets in the previous container log', async () => {
    const [pod] = (await ro.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout', limit: 1 })).items;
    const log = await ro.core.readNamespacedPodLog({ namespace: 'shop', name: pod!.metadata!.name!, container: 'checkout', previous: true });
    expect(log).toContain(`password=${PLANTED_SECRETS.password}`);
    expect(log).toContain(`Bearer ${PLANTED_SECRETS.jwt}`);
    expect(log).toMatch(/\n {4}at priceCart \(/);
  });

  it('recovers to running and ready pods and an available Deployment', async () => {
    recover(c, 'crashLoopRollout');
    const pods = (await ro.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' })).items;
    expect(pods.every((p) => container(p).ready && container(p).state!.running)).toBe(true);
    const dep = await ro.apps.readNamespacedDeployment({ namespace: 'shop', name: 'checkout' });
    expect(dep.status).toMatchObject({ readyReplicas: 10, availableReplicas: 10 });
    expect(dep.status!.conditions!.find((x) => x.type === 'Available')?.status).toBe('True');
  });
});

describe('the other workload scenarios', () => {
  it('imageTypo shows image pull failures with Failed events, and recovers with a fixed image', async () => {
    const pods = (await ro.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=frontend' })).items;
    expect(pods.length).toBeGreaterThan(1);
    expect(new Set(pods.map((p) => container(p).state!.waiting!.reason))).toEqual(new Set(['ImagePullBackOff', 'ErrImagePull']));
    const [failed] = await eventsFor('shop', pods[0]!.metadata!.name!, 'Failed');
    expect(failed!.type).toBe('Warning');
    expect(failed!.message).toContain('Failed to pull image');
    recover(c, 'imageTypo');
    const fixed = await ro.core.readNamespacedPod({ namespace: 'shop', name: pods[0]!.metadata!.name! });
    expect(fixed.spec!.containers[0]!.image).toBe('docker.io/library/nginx:1.27-alpine');
    expect(container(fixed).ready).toBe(true);
  });

  it('oomKilled shows OOMKilled with exit code 137', async () => {
    const pods = (await ro.core.listNamespacedPod({ namespace: 'payments', labelSelector: 'app=ledger-worker' })).items;
    expect(pods.map((p) => container(p).lastState!.terminated)).toEqual(pods.map(() => expect.objectContaining({ reason: 'OOMKilled', exitCode: 137 })));
  });

  it('probeFailure has unready pods and rising Unhealthy readiness events', async () => {
    const pods = (await ro.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=catalog-api' })).items;
    expect(pods.every((p) => p.status!.phase === 'Running' && !container(p).ready)).toBe(true);
    const name = pods[0]!.metadata!.name!;
    expect((await eventsFor('shop', name, 'Unhealthy'))[0]).toMatchObject({ type: 'Warning', count: 3, message: expect.stringContaining('Readiness probe failed') });
    tick(c, 'probeFailure');
    expect((await eventsFor('shop', name, 'Unhealthy'))[0]!.count).toBe(4);
    recover(c, 'probeFailure');
    expect(container(await ro.core.readNamespacedPod({ namespace: 'shop', name })).ready).toBe(true);
  });
});

describe('infrastructure scenarios', () => {
  it('nodeNotReady has Ready=False and MemoryPressure=True, and recovers to Ready', async () => {
    const cond = (n: { status?: { conditions?: { type: string; status: string }[] } }, t: string) => n.status!.conditions!.find((x) => x.type === t)?.status;
    const node = await ro.core.readNode({ name: 'node-2' });
    expect(cond(node, 'Ready')).toBe('False');
    expect(cond(node, 'MemoryPressure')).toBe('True');
    recover(c, 'nodeNotReady');
    const healed = await ro.core.readNode({ name: 'node-2' });
    expect(cond(healed, 'Ready')).toBe('True');
    expect(healed.spec!.taints).toBeUndefined();
  });

  it('pvcPending has a Pending claim on an existing StorageClass with a ProvisioningFailed event', async () => {
    const pvc = await ro.core.readNamespacedPersistentVolumeClaim({ namespace: 'data', name: 'data-postgres-0' });
    expect(pvc.status!.phase).toBe('Pending');
    const sc = await ro.kc.makeApiClient(k8s.StorageV1Api).readStorageClass({ name: pvc.spec!.storageClassName! });
    expect(sc.provisioner).toBeTruthy();
    expect((await eventsFor('data', 'data-postgres-0', 'ProvisioningFailed'))[0]!.type).toBe('Warning');
    const pod = await ro.core.readNamespacedPod({ namespace: 'data', name: 'postgres-0' });
    expect(pod.metadata!.ownerReferences![0]).toMatchObject({ kind: 'StatefulSet', name: 'postgres' });
    recover(c, 'pvcPending');
    expect((await ro.core.readNamespacedPersistentVolumeClaim({ namespace: 'data', name: 'data-postgres-0' })).status!.phase).toBe('Bound');
  });

  it('failedJob has a Failed condition BackoffLimitExceeded and owned pods, and recovers to Complete', async () => {
    const job = await ro.batch.readNamespacedJob({ namespace: 'reports', name: 'nightly-report' });
    expect(job.status!.conditions!.find((x) => x.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    const pods = (await ro.core.listNamespacedPod({ namespace: 'reports', labelSelector: 'job-name=nightly-report' })).items;
    expect(pods.length).toBe(4);
    expect(pods.every((p) => p.metadata!.ownerReferences![0]!.uid === job.metadata!.uid && p.status!.phase === 'Failed')).toBe(true);
    recover(c, 'failedJob');
    const done = await ro.batch.readNamespacedJob({ namespace: 'reports', name: 'nightly-report' });
    expect(done.status!.conditions!.find((x) => x.type === 'Complete')?.status).toBe('True');
    expect(done.status!.conditions!.some((x) => x.type === 'Failed')).toBe(false);
  });

  it('failedVeleroBackup and certNotReady are served as custom resources and recover', async () => {
    const get = (group: string, namespace: string, plural: string, name: string) =>
      ro.custom.getNamespacedCustomObject({ group, version: 'v1', namespace, plural, name }) as Promise<{ status: any }>;
    expect((await get('velero.io', 'velero', 'backups', 'daily-shop')).status.phase).toBe('Failed');
    const cert = await get('cert-manager.io', 'shop', 'certificates', 'shop-tls');
    expect(cert.status.conditions.find((x: { type: string }) => x.type === 'Ready')).toMatchObject({ status: 'False' });
    recover(c, 'failedVeleroBackup');
    recover(c, 'certNotReady');
    expect((await get('velero.io', 'velero', 'backups', 'daily-shop')).status).toMatchObject({ phase: 'Completed' });
    expect((await get('velero.io', 'velero', 'backups', 'daily-shop')).status.failureReason).toBeUndefined();
    expect((await get('cert-manager.io', 'shop', 'certificates', 'shop-tls')).status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
  });
});

describe('scenarios in general', () => {
  it('say what they do, one line each', () => {
    expect(said).toHaveLength(SCENARIO_NAMES.length);
    expect(said[0]).toMatch(/^crashLoopRollout: deployment shop\/checkout/);
  });

  it('name an unknown scenario and list the known ones', () => {
    expect(() => recover(c, 'nope' as never)).toThrow(/unknown scenario "nope"; choose one of: crashLoopRollout, imageTypo/);
  });

  it('run on two clusters at once with separate ports, state and tokens, producing the same names', async () => {
    const a = await startSimCluster({ name: 'sim-a' });
    const b = await startSimCluster({ name: 'sim-b' });
    try {
      expect(a.url).not.toBe(b.url);
      scenarios.crashLoopRollout(a, { replicas: 2 });
      const ca = clients(a);
      const cb = clients(b);
      const names = (await ca.core.listNamespacedPod({ namespace: 'shop' })).items.map((p) => p.metadata!.name).sort();
      expect(names).toHaveLength(2);
      expect((await cb.core.listNamespacedPod({ namespace: 'shop' })).items).toEqual([]);
      const crossed = new k8s.KubeConfig();
      crossed.loadFromString(b.kubeconfigYaml().replace(b.tokens.readOnly, a.tokens.readOnly));
      expect((await apiError(crossed.makeApiClient(k8s.CoreV1Api).listNamespace())).code).toBe(401);
      scenarios.crashLoopRollout(b, { replicas: 2 });
      expect((await cb.core.listNamespacedPod({ namespace: 'shop' })).items.map((p) => p.metadata!.name).sort()).toEqual(names);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
