// The run's real API server itself (test/helpers/kube-apiserver.ts): the version it was built as,
// RBAC in force for the token-file users, and TLS only with the CA the helper made.
import { request } from 'node:https';
import { collection, RealCluster } from './cluster';

const kube = new RealCluster();

describe('the test Kubernetes API server', () => {
  it('answers /version with the version setup-kube.sh built (ldflags)', async () => {
    const v = await kube.call('GET', '/version');
    expect(v.body).toMatchObject({ gitVersion: 'v1.34.4', major: '1', minor: '34' });
  });

  it('authorizes by RBAC: a token user without bindings is refused (403), admin is not', async () => {
    const ns = await kube.namespace('real-server');
    const refused = await kube.call('GET', collection('v1', 'Pod', ns), undefined, { as: 'watcher', allow: [403] });
    expect(refused).toMatchObject({ status: 403, body: { reason: 'Forbidden', message: `pods is forbidden: User "watcher" cannot list resource "pods" in API group "" in the namespace "${ns}"` } });
    expect((await kube.call('GET', collection('v1', 'Pod', ns))).body.items).toEqual([]);
    const unknown = await kube.call('GET', collection('v1', 'Pod', ns), undefined, { token: 'not-a-token', allow: [401] });
    expect(unknown.status).toBe(401);
  });

  it('refuses TLS connections that do not trust its CA', async () => {
    const err = await new Promise<Error>((ok) => request(new URL('/version', kube.conn.url), (res) => ok(new Error(`answered ${res.statusCode}`))).on('error', ok).end());
    expect(err.message).toMatch(/self[- ]signed|unable to verify|certificate/i);
  });
});
