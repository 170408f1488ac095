import { join } from 'node:path';
import { diagnosticsFromConfig } from '../../../activities/diagnostics/kubernetes';
import { testConfig } from '../../helpers/config';
import { writeKubeconfig, type KubeconfigFixture } from '../kube/kubeconfig.fixture';

let kc: KubeconfigFixture;
beforeAll(() => {
  kc = writeKubeconfig();
});
afterAll(() => kc.remove());

describe('diagnostics providers from the config', () => {
  it('gives every configured cluster a provider, one that explains a broken kubeconfig', async () => {
    const warnings: string[] = [];
    const cfg = testConfig((raw) => {
      raw.clusters = [{ name: 'good', kubeconfig: kc.file }, { name: 'broken', kubeconfig: join(kc.dir, 'missing') }, { name: 'off', kubeconfig: kc.file, diagnostics: { enabled: false } }];
    });
    const providers = diagnosticsFromConfig(cfg, (w) => warnings.push(w));
    expect(Object.keys(providers).sort()).toEqual(['broken', 'good', 'off']);
    expect(warnings).toEqual([expect.stringContaining('cluster "broken": the kubeconfig file')]);
    const a = { cluster: 'broken', fingerprint: 'f', kind: 'CrashLoopBackOff', severity: 'error' as const, resource: { kind: 'Pod', name: 'p' }, reason: '', message: '', labels: {}, observedAt: '' };
    expect(await providers.broken!.collect(a, () => {})).toEqual({ available: false, digest: expect.stringMatching(/^Diagnostics are unavailable: cluster "broken": the kubeconfig file/), sections: [] });
    expect((await providers.off!.collect(a, () => {})).digest).toBe('Diagnostics are turned off for cluster "off" (clusters[].diagnostics.enabled).');
  });
});
