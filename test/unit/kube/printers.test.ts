import { bytes, milliCores, printTable } from '../../../kube/printers';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

const crashing = {
  metadata: { name: 'checkout-7d9f-abc', namespace: 'shop', creationTimestamp: at(3 * 3600) },
  spec: { containers: [{ name: 'app' }, { name: 'proxy' }], nodeName: 'node-1' },
  status: {
    phase: 'Running',
    podIP: '10.244.1.20',
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: at(120) } } },
      { name: 'proxy', ready: true, restartCount: 0, state: { running: {} } },
    ],
  },
};

describe('kubectl-like tables', () => {
  it('prints pods with READY, STATUS and RESTARTS the way kubectl does', () => {
    expect(printTable('pods', [crashing], { wide: false, allNamespaces: false, now: NOW })).toBe(
      ['NAME                READY   STATUS             RESTARTS     AGE', 'checkout-7d9f-abc   1/2     CrashLoopBackOff   5 (2m ago)   3h'].join('\n'),
    );
  });

  it('adds NAMESPACE under -A and the wide columns under -o wide', () => {
    const out = printTable('pods', [crashing], { wide: true, allNamespaces: true, now: NOW });
    expect(out.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE$/);
    expect(out.split('\n')[1]).toMatch(/^shop\s+checkout-7d9f-abc\s+.*10\.244\.1\.20\s+node-1$/);
  });

  it('says there is nothing like kubectl does', () => {
    expect(printTable('pods', [], { wide: false, allNamespaces: false, now: NOW }, 'shop')).toBe('No resources found in shop namespace.');
    expect(printTable('nodes', [], { wide: false, allNamespaces: false, now: NOW })).toBe('No resources found');
  });

  it('prints deployments, nodes and claims with their own columns', () => {
    const dep = { metadata: { name: 'checkout', creationTimestamp: at(86400 * 3) }, spec: { replicas: 10 }, status: { readyReplicas: 7, updatedReplicas: 10, availableReplicas: 7 } };
    expect(printTable('deployments', [dep], { wide: false, allNamespaces: false, now: NOW }).split('\n')[1]).toMatch(/^checkout\s+7\/10\s+10\s+7\s+3d$/);
    const node = { metadata: { name: 'node-2', labels: { 'node-role.kubernetes.io/worker': '' }, creationTimestamp: at(86400 * 40) }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'False' }], nodeInfo: { kubeletVersion: 'v1.31.0' } } };
    expect(printTable('nodes', [node], { wide: false, allNamespaces: false, now: NOW }).split('\n')[1]).toMatch(/^node-2\s+NotReady,SchedulingDisabled\s+worker\s+40d\s+v1\.31\.0$/);
    const pvc = { metadata: { name: 'data-0', creationTimestamp: at(600) }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast' }, status: { phase: 'Pending' } };
    expect(printTable('persistentvolumeclaims', [pvc], { wide: false, allNamespaces: false, now: NOW }).split('\n')[1]).toMatch(/^data-0\s+Pending\s+RWO\s+fast\s+10m$/);
  });

  it('reads CPU and memory quantities', () => {
    expect(milliCores('250m')).toBe(250);
    expect(milliCores('2')).toBe(2000);
    expect(milliCores('1500000n')).toBeCloseTo(1.5);
    expect(bytes('128Mi')).toBe(128 * 1024 * 1024);
    expect(bytes('1G')).toBe(1e9);
  });
});
