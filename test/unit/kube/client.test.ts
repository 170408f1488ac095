import { join } from 'node:path';
import { k8s, kubeConfigFor, toKubeCallError } from '../../../kube/client';
import { writeKubeconfig, type KubeconfigFixture } from './kubeconfig.fixture';

let kc: KubeconfigFixture;
beforeAll(() => {
  kc = writeKubeconfig();
});
afterAll(() => kc.remove());

describe('the cluster client factory', () => {
  it('loads a kubeconfig file and switches to the named context', () => {
    expect(kubeConfigFor({ name: 'x', kubeconfig: kc.file }).getCurrentCluster()?.server).toBe('http://127.0.0.1:1');
    expect(kubeConfigFor({ name: 'x', kubeconfig: kc.file, context: 'ctx-b' }).getCurrentCluster()?.server).toBe('http://127.0.0.1:2');
  });

  it('says which setting to fix when the file or the context is missing', () => {
    expect(() => kubeConfigFor({ name: 'prod', kubeconfig: join(kc.dir, 'nope') })).toThrow(`cluster "prod": the kubeconfig file ${join(kc.dir, 'nope')} does not exist; fix clusters[].kubeconfig or mount the file`);
    expect(() => kubeConfigFor({ name: 'prod', kubeconfig: kc.file, context: 'ctx-c' })).toThrow('cluster "prod": context "ctx-c" is not in the kubeconfig; it has "ctx-a", "ctx-b"');
  });
});

describe('API failures', () => {
  it('become reasons a person can act on', () => {
    const body = JSON.stringify({ kind: 'Status', message: 'pods is forbidden: User "x" cannot list resource "pods"', reason: 'Forbidden', code: 403 });
    const forbidden = toKubeCallError(new k8s.ApiException(403, 'Forbidden', body, {}), 'list pods in shop');
    expect(forbidden).toMatchObject({ reason: 'forbidden', status: 403, message: 'list pods in shop: forbidden (403) for the read-only identity: pods is forbidden: User "x" cannot list resource "pods"' });
    expect(toKubeCallError(new k8s.ApiException(404, 'NotFound', '', {}), 'get pod x')).toMatchObject({ reason: 'notFound', message: 'get pod x: not found (404)' });
    expect(toKubeCallError(new DOMException('timed out', 'TimeoutError'), 'get node n', 2_000)).toMatchObject({ reason: 'timeout', message: 'get node n: no answer within 2s' });
    expect(toKubeCallError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 'list pods')).toMatchObject({ reason: 'unavailable', message: 'list pods: cannot reach the API server (ECONNREFUSED)' });
  });
});
