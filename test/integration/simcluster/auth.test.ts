// Authentication and authorization as the chart's RBAC would give them: the readOnly identity reads
// what the chart's ClusterRole lists (no Secrets, no ConfigMaps) and gets, creates and updates only
// Leases in its namespace; Leases use optimistic concurrency.
import { startSimCluster, type SimCluster } from '../../../simcluster';
import { apiError, clients, type Clients, k8s, podObject } from './helpers';

let c: SimCluster;
let admin: Clients;
let ro: Clients;

beforeAll(async () => {
  c = await startSimCluster({ name: 'sim-auth', leaseNamespace: 'incident-flow' });
  admin = clients(c, 'admin');
  ro = clients(c, 'readOnly');
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data: { password: 'aHVudGVyMg==' } });
  c.apply(podObject('web', 'shop'));
});
afterAll(() => c?.stop());

function clientWithToken(token: string | undefined) {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'x', server: c.url, skipTLSVerify: true }],
    users: [{ name: 'u', ...(token ? { token } : {}) }],
    contexts: [{ name: 'x', cluster: 'x', user: 'u' }],
    currentContext: 'x',
  });
  return kc.makeApiClient(k8s.CoreV1Api);
}

describe('authentication', () => {
  it('answers a request without a token with a 401 Unauthorized Status', async () => {
    const err = await apiError(clientWithToken(undefined).listNamespace());
    expect(err.code).toBe(401);
    expect(c.requests().at(-1)).toMatchObject({ status: 401, token: 'none' });
    // The generated client drops 401 bodies; the wire carries the Status all the same.
    const res = await fetch(`${c.url}/api/v1/namespaces`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });

  it('answers an unknown token with 401 and never logs the token itself', async () => {
    const err = await apiError(clientWithToken('not-a-token').listNamespace());
    expect(err.code).toBe(401);
    expect(JSON.stringify(c.requests())).not.toContain('not-a-token');
    expect(c.requests().at(-1)?.token).toBe('invalid');
  });
});

describe('the readOnly identity', () => {
  it('may get, list and read pod logs', async () => {
    await expect(ro.core.readNamespacedPod({ namespace: 'shop', name: 'web' })).resolves.toMatchObject({ metadata: { name: 'web' } });
    await expect(ro.core.listNode()).resolves.toHaveProperty('items');
    c.setLogs('shop', 'web', 'app', { current: 'hello\n' });
    await expect(ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'web' })).resolves.toBe('hello\n');
  });

  it('may not list secrets, with the real Forbidden message', async () => {
    const err = await apiError(ro.core.listNamespacedSecret({ namespace: 'shop' }));
    expect(err.code).toBe(403);
    expect(err.status).toMatchObject({
      reason: 'Forbidden',
      message: 'secrets is forbidden: User "system:serviceaccount:incident-flow:k8s-incident-flow" cannot list resource "secrets" in API group "" in the namespace "shop"',
    });
    const one = await apiError(ro.core.readNamespacedSecret({ namespace: 'shop', name: 'db' }));
    expect(one.status.message).toContain('secrets "db" is forbidden');
    const all = await apiError(ro.core.listSecretForAllNamespaces());
    expect(all.status.message).toContain('at the cluster scope');
  });

  it('may not read what the chart does not grant: ConfigMaps, status subresources', async () => {
    const cm = await apiError(ro.core.listNamespacedConfigMap({ namespace: 'shop' }));
    expect(cm.status.message).toBe('configmaps is forbidden: User "system:serviceaccount:incident-flow:k8s-incident-flow" cannot list resource "configmaps" in API group "" in the namespace "shop"');
    const status = await apiError(ro.core.readNamespacedPodStatus({ namespace: 'shop', name: 'web' }));
    expect(status.status.message).toContain('cannot get resource "pods/status"');
  });

  it('may not write anything but leases', async () => {
    const create = await apiError(ro.core.createNamespacedPod({ namespace: 'shop', body: podObject('evil', 'shop') }));
    expect(create.code).toBe(403);
    expect(create.status.message).toContain('cannot create resource "pods" in API group ""');
    const del = await apiError(ro.apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'x' }));
    expect(del.status.message).toContain('cannot delete resource "deployments" in API group "apps"');
    const status = await apiError(ro.core.patchNamespacedPodStatus({ namespace: 'shop', name: 'web', body: [{ op: 'add', path: '/status/phase', value: 'Failed' }] }));
    expect(status.status.message).toContain('cannot patch resource "pods/status"');
    expect(c.get('v1', 'Pod', 'shop', 'evil')).toBeUndefined();
  });

  it('may not manage leases outside its own namespace', async () => {
    const err = await apiError(ro.coordination.createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'w' }, spec: {} } }));
    expect(err.code).toBe(403);
  });

  it('the admin identity may read secrets', async () => {
    const s = await admin.core.readNamespacedSecret({ namespace: 'shop', name: 'db' });
    expect(s.data?.password).toBe('aHVudGVyMg==');
  });
});

describe('leases', () => {
  it('follow optimistic concurrency: a replace with a stale resourceVersion is a 409 Conflict', async () => {
    const ns = 'incident-flow';
    const created = await ro.coordination.createNamespacedLease({
      namespace: ns,
      body: { metadata: { name: 'watcher-sim' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } },
    });
    const taken = await ro.coordination.replaceNamespacedLease({
      namespace: ns,
      name: 'watcher-sim',
      body: { ...created, spec: { ...created.spec, holderIdentity: 'b' } },
    });
    expect(taken.spec?.holderIdentity).toBe('b');
    expect(Number(taken.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));

    const stale = await apiError(ro.coordination.replaceNamespacedLease({ namespace: ns, name: 'watcher-sim', body: { ...created, spec: { ...created.spec, holderIdentity: 'c' } } }));
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on leases.coordination.k8s.io "watcher-sim": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect((await ro.coordination.readNamespacedLease({ namespace: ns, name: 'watcher-sim' })).spec?.holderIdentity).toBe('b');

    const dup = await apiError(ro.coordination.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'watcher-sim' }, spec: {} } }));
    expect(dup.status.reason).toBe('AlreadyExists');
    // The chart's Lease Role has get, create and update only, as here.
    expect((await apiError(ro.coordination.deleteNamespacedLease({ namespace: ns, name: 'watcher-sim' }))).code).toBe(403);
    await admin.coordination.deleteNamespacedLease({ namespace: ns, name: 'watcher-sim' });
    expect((await apiError(ro.coordination.readNamespacedLease({ namespace: ns, name: 'watcher-sim' }))).code).toBe(404);
  });
});
