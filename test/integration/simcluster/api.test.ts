// The simulated API server answers the real @kubernetes/client-node like a cluster: discovery, CRUD,
// lists with resourceVersion, selectors, paging, status subresources and Status errors.
import { startSimCluster, type SimCluster } from '../../../simcluster';
import { apiError, clients, type Clients, podObject } from './helpers';

let c: SimCluster;
let admin: Clients;
let ro: Clients;

beforeAll(async () => {
  c = await startSimCluster({ name: 'sim-api' });
  admin = clients(c, 'admin');
  ro = clients(c, 'readOnly');
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  c.apply({ ...podObject('web-1', 'shop', { app: 'web', tier: 'front' }, { nodeName: 'node-1' }), status: { phase: 'Running' } });
  c.apply({ ...podObject('web-2', 'shop', { app: 'web', tier: 'front' }, { nodeName: 'node-2' }), status: { phase: 'Pending' } });
  c.apply({ ...podObject('db-1', 'shop', { app: 'db' }, { nodeName: 'node-1' }), status: { phase: 'Running' } });
  c.apply({ ...podObject('batch-1', 'default', { app: 'batch' }, { nodeName: 'node-2' }), status: { phase: 'Succeeded' } });
});
afterAll(() => c?.stop());

describe('discovery', () => {
  it('lists the core and group versions with namespaced resources, verbs and kinds', async () => {
    const res = await fetch(`${c.url}/api/v1`, { headers: { authorization: `Bearer ${c.tokens.readOnly}` } });
    const body = (await res.json()) as { groupVersion: string; resources: { name: string; namespaced: boolean; kind: string; verbs: string[] }[] };
    expect(body.groupVersion).toBe('v1');
    expect(body.resources.find((r) => r.name === 'pods')).toMatchObject({ namespaced: true, kind: 'Pod', verbs: expect.arrayContaining(['get', 'list', 'watch']) });
    expect(body.resources.find((r) => r.name === 'nodes')).toMatchObject({ namespaced: false, kind: 'Node' });
    expect(body.resources.find((r) => r.name === 'pods/log')).toMatchObject({ verbs: ['get'] });

    const apis = await (await fetch(`${c.url}/apis`, { headers: { authorization: `Bearer ${c.tokens.readOnly}` } })).json();
    const groups = (apis as { groups: { name: string }[] }).groups.map((g) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'batch', 'coordination.k8s.io', 'storage.k8s.io', 'velero.io', 'cert-manager.io']));
    const velero = (await (await fetch(`${c.url}/apis/velero.io/v1`, { headers: { authorization: `Bearer ${c.tokens.readOnly}` } })).json()) as { resources: { name: string; kind: string }[] };
    expect(velero.resources.map((r) => r.kind)).toEqual(expect.arrayContaining(['Backup', 'Restore']));
  });

  it('answers an unknown group version with a NotFound Status', async () => {
    const res = await fetch(`${c.url}/apis/nope.example.com/v1`, { headers: { authorization: `Bearer ${c.tokens.readOnly}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });
});

describe('lists', () => {
  it('return items with the list resourceVersion, across namespaces or in one', async () => {
    const all = await ro.core.listPodForAllNamespaces();
    expect(all.items.map((p) => p.metadata?.name).sort()).toEqual(['batch-1', 'db-1', 'web-1', 'web-2']);
    expect(Number(all.metadata?.resourceVersion)).toBeGreaterThan(0);
    const shop = await ro.core.listNamespacedPod({ namespace: 'shop' });
    expect(shop.items.map((p) => p.metadata?.name)).toEqual(['db-1', 'web-1', 'web-2']);
  });

  it('filter by label selector with =, !=, in, notin, exists and !exists', async () => {
    const names = async (labelSelector: string) => (await ro.core.listPodForAllNamespaces({ labelSelector })).items.map((p) => p.metadata?.name).sort();
    expect(await names('app=web')).toEqual(['web-1', 'web-2']);
    expect(await names('app!=web')).toEqual(['batch-1', 'db-1']);
    expect(await names('app in (db,batch)')).toEqual(['batch-1', 'db-1']);
    expect(await names('app notin (db,batch),tier')).toEqual(['web-1', 'web-2']);
    expect(await names('!tier')).toEqual(['batch-1', 'db-1']);
  });

  it('filter by field selector on name, namespace, node and phase', async () => {
    const names = async (fieldSelector: string) => (await ro.core.listPodForAllNamespaces({ fieldSelector })).items.map((p) => p.metadata?.name).sort();
    expect(await names('spec.nodeName=node-1')).toEqual(['db-1', 'web-1']);
    expect(await names('status.phase!=Running')).toEqual(['batch-1', 'web-2']);
    expect(await names('metadata.namespace=default')).toEqual(['batch-1']);
    expect(await names('metadata.name=web-2,spec.nodeName=node-2')).toEqual(['web-2']);
  });

  it('refuse an unsupported field label and a malformed label selector with 400', async () => {
    const field = await apiError(ro.core.listPodForAllNamespaces({ fieldSelector: 'spec.image=x' }));
    expect(field.code).toBe(400);
    expect(field.status).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.image' });
    const label = await apiError(ro.core.listPodForAllNamespaces({ labelSelector: 'app in ()' }));
    expect(label.code).toBe(400);
  });

  it('page with limit and continue at one resourceVersion', async () => {
    const first = await ro.core.listPodForAllNamespaces({ limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.metadata?._continue).toBeTruthy();
    const second = await ro.core.listPodForAllNamespaces({ limit: 3, _continue: first.metadata!._continue });
    expect(second.items.map((p) => p.metadata?.name)).toEqual(['web-2']);
    expect(second.metadata?._continue).toBeFalsy();
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });

  it('omit kind and apiVersion in built-in list items as the real server does', async () => {
    const res = await fetch(`${c.url}/api/v1/namespaces/shop/pods`, { headers: { authorization: `Bearer ${c.tokens.readOnly}` } });
    const body = (await res.json()) as { kind: string; apiVersion: string; items: Record<string, unknown>[] };
    expect(body).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    expect(body.items[0]!.kind).toBeUndefined();
  });
});

describe('writes', () => {
  it('create sets uid, resourceVersion and creationTimestamp, and a duplicate is AlreadyExists', async () => {
    const created = await admin.core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'settings' }, data: { a: '1' } } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toBeTruthy();
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const dup = await apiError(admin.core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'settings' } } }));
    expect(dup.code).toBe(409);
    expect(dup.status).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "settings" already exists' });
  });

  it('refuses a create in a namespace that does not exist', async () => {
    const err = await apiError(admin.core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'x' } } }));
    expect(err.code).toBe(404);
    expect(err.status.message).toBe('namespaces "nowhere" not found');
  });

  it('get of a missing object is NotFound with the qualified resource name', async () => {
    const err = await apiError(ro.apps.readNamespacedDeployment({ namespace: 'shop', name: 'ghost' }));
    expect(err.code).toBe(404);
    expect(err.status).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "ghost" not found' });
  });

  it('a replace keeps the stored status; the status subresource changes only status', async () => {
    const pod = await admin.core.readNamespacedPod({ namespace: 'shop', name: 'web-1' });
    const replaced = await admin.core.replaceNamespacedPod({ namespace: 'shop', name: 'web-1', body: { ...pod, metadata: { ...pod.metadata, labels: { app: 'web', tier: 'front', v: '2' } }, status: { phase: 'Failed' } } });
    expect(replaced.status?.phase).toBe('Running');
    expect(replaced.metadata?.labels?.v).toBe('2');
    const st = await admin.core.replaceNamespacedPodStatus({ namespace: 'shop', name: 'web-1', body: { ...replaced, metadata: { ...replaced.metadata, labels: {} }, status: { phase: 'Failed' } } });
    expect(st.status?.phase).toBe('Failed');
    expect(st.metadata?.labels?.v).toBe('2');
  });

  it('patches with JSON patch (the client default) and merge patch', async () => {
    const patched = await admin.core.patchNamespacedConfigMap({ namespace: 'shop', name: 'settings', body: [{ op: 'add', path: '/data/b', value: '2' }] });
    expect(patched.data).toEqual({ a: '1', b: '2' });
    const res = await fetch(`${c.url}/api/v1/namespaces/shop/configmaps/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${c.tokens.admin}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ data: { a: null } }),
    });
    expect(((await res.json()) as { data: unknown }).data).toEqual({ b: '2' });
  });

  it('deleting a Deployment garbage-collects its ReplicaSet and Pods', async () => {
    const dep = c.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'gc', namespace: 'shop' }, spec: { replicas: 1 } });
    const rs = c.apply({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'gc-1', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gc', uid: dep.metadata.uid!, controller: true }] } });
    c.apply({ ...podObject('gc-1-a', 'shop'), metadata: { name: 'gc-1-a', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gc-1', uid: rs.metadata.uid!, controller: true }] } });
    await admin.apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'gc' });
    expect(c.get('apps/v1', 'ReplicaSet', 'shop', 'gc-1')).toBeUndefined();
    expect(c.get('v1', 'Pod', 'shop', 'gc-1-a')).toBeUndefined();
  });

  it('serves custom resources through CustomObjectsApi', async () => {
    c.apply({ apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'nightly', namespace: 'velero' }, status: { phase: 'Completed' } });
    const list = (await ro.custom.listNamespacedCustomObject({ group: 'velero.io', version: 'v1', namespace: 'velero', plural: 'backups' })) as { items: { kind: string; status: { phase: string } }[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ kind: 'Backup', status: { phase: 'Completed' } });
    const all = (await ro.custom.listClusterCustomObject({ group: 'cert-manager.io', version: 'v1', plural: 'certificates' })) as { items: unknown[] };
    expect(all.items).toEqual([]);
  });
});
