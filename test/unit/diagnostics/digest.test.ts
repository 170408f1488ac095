import { buildDigest, lastWarning, logTail, podCountLine, terminationText, waitingText } from '../../../activities/diagnostics/kubernetes/digest';
import { planFor } from '../../../activities/diagnostics/kubernetes';
import { crashing, healthy, pod } from '../kube/pods.fixture';

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

describe('choosing what to read', () => {
  it('picks a plan by the kind of object', () => {
    const a = (kind: string) => planFor({ resource: { kind, name: 'x' } } as any).name;
    expect(['Pod', 'Deployment', 'Job', 'StatefulSet', 'Node', 'PersistentVolumeClaim', 'Backup', 'CronJob'].map(a)).toEqual(['pods', 'pods', 'pods', 'pods', 'node', 'pvc', 'object', 'object']);
  });
});
