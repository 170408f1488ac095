import type { Anomaly } from '../../workflows/definitions';

let n = 0;
/** A CrashLoopBackOff anomaly with a fingerprint unique to this test run unless given. */
export function anomaly(overrides: Partial<Anomaly> = {}): Anomaly {
  n += 1;
  return {
    cluster: 'test',
    fingerprint: `deploy-shop-checkout-${process.pid}-${Date.now()}-${n}`,
    kind: 'CrashLoopBackOff',
    severity: 'error',
    resource: { kind: 'Pod', name: 'checkout-7d9f-abc', namespace: 'shop' },
    owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    labels: { app: 'checkout' },
    observedAt: new Date().toISOString(),
    ...overrides,
  };
}
