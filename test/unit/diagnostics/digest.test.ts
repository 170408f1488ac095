import type { V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { buildDigest, lastWarning, logTail, podCountLine, terminationText, waitingText } from '../../../activities/diagnostics/kubernetes/digest';
import { describePod } from '../../../activities/diagnostics/kubernetes/describe';
import { humanDuration, podStatus, selectorString } from '../../../activities/diagnostics/kubernetes/format';
import { planFor } from '../../../activities/diagnostics/kubernetes';
import { k8s, toKubeCallError } from '../../../kube/client';

function pod(name: string, status: V1Pod['status'], spec: Partial<V1Pod['spec']> = {}): V1Pod {
  return { metadata: { name, namespace: 'shop' }, spec: { containers: [{ name: 'app', image: 'shop/app:1' }], ...spec }, status } as V1Pod;
}
const crashing = (name: string) =>
  pod(name, {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', image: 'x', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } },
    ],
  });
const healthy = (name: string) =>
  pod(name, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] });

describe('pod status like kubectl', () => {
  it('shows the waiting reason, termination reasons, exit codes and init progress', () => {
    expect(podStatus(crashing('a'))).toBe('CrashLoopBackOff');
    expect(podStatus(healthy('b'))).toBe('Running');
    expect(podStatus(pod('c', { phase: 'Running', containerStatuses: [{ name: 'app', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] }))).toBe('ExitCode:3');
    const init = pod('d', { phase: 'Pending', initContainerStatuses: [{ name: 'i', image: '', imageID: '', ready: false, restartCount: 0, state: { running: {} } }] }, { initContainers: [{ name: 'i' }] });
    expect(podStatus(init)).toBe('Init:0/1');
    expect(podStatus(pod('e', { phase: 'Failed', reason: 'Evicted' }))).toBe('Evicted');
  });

  it('formats ages like kubectl', () => {
    expect([45_000, 200_000, 12 * 60_000, 5 * 3_600_000 + 180_000, 20 * 3_600_000, 3 * 86_400_000 + 4 * 3_600_000, 40 * 86_400_000].map(humanDuration)).toEqual([
      '45s', '3m20s', '12m', '5h3m', '20h', '3d4h', '40d',
    ]);
  });

  it('writes label selectors with expressions', () => {
    expect(selectorString({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'legacy', operator: 'DoesNotExist' }] })).toBe(
      'app=x,tier in (a,b),!legacy',
    );
  });
});

describe('the digest', () => {
  it('counts affected pods with a phrase for the anomaly kind, falling back to "not ready"', () => {
    const pods = [crashing('a'), crashing('b'), crashing('c'), ...Array.from({ length: 7 }, (_, i) => healthy(`h${i}`))];
    expect(podCountLine('CrashLoopBackOff', pods, ' of Deployment shop/checkout')).toBe('3/10 pods of Deployment shop/checkout crash-looping');
    expect(podCountLine('ReplicasUnavailable', pods, '')).toBe('3/10 pods not ready');
  });

  it('names the last termination and a waiting reason', () => {
    const p = crashing('checkout-xyz');
    expect(terminationText(p, p.status!.containerStatuses![0])).toBe('Error (exit 1) on checkout-xyz');
    const pulling = pod('web-1', { phase: 'Pending', containerStatuses: [{ name: 'app', image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x:typo"' } } }] });
    expect(waitingText(pulling, pulling.status!.containerStatuses![0])).toBe('ImagePullBackOff on web-1: Back-off pulling image "x:typo"');
  });

  it('keeps the error message of a stack trace in the log tail', () => {
    const log = ['starting', 'listening on :8080', 'ERROR unhandled rejection', 'TypeError: x is undefined', '    at f (a.js:1:1)', '    at g (b.js:2:2)', '    at h (c.js:3:3)', ''].join('\n');
    expect(logTail(log)).toEqual(['ERROR unhandled rejection', 'TypeError: x is undefined', 'at f (a.js:1:1)', 'at g (b.js:2:2)']);
    expect(logTail('a\nb\nc\nd\ne\n')).toEqual(['b', 'c', 'd', 'e']);
    expect(logTail(undefined)).toEqual([]);
  });

  it('picks the newest warning event', () => {
    const ev = (reason: string, type: string, t: string, count = 1) => ({ reason, type, message: `${reason} happened`, lastTimestamp: new Date(t), count, involvedObject: {}, metadata: {} });
    expect(lastWarning([ev('BackOff', 'Warning', '2026-01-01T10:00:00Z', 12), ev('Pulled', 'Normal', '2026-01-01T10:05:00Z'), ev('Unhealthy', 'Warning', '2026-01-01T09:00:00Z')] as any)).toBe(
      'BackOff (x12): BackOff happened',
    );
  });

  it('is redacted and short', () => {
    const digest = buildDigest(['line one password=hunter2', undefined, '', 'x'.repeat(5_000)]);
    expect(digest).not.toContain('hunter2');
    expect(digest.length).toBeLessThanOrEqual(1_200);
  });
});

describe('describe output', () => {
  it('never shows values from Secrets, only where they come from', () => {
    const p = pod('api-1', { phase: 'Running' }, {
      containers: [
        {
          name: 'app',
          env: [
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } },
            { name: 'LOG_LEVEL', value: 'debug' },
          ],
          envFrom: [{ secretRef: { name: 'api-keys' } }],
        },
      ],
      volumes: [{ name: 'tls', secret: { secretName: 'api-tls' } }],
    });
    const text = describePod(p);
    expect(text).toContain('DB_PASSWORD:  <from secret db-creds/password>');
    expect(text).toContain('LOG_LEVEL:  debug');
    expect(text).toContain('<all keys from secret api-keys>');
    expect(text).toContain('tls:  Secret api-tls (contents not shown)');
  });
});

describe('choosing what to read', () => {
  it('picks a plan by the kind of object', () => {
    const a = (kind: string) => planFor({ resource: { kind, name: 'x' } } as any).name;
    expect(['Pod', 'Deployment', 'Job', 'StatefulSet', 'Node', 'PersistentVolumeClaim', 'Backup', 'CronJob'].map(a)).toEqual(['pods', 'pods', 'pods', 'pods', 'node', 'pvc', 'object', 'object']);
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
