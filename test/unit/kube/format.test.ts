import { humanDuration, podStatus, selectorString } from '../../../kube/format';
import { crashing, healthy, pod } from './pods.fixture';

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
