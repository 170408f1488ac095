// The detector table, one object at a time: what each detector reports, and what it must not.
import { detectCustom, detectEvent, effectiveRules, STATE_DETECTORS, DETECTORS, BUILTIN_RULES } from '../../../watcher/detectors';
import { WAITING_REASONS } from '../../../watcher/detectors/pods';
import { customResourceRuleSchema } from '../../../config/schema-watch';
import type { K8sObject } from '../../../kube/objects';
import { crashLoop, ctx, event, iso, node, NOW, pod, settings, waiting } from './fixtures';

const detectPod = STATE_DETECTORS.Pod!;
const kinds = (fs: { kind: string }[]) => fs.map((f) => f.kind);

describe('pod detectors', () => {
  it.each(Object.entries(WAITING_REASONS))('reports a container waiting with %s as %s', (reason, kind) => {
    const found = detectPod(pod('p', { containers: [reason === 'CrashLoopBackOff' ? crashLoop(3) : waiting(reason)] }), ctx());
    expect(kinds(found)).toEqual([kind]);
    expect(found[0]).toMatchObject({ resource: { kind: 'Pod', name: 'p', namespace: 'shop' }, mode: 'pod', reason });
    expect(found[0]!.message).toContain('app');
  });

  it('reports a crash loop whose last exit was an OOM kill as OOMKilled, counting restarts', () => {
    const [f] = detectPod(pod('p', { containers: [crashLoop(4, 'OOMKilled')] }), ctx());
    expect(f).toMatchObject({ kind: 'OOMKilled', reason: 'OOMKilled', counter: 4 });
    expect(f!.message).toContain('exit code 137');
  });

  it('reports a recent OOM kill of a container that is running again, but not an old one', () => {
    const recent = { name: 'app', ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: iso(60_000) } } };
    expect(kinds(detectPod(pod('p', { ready: true, containers: [recent] }), ctx()))).toEqual(['OOMKilled']);
    const old = { ...recent, lastState: { terminated: { ...recent.lastState.terminated, finishedAt: iso(2 * 3_600_000) } } };
    expect(detectPod(pod('p', { ready: true, containers: [old] }), ctx())).toEqual([]);
  });

  it('counts restarts of a crash loop so every new crash is an occurrence', () => {
    expect(detectPod(pod('p', { containers: [crashLoop(7)] }), ctx())[0]).toMatchObject({ kind: 'CrashLoopBackOff', counter: 7, source: 'container:app' });
  });

  it('reports unschedulable pods as FailedScheduling with the scheduler message', () => {
    const p = pod('p', { phase: 'Pending', containers: [], conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] });
    expect(detectPod(p, ctx())[0]).toMatchObject({ kind: 'FailedScheduling', message: '0/3 nodes are available', mode: 'pod' });
  });

  it('reports an evicted pod once, dated by its last condition change', () => {
    const p = pod('p', { phase: 'Failed', reason: 'Evicted', containers: [], conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: iso(30_000) }] });
    expect(detectPod(p, ctx())[0]).toMatchObject({ kind: 'Evicted', mode: 'once', observedAt: NOW - 30_000 });
  });

  it('stays quiet about healthy, creating and terminating pods', () => {
    expect(detectPod(pod('p', { ready: true }), ctx())).toEqual([]);
    expect(detectPod(pod('p', { containers: [waiting('ContainerCreating')] }), ctx())).toEqual([]);
    const terminating = pod('p', { containers: [crashLoop(3)] });
    terminating.metadata!.deletionTimestamp = iso(0);
    expect(detectPod(terminating, ctx())).toEqual([]);
  });
});

describe('event detectors', () => {
  const known = pod('checkout-7d9f-a');

  it.each([
    ['FailedScheduling', 'FailedScheduling', '0/3 nodes are available'],
    ['FailedMount', 'FailedMount', 'MountVolume.SetUp failed for volume "data"'],
    ['FailedAttachVolume', 'FailedMount', 'AttachVolume.Attach failed'],
  ])('maps a %s warning to %s', (reason, kind, message) => {
    expect(detectEvent(event(reason, message), ctx(), known)[0]).toMatchObject({ kind, mode: 'pod', counter: 1, resource: { kind: 'Pod', name: 'checkout-7d9f-a' } });
  });

  it('reports probe failures only once they reach the threshold', () => {
    const msg = 'Readiness probe failed: HTTP probe failed with statuscode: 503';
    expect(detectEvent(event('Unhealthy', msg, { count: 2 }), ctx(), known)).toEqual([]);
    expect(detectEvent(event('Unhealthy', msg, { count: 3 }), ctx(), known)[0]).toMatchObject({ kind: 'ReadinessProbeFailed', counter: 3 });
    expect(detectEvent(event('Unhealthy', 'Liveness probe failed: connection refused', { count: 5 }), ctx(), known)[0]).toMatchObject({ kind: 'LivenessProbeFailed' });
  });

  it('ignores normal events, unknown reasons, other objects and events older than the cutoff', () => {
    expect(detectEvent(event('FailedMount', 'x', { type: 'Normal' }), ctx(), known)).toEqual([]);
    expect(detectEvent(event('Pulled', 'x'), ctx(), known)).toEqual([]);
    expect(detectEvent({ ...event('FailedMount', 'x'), involvedObject: { kind: 'Node', name: 'n1' } }, ctx(), known)).toEqual([]);
    expect(detectEvent(event('FailedMount', 'x', { msAgo: 2 * 3_600_000 }), ctx(), known)).toEqual([]);
  });

  it('reports an event about a pod it does not know once: nothing could tell that pod recovered', () => {
    expect(detectEvent(event('FailedMount', 'x'), ctx(), undefined)[0]).toMatchObject({ mode: 'once' });
  });
});

describe('node detectors', () => {
  const detectNode = STATE_DETECTORS.Node!;

  it.each([
    [{ Ready: 'False' }, 'NodeNotReady'],
    [{ Ready: 'Unknown' }, 'NodeNotReady'],
    [{ Ready: 'True', MemoryPressure: 'True' }, 'NodeMemoryPressure'],
    [{ Ready: 'True', DiskPressure: 'True' }, 'NodeDiskPressure'],
    [{ Ready: 'True', PIDPressure: 'True' }, 'NodePIDPressure'],
  ])('reports %j as %s', (conditions, kind) => {
    expect(kinds(detectNode(node('n1', conditions), ctx()))).toEqual([kind]);
  });

  it('folds pressure into the NotReady finding instead of opening more incidents for one node', () => {
    const found = detectNode(node('n1', { Ready: 'False', MemoryPressure: 'True', DiskPressure: 'True' }), ctx());
    expect(kinds(found)).toEqual(['NodeNotReady']);
    expect(found[0]!.message).toContain('MemoryPressure, DiskPressure');
  });

  it('stays quiet about a healthy node', () => {
    expect(detectNode(node('n1', { Ready: 'True', MemoryPressure: 'False', DiskPressure: 'False' }), ctx())).toEqual([]);
  });
});

describe('workload detectors', () => {
  const deployment = (status: any, spec: any = { replicas: 3 }): K8sObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec, status });
  const unavailableFor = (ms: number) => ({ unavailableReplicas: 2, conditions: [{ type: 'Available', status: 'False', lastTransitionTime: iso(ms), message: 'Deployment does not have minimum availability.' }] });

  it('reports unavailable replicas once they stay unavailable beyond the threshold', () => {
    expect(STATE_DETECTORS.Deployment!(deployment(unavailableFor(60_000)), ctx())).toEqual([]);
    expect(STATE_DETECTORS.Deployment!(deployment(unavailableFor(6 * 60_000)), ctx())[0]).toMatchObject({ kind: 'ReplicasUnavailable', mode: 'state' });
  });

  it('keeps quiet about replica symptoms while pods of the same workload have a finding of their own', () => {
    const quiet = ctx({ podFindingsUnder: (k) => k === 'Deployment/shop/web' });
    const status = { ...unavailableFor(6 * 60_000), conditions: [...unavailableFor(6 * 60_000).conditions, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] };
    expect(STATE_DETECTORS.Deployment!(deployment(status), quiet)).toEqual([]);
    expect(kinds(STATE_DETECTORS.Deployment!(deployment(status), ctx()))).toEqual(['ProgressDeadlineExceeded', 'ReplicasUnavailable']);
  });

  it('ignores Deployments scaled to zero or paused', () => {
    expect(STATE_DETECTORS.Deployment!(deployment(unavailableFor(6 * 60_000), { replicas: 0 }), ctx())).toEqual([]);
    expect(STATE_DETECTORS.Deployment!(deployment(unavailableFor(6 * 60_000), { replicas: 3, paused: true }), ctx())).toEqual([]);
  });

  it('measures StatefulSet and DaemonSet unavailability from when it was first seen', () => {
    const marks = new Map<string, number>([['StatefulSet/data/pg#unavailable', NOW - 10 * 60_000]]);
    const c = ctx({ since: (k) => marks.get(k) ?? NOW });
    const sts: K8sObject = { kind: 'StatefulSet', metadata: { name: 'pg', namespace: 'data' }, spec: { replicas: 2 }, status: { readyReplicas: 1 } };
    expect(STATE_DETECTORS.StatefulSet!(sts, c)[0]).toMatchObject({ kind: 'ReplicasUnavailable', message: '1 of 2 replicas ready' });
    const ds: K8sObject = { kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'ops' }, status: { numberUnavailable: 1, desiredNumberScheduled: 5 } };
    expect(STATE_DETECTORS.DaemonSet!(ds, ctx())).toEqual([]); // first seen just now
  });

  it('reports a failed Job once, dated by its Failed condition', () => {
    const job: K8sObject = { kind: 'Job', metadata: { name: 'nightly', namespace: 'reports', uid: 'j1' }, status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastTransitionTime: iso(10_000) }] } };
    expect(STATE_DETECTORS.Job!(job, ctx())[0]).toMatchObject({ kind: 'JobFailed', mode: 'once', reason: 'BackoffLimitExceeded', observedAt: NOW - 10_000 });
  });

  it('reports a PVC that stays Pending beyond the threshold', () => {
    const pvc = (ms: number): K8sObject => ({ kind: 'PersistentVolumeClaim', metadata: { name: 'data-pg-0', namespace: 'data', creationTimestamp: iso(ms) }, spec: { storageClassName: 'fast' }, status: { phase: 'Pending' } });
    expect(STATE_DETECTORS.PersistentVolumeClaim!(pvc(60_000), ctx())).toEqual([]);
    expect(STATE_DETECTORS.PersistentVolumeClaim!(pvc(6 * 60_000), ctx())[0]).toMatchObject({ kind: 'PVCPending', mode: 'state' });
  });
});

describe('custom resource rules', () => {
  const rules = effectiveRules(settings());
  const rule = (name: string) => rules.find((r) => r.name === name)!;
  const backup = (phase: string, labels: Record<string, string> = { 'velero.io/schedule-name': 'daily' }): K8sObject => ({
    apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'daily-20260302', namespace: 'velero', uid: 'b1', labels },
    status: { phase, completionTimestamp: iso(60_000), failureReason: 'AccessDenied' },
  });

  it('ships valid built-in rules for Velero backups and restores and cert-manager certificates', () => {
    for (const r of BUILTIN_RULES) expect(customResourceRuleSchema.safeParse(r).success).toBe(true);
    expect(rules.map((r) => r.anomaly)).toEqual(['VeleroBackupFailed', 'VeleroRestoreFailed', 'CertificateNotReady']);
  });

  it('reports a failed Velero backup once, grouped on its schedule', () => {
    const [f] = detectCustom(rule('velero-backup-failed'), backup('PartiallyFailed'), ctx());
    expect(f).toMatchObject({ kind: 'VeleroBackupFailed', severity: 'error', mode: 'once', owner: { kind: 'Schedule', name: 'daily', namespace: 'velero' }, observedAt: NOW - 60_000 });
    expect(f!.message).toContain('AccessDenied');
    expect(detectCustom(rule('velero-backup-failed'), backup('Completed'), ctx())).toEqual([]);
  });

  it('reports a certificate only after it stayed not Ready for the rule\'s duration', () => {
    const cert = (ms: number): K8sObject => ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'shop-tls', namespace: 'shop' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'DoesNotExist', message: 'Issuing', lastTransitionTime: iso(ms) }] } });
    expect(detectCustom(rule('cert-manager-certificate-not-ready'), cert(60_000), ctx())).toEqual([]);
    expect(detectCustom(rule('cert-manager-certificate-not-ready'), cert(6 * 60_000), ctx())[0]).toMatchObject({ kind: 'CertificateNotReady', mode: 'state', reason: 'DoesNotExist' });
  });

  it('lets a config rule replace a built-in one by name, or turn the built-ins off', () => {
    const own = settings({ customResources: { rules: [{ name: 'velero-backup-failed', group: 'velero.io', version: 'v1', resource: 'backups', kind: 'Backup', anomaly: 'BackupBroken', when: { field: { path: 'status.phase', values: ['Failed'] } } }] } });
    expect(effectiveRules(own).map((r) => r.anomaly).sort()).toEqual(['BackupBroken', 'CertificateNotReady', 'VeleroRestoreFailed']);
    expect(effectiveRules(settings({ customResources: { builtin: false } }))).toEqual([]);
  });

  it('every detector kind has a default severity and a description', () => {
    for (const [kind, d] of Object.entries(DETECTORS)) {
      expect(d.severity).toMatch(/^(info|warning|error|critical)$/);
      expect(d.description.length).toBeGreaterThan(10);
      expect(kind).toMatch(/^[A-Za-z]+$/);
    }
  });
});
