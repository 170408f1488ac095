// clusters[].watch: defaults that work out of the box, and mistakes reported by path with the fix.
import { parseConfig, type ConfigError } from '../../../config/load';
import { exampleRaw } from '../../helpers/config';

function withWatch(watch: unknown) {
  const raw = exampleRaw();
  raw.clusters = [{ name: 'prod', kubeconfig: '/etc/kube/prod.yaml', watch }];
  delete raw.kubectl; // the example's channels name its `dev` cluster
  return raw;
}

function problems(watch: unknown): string {
  try {
    parseConfig(withWatch(watch), 'test');
  } catch (err) {
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('expected the config to be rejected');
}

describe('the watch settings of a cluster', () => {
  it('default to watching everything with leader election, a 2s coalescing window and loopback metrics', () => {
    const w = parseConfig(withWatch(undefined), 'test').clusters[0]!.watch;
    expect(w).toMatchObject({
      namespaces: { include: ['*'], exclude: [] },
      ignoreAnnotation: 'incidents.k8s.io/ignore',
      minSeverity: 'info',
      coalesceWindow: 2_000,
      maxConcurrentSignals: 4,
      customResources: { builtin: true, rules: [] },
      leaderElection: { enabled: true, leaseDuration: 15_000, renewDeadline: 10_000, retryPeriod: 2_000 },
      http: { host: '127.0.0.1', port: 9464 },
    });
  });

  it('accept severity overrides and switches per detector kind', () => {
    const w = parseConfig(withWatch({ detectors: { NodeDiskPressure: { severity: 'critical' }, ResourceDeleted: { enabled: true } } }), 'test').clusters[0]!.watch;
    expect(w.detectors).toEqual({ NodeDiskPressure: { severity: 'critical' }, ResourceDeleted: { enabled: true } });
  });

  it('name an unknown detector kind', () => {
    expect(problems({ detectors: { CrashLoopBackoff: { severity: 'error' } } })).toMatch(/clusters\[0\]\.watch\.detectors.*CrashLoopBackoff/);
  });

  it('explain a broken label selector', () => {
    expect(problems({ labelSelector: 'env in (prod' })).toContain('clusters[0].watch.labelSelector: unbalanced parentheses');
  });

  it('require leader election timings in the order retryPeriod < renewDeadline < leaseDuration', () => {
    expect(problems({ leaderElection: { leaseDuration: '5s', renewDeadline: '10s' } })).toContain('retryPeriod < renewDeadline < leaseDuration');
  });

  it('check custom resource rules field by field', () => {
    const p = problems({ customResources: { rules: [{ name: 'Bad Name', group: 'velero.io', version: '1', resource: 'backups', kind: 'backup', anomaly: 'x-y', when: { phase: 'Failed' } }] } });
    for (const field of ['name', 'version', 'kind', 'anomaly', 'when']) expect(p).toContain(`clusters[0].watch.customResources.rules[0].${field}`);
  });

  it('reject two custom resource rules with the same name', () => {
    const rule = { name: 'r', group: 'x.io', version: 'v1', resource: 'things', kind: 'Thing', anomaly: 'ThingBroken', when: { field: { path: 'status.phase', values: ['Broken'] } } };
    expect(problems({ customResources: { rules: [rule, rule] } })).toContain('custom resource rule names must be unique');
  });
});
