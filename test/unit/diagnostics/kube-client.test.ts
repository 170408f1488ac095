import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kubeConfigFor } from '../../../kube/client';
import { diagnosticsFromConfig } from '../../../activities/diagnostics/kubernetes';
import { testConfig } from '../../helpers/config';

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-client-'));
  file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'a', cluster: { server: 'http://127.0.0.1:1', 'insecure-skip-tls-verify': true } },
        { name: 'b', cluster: { server: 'http://127.0.0.1:2', 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'u', user: { token: 'not-a-real-token' } }],
      contexts: [
        { name: 'ctx-a', context: { cluster: 'a', user: 'u' } },
        { name: 'ctx-b', context: { cluster: 'b', user: 'u' } },
      ],
      'current-context': 'ctx-a',
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the cluster client factory', () => {
  it('loads a kubeconfig file and switches to the named context', () => {
    expect(kubeConfigFor({ name: 'x', kubeconfig: file }).getCurrentCluster()?.server).toBe('http://127.0.0.1:1');
    expect(kubeConfigFor({ name: 'x', kubeconfig: file, context: 'ctx-b' }).getCurrentCluster()?.server).toBe('http://127.0.0.1:2');
  });

  it('says which setting to fix when the file or the context is missing', () => {
    expect(() => kubeConfigFor({ name: 'prod', kubeconfig: join(dir, 'nope') })).toThrow(`cluster "prod": the kubeconfig file ${join(dir, 'nope')} does not exist; fix clusters[].kubeconfig or mount the file`);
    expect(() => kubeConfigFor({ name: 'prod', kubeconfig: file, context: 'ctx-c' })).toThrow('cluster "prod": context "ctx-c" is not in the kubeconfig; it has "ctx-a", "ctx-b"');
  });

  it('gives every configured cluster a provider, one that explains a broken kubeconfig', async () => {
    const warnings: string[] = [];
    const cfg = testConfig((raw) => {
      raw.clusters = [{ name: 'good', kubeconfig: file }, { name: 'broken', kubeconfig: join(dir, 'missing') }, { name: 'off', kubeconfig: file, diagnostics: { enabled: false } }];
    });
    const providers = diagnosticsFromConfig(cfg, (w) => warnings.push(w));
    expect(Object.keys(providers).sort()).toEqual(['broken', 'good', 'off']);
    expect(warnings).toEqual([expect.stringContaining('cluster "broken": the kubeconfig file')]);
    const a = { cluster: 'broken', fingerprint: 'f', kind: 'CrashLoopBackOff', severity: 'error' as const, resource: { kind: 'Pod', name: 'p' }, reason: '', message: '', labels: {}, observedAt: '' };
    expect(await providers.broken!.collect(a, () => {})).toEqual({ available: false, digest: expect.stringMatching(/^Diagnostics are unavailable: cluster "broken": the kubeconfig file/), sections: [] });
    expect((await providers.off!.collect(a, () => {})).digest).toBe('Diagnostics are turned off for cluster "off" (clusters[].diagnostics.enabled).');
  });
});
