// The simulated etcd: resourceVersions, conflicts, no-op updates, history, compaction, garbage collection.
import { RESOURCES, type ResourceDef } from '../../../simcluster/resources';
import { StatusError } from '../../../simcluster/status';
import { type ChangeEvent, Store } from '../../../simcluster/store';
import type { KubeObject } from '../../../simcluster';

const def = (plural: string) => RESOURCES.find((d) => d.plural === plural) as ResourceDef;
const PODS = def('pods');
const LEASES = def('leases');
const pod = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [] }, ...extra });

function fresh(): Store {
  const s = new Store();
  s.create(def('namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, 'api');
  return s;
}

function statusCode(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.code;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('store', () => {
  it('bumps one cluster-wide resourceVersion on every write', () => {
    const s = fresh();
    const a = s.create(PODS, pod('a'), 'sim');
    const b = s.create(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', namespace: 'default' } }, 'sim');
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
    expect(s.currentRv()).toBe(Number(b.metadata.resourceVersion));
  });

  it('refuses a stale resourceVersion with 409 and accepts an unconditional update', () => {
    const s = fresh();
    const v1 = s.create(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', namespace: 'default' }, spec: { holderIdentity: 'a' } }, 'api');
    const v2 = s.update(LEASES, { ...v1, spec: { holderIdentity: 'b' } }, 'api');
    expect(statusCode(() => s.update(LEASES, { ...v1, spec: { holderIdentity: 'c' } }, 'api'))).toBe(409);
    const v3 = s.update(LEASES, { ...v2, metadata: { ...v2.metadata, resourceVersion: undefined }, spec: { holderIdentity: 'd' } }, 'api');
    expect(v3.spec.holderIdentity).toBe('d');
    expect(v3.metadata.uid).toBe(v1.metadata.uid);
    expect(v3.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
  });

  it('does not write or notify for an update that changes nothing', () => {
    const s = fresh();
    const a = s.create(PODS, pod('a'), 'sim');
    const seen: ChangeEvent[] = [];
    s.subscribe((e) => seen.push(e));
    const same = s.update(PODS, a, 'sim');
    expect(same.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    expect(seen).toEqual([]);
  });

  it('raises generation only when the spec changes', () => {
    const s = fresh();
    const a = s.create(PODS, pod('a'), 'sim');
    const st = s.update(PODS, { ...a, status: { phase: 'Running' } }, 'sim');
    expect(st.metadata.generation).toBe(1);
    const sp = s.update(PODS, { ...st, spec: { containers: [{ name: 'x' }] } }, 'sim');
    expect(sp.metadata.generation).toBe(2);
  });

  it('replays history after a resourceVersion and answers 410 once compacted', () => {
    const s = fresh();
    const rv = s.currentRv();
    s.create(PODS, pod('a'), 'sim');
    s.create(PODS, pod('b'), 'sim');
    expect(s.changesSince(PODS, rv).map((e) => e.object.metadata.name)).toEqual(['a', 'b']);
    s.compact();
    expect(statusCode(() => s.changesSince(PODS, rv))).toBe(410);
    expect(s.changesSince(PODS, s.currentRv())).toEqual([]);
  });

  it('creates a missing namespace for in-process writes but refuses it through the API', () => {
    const s = fresh();
    expect(statusCode(() => s.create(PODS, { ...pod('a'), metadata: { name: 'a', namespace: 'new' } }, 'api'))).toBe(404);
    s.create(PODS, { ...pod('a'), metadata: { name: 'a', namespace: 'new' } }, 'sim');
    expect(s.get(def('namespaces'), undefined, 'new')?.status).toEqual({ phase: 'Active' });
  });

  it('drops the status of an API create for resources with a status subresource', () => {
    const s = fresh();
    const created = s.create(PODS, pod('a', { status: { phase: 'Running' } }), 'api');
    expect(created.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('refuses an invalid name with 422', () => {
    expect(statusCode(() => fresh().create(PODS, pod('Not_Valid'), 'api'))).toBe(422);
  });

  it('garbage-collects dependents by owner uid, or orphans them', () => {
    const s = fresh();
    const owner = s.create(def('replicasets'), { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'default' } }, 'sim');
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: owner.metadata.uid!, controller: true };
    s.create(PODS, pod('child', { metadata: { name: 'child', namespace: 'default', ownerReferences: [ref] } }), 'sim');
    s.delete(def('replicasets'), 'default', 'rs', { propagation: 'Orphan' });
    expect(s.get(PODS, 'default', 'child')?.metadata.ownerReferences).toEqual([]);

    const owner2 = s.create(def('replicasets'), { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs2', namespace: 'default' } }, 'sim');
    s.create(PODS, pod('child2', { metadata: { name: 'child2', namespace: 'default', ownerReferences: [{ ...ref, name: 'rs2', uid: owner2.metadata.uid! }] } }), 'sim');
    s.delete(def('replicasets'), 'default', 'rs2');
    expect(s.get(PODS, 'default', 'child2')).toBeUndefined();
  });

  it('forgets a pod\'s logs with the pod', () => {
    const s = fresh();
    s.create(PODS, pod('a'), 'sim');
    s.setLogs('default', 'a', 'app', { current: 'x' });
    s.delete(PODS, 'default', 'a');
    expect(s.getLogs('default', 'a', 'app')).toEqual({});
  });

  it('hands out copies, so callers cannot change stored objects', () => {
    const s = fresh();
    const a = s.create(PODS, pod('a'), 'sim');
    a.metadata.name = 'changed';
    s.get(PODS, 'default', 'a')!.spec.containers.push({ name: 'sneaky' });
    expect(s.get(PODS, 'default', 'a')!.spec.containers).toEqual([]);
  });
});
