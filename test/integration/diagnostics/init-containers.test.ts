// Issue 10, 5b: a crash-looping init container is diagnosed through the init container (its exit
// code, restarts and previous log from initContainerStatuses), not through the main container that
// only waits with PodInitializing. Real Kubernetes client against the simulated API server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Anomaly, DiagnosticsReport } from '../../../workflows/definitions';
import { createKubernetesDiagnostics } from '../../../activities/diagnostics/kubernetes';
import { kubeApis, kubeConfigFor } from '../../../kube/client';
import { PLANTED_SECRETS, scenarios, startSimCluster, type SimCluster } from '../../../simcluster';

let sim: SimCluster;
let dir: string;
let kubeconfig: string;
beforeAll(async () => {
  sim = await startSimCluster({ name: 'init' });
  dir = mkdtempSync(join(tmpdir(), 'diag-init-'));
  kubeconfig = join(dir, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig, 'readOnly');
  scenarios.initCrashLoop(sim, { replicas: 2, restarts: 4 });
});
afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const settings = { enabled: true, timeout: 20_000, callTimeout: 5_000, logLines: 40, maxSectionChars: 6_000 };
const collect = (a: Anomaly) => createKubernetesDiagnostics({ cluster: 'init', apis: kubeApis(kubeConfigFor({ name: 'init', kubeconfig })), settings }).collect(a, () => {});
const everything = (r: DiagnosticsReport) => [r.digest, ...r.sections.flatMap((s) => [s.title, s.body])].join('\n');

describe('diagnosing a crash-looping init container', () => {
  it('reports the init container exit code, restarts and previous log, not PodInitializing', async () => {
    const pod = sim.list('v1', 'Pod', 'shop').find((p) => p.metadata.labels?.app === 'orders')!.metadata.name;
    const report = await collect({
      cluster: 'init', fingerprint: 'fp-init', kind: 'CrashLoopBackOff', severity: 'error', reason: 'BackOff', message: 'Back-off restarting failed container migrate',
      resource: { kind: 'Pod', name: pod, namespace: 'shop' }, owner: { kind: 'Deployment', name: 'orders', namespace: 'shop' }, labels: {}, observedAt: new Date().toISOString(),
    });
    expect(report.available).toBe(true);
    expect(report.digest).toMatch(new RegExp(`^2/2 pods of Deployment shop/orders crash-looping; last termination: Error \\(exit 3\\) on ${pod} init container migrate`));
    expect(report.digest).toContain('Previous log tail (init container migrate):');
    expect(report.digest).toContain('0042_add_currency failed: column "currency" of relation "orders" already exists');
    expect(report.digest).not.toContain('PodInitializing');
    const titles = report.sections.map((s) => s.title);
    expect(titles).toContain(`Previous logs of ${pod} (init container migrate, last 40 lines)`);
    const described = report.sections.find((s) => s.title === `Pod shop/${pod}`)!.body;
    expect(described).toContain('Init Containers:');
    expect(described).toMatch(/Status:\s+Pending/);
    const all = everything(report);
    expect(all).not.toContain(PLANTED_SECRETS.password);
    expect(all).toContain('DB_PASS=[REDACTED]');
  });

  it('lists the init container restarts in the pods table, as kubectl does while a pod initializes', async () => {
    const report = await collect({
      cluster: 'init', fingerprint: 'fp-init-deploy', kind: 'CrashLoopBackOff', severity: 'error', reason: 'BackOff', message: 'x',
      resource: { kind: 'Deployment', name: 'orders', namespace: 'shop' }, labels: {}, observedAt: new Date().toISOString(),
    });
    const table = report.sections.find((s) => s.title === 'Pods of Deployment shop/orders')!.body;
    expect(table).toMatch(/Init:CrashLoopBackOff\s+4 \(/);
  });
});
