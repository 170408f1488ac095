// The Kubernetes diagnostics provider against the simulated API server, through the real
// @kubernetes/client-node: one scenario per anomaly family, read-only calls only, secrets redacted,
// and failing or slow calls turned into lines of the report instead of a failed activity.
import type { Anomaly, DiagnosticsReport } from '../../../workflows/definitions';
import { createKubernetesDiagnostics } from '../../../activities/diagnostics/kubernetes';
import { kubeApis, kubeConfigFor } from '../../../kube/client';
import { PLANTED_SECRETS, scenarios, startSimCluster, type SimCluster } from '../../../simcluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let sim: SimCluster;
let dir: string;
let kubeconfig: string;
beforeAll(async () => {
  sim = await startSimCluster({ name: 'diag' });
  dir = mkdtempSync(join(tmpdir(), 'diag-'));
  kubeconfig = join(dir, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig, 'readOnly');
  scenarios.crashLoopRollout(sim, { replicas: 4 });
  scenarios.imageTypo(sim);
  scenarios.oomKilled(sim);
  scenarios.nodeNotReady(sim);
  scenarios.pvcPending(sim);
  scenarios.failedJob(sim);
  scenarios.failedVeleroBackup(sim);
  scenarios.certNotReady(sim);
});
afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  sim.faults.slow(0);
  sim.faults.failNext(0);
});

const settings = { enabled: true, timeout: 20_000, callTimeout: 5_000, logLines: 40, maxSectionChars: 6_000 };
function provider(overrides: Partial<typeof settings> = {}) {
  return createKubernetesDiagnostics({ cluster: 'diag', apis: kubeApis(kubeConfigFor({ name: 'diag', kubeconfig })), settings: { ...settings, ...overrides } });
}
function anomaly(kind: string, resource: Anomaly['resource'], owner?: Anomaly['owner']): Anomaly {
  return { cluster: 'diag', fingerprint: `fp-${kind}`, kind, severity: 'error', resource, owner, reason: kind, message: kind, labels: {}, observedAt: new Date().toISOString() };
}
const podOf = (namespace: string, app: string) => sim.list('v1', 'Pod', namespace).find((p) => p.metadata.labels?.app === app)!.metadata.name;
const everything = (r: DiagnosticsReport) => [r.digest, ...r.sections.flatMap((s) => [s.title, s.body])].join('\n');

describe('kubernetes diagnostics against the simulated cluster', () => {
  it('digests a crash-looping deployment with the termination reason and the previous log tail, secrets redacted', async () => {
    const beats: unknown[] = [];
    const pod = podOf('shop', 'checkout');
    sim.clearRequests();
    const report = await provider().collect(
      anomaly('CrashLoopBackOff', { kind: 'Pod', name: pod, namespace: 'shop' }, { kind: 'Deployment', name: 'checkout', namespace: 'shop' }),
      (d) => beats.push(d),
    );
    expect(report.available).toBe(true);
    expect(report.digest).toMatch(/^4\/4 pods of Deployment shop\/checkout crash-looping; last termination: Error \(exit 1\) on /);
    expect(report.digest).toContain('Previous log tail (checkout):');
    expect(report.digest).toContain("TypeError: Cannot read properties of undefined (reading 'currency')");
    expect(report.digest).toMatch(/Rollout: 4 desired/);
    const all = everything(report);
    expect(all).not.toContain(PLANTED_SECRETS.password);
    expect(all).not.toContain(PLANTED_SECRETS.jwt.split('.')[1]);
    expect(all).toContain('password=[REDACTED]');
    expect(report.sections.map((s) => s.title)).toEqual(
      expect.arrayContaining([`Pod shop/${pod}`, 'Rollout of Deployment shop/checkout', `Events of pod ${pod}`, expect.stringMatching(/^Previous logs of /), expect.stringMatching(/^Node node-/)]),
    );
    expect(beats.length).toBeGreaterThan(3);
    // Read-only: every request was a GET, none touched Secrets, none was a watch.
    const requests = sim.requests();
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(requests.filter((r) => /secrets/.test(r.path) || /watch=(true|1)/.test(r.query))).toEqual([]);
    expect(new Set(requests.map((r) => r.token))).toEqual(new Set(['readOnly']));
  });

  it('finds the deployment behind a pod when the anomaly names no owner', async () => {
    const report = await provider().collect(anomaly('CrashLoopBackOff', { kind: 'Pod', name: podOf('shop', 'checkout'), namespace: 'shop' }), () => {});
    expect(report.digest).toMatch(/^4\/4 pods of Deployment shop\/checkout crash-looping/);
  });

  it('says which image cannot be pulled and skips logs of containers that never started', async () => {
    const report = await provider().collect(anomaly('ImagePullBackOff', { kind: 'Deployment', name: 'frontend', namespace: 'shop' }), () => {});
    expect(report.digest).toMatch(/^3\/3 pods of Deployment shop\/frontend unable to pull their image; waiting: (ImagePullBackOff|ErrImagePull) on frontend-/);
    expect(report.digest).toContain('nginx:1.27-alpnie');
    expect(report.sections.some((s) => /logs of/.test(s.title))).toBe(false);
  });

  it('reports an OOM kill with exit code 137 and the memory limit', async () => {
    const report = await provider().collect(
      anomaly('OOMKilled', { kind: 'Pod', name: podOf('payments', 'ledger-worker'), namespace: 'payments' }, { kind: 'Deployment', name: 'ledger-worker', namespace: 'payments' }),
      () => {},
    );
    expect(report.digest).toMatch(/2\/2 pods of Deployment payments\/ledger-worker OOM-killed; last termination: OOMKilled \(exit 137\)/);
    expect(everything(report)).toContain('Limits:         memory=256Mi');
  });

  it('reports a NotReady node with its pressure conditions and the pods on it', async () => {
    const report = await provider().collect(anomaly('NodeNotReady', { kind: 'Node', name: 'node-2' }), () => {});
    expect(report.digest).toMatch(/^Node node-2: MemoryPressure, Ready=False \(KubeletNotReady\)/);
    expect(report.digest).toMatch(/\d+ pods on it, \d+ not ready/);
    expect(report.digest).toContain('Last warning: EvictionThresholdMet');
  });

  it('explains a Pending claim with its storage class, the provisioning failure and who waits for it', async () => {
    const report = await provider().collect(anomaly('PVCPending', { kind: 'PersistentVolumeClaim', name: 'data-postgres-0', namespace: 'data' }), () => {});
    expect(report.digest).toContain('PVC data/data-postgres-0 is Pending (requested storage=20Gi, class "fast-ssd", ReadWriteOnce)');
    expect(report.digest).toContain('StorageClass "fast-ssd": provisioner csi.sim.local');
    expect(report.digest).toContain('Used by pod postgres-0');
    expect(report.digest).toContain('ProvisioningFailed');
  });

  it('explains a failed Job with its failure condition and the log of a failed pod', async () => {
    const report = await provider().collect(anomaly('JobFailed', { kind: 'Job', name: 'nightly-report', namespace: 'reports' }), () => {});
    expect(report.digest).toMatch(/4\/4 pods of Job reports\/nightly-report not ready; last termination: Error \(exit 2\)/);
    expect(report.digest).toContain('Failed=True (BackoffLimitExceeded');
    expect(report.digest).toContain('password authentication failed');
  });

  it('reads custom resources through discovery: a failed Velero backup and a Certificate that is not Ready', async () => {
    const backup = await provider().collect(anomaly('BackupFailed', { kind: 'Backup', name: 'daily-shop', namespace: 'velero', apiVersion: 'velero.io/v1' }), () => {});
    expect(backup.digest).toMatch(/^Backup velero\/daily-shop: phase Failed; failureReason: .*AccessDenied/);
    const cert = await provider().collect(anomaly('CertificateNotReady', { kind: 'Certificate', name: 'shop-tls', namespace: 'shop' }), () => {});
    expect(cert.digest).toMatch(/^Certificate shop\/shop-tls; Ready=False \(DoesNotExist/);
    expect(everything(cert)).toContain('secretName: shop-tls');
  });

  it('turns a failing call into a line of the report instead of failing', async () => {
    sim.faults.failNext(1, 500);
    const report = await provider().collect(anomaly('NodeNotReady', { kind: 'Node', name: 'node-2' }), () => {});
    expect(report.available).toBe(true);
    expect(report.digest).toMatch(/\(1 read failed: 1 unavailable; details in the report\)/);
    expect(report.sections.find((s) => s.title === 'Problems while collecting')?.body).toMatch(/HTTP 500/);
  });

  it('says the object is gone when it was deleted', async () => {
    const report = await provider().collect(anomaly('CrashLoopBackOff', { kind: 'Pod', name: 'checkout-gone-abcde', namespace: 'shop' }), () => {});
    expect(report.available).toBe(true);
    expect(report.digest).toContain('was not found');
  });

  it('stops at the per-call deadline and still answers', async () => {
    sim.faults.slow(1_500);
    const started = Date.now();
    const report = await provider({ callTimeout: 500, timeout: 3_000 }).collect(anomaly('NodeNotReady', { kind: 'Node', name: 'node-2' }), () => {});
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(report.available).toBe(false);
    expect(report.digest).toMatch(/^Could not read Node node-2 from cluster "diag": .*no answer within 0.5s/);
  });

  it('reports an unreachable cluster as unavailable with the reason', async () => {
    const other = await startSimCluster({ name: 'gone' });
    const path = join(dir, 'gone-kubeconfig');
    other.writeKubeconfig(path);
    await other.stop();
    const p = createKubernetesDiagnostics({ cluster: 'gone', apis: kubeApis(kubeConfigFor({ name: 'gone', kubeconfig: path })), settings });
    const report = await p.collect(anomaly('NodeNotReady', { kind: 'Node', name: 'node-1' }), () => {});
    expect(report.available).toBe(false);
    expect(report.digest).toMatch(/cannot reach the API server/);
  });
});
