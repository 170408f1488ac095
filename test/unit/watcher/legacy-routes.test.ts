// The upgrade path of the fingerprint format (watcher/fingerprint.ts LegacyRoutes): open incidents
// raised under the old '-' key keep receiving their problem's anomalies, new problems get the ':'
// key, and the ambiguity of the old key is settled by the incident's namespace.
import { DETECTOR_KINDS } from '../../../watcher/detectors';
import { fingerprint, FINGERPRINT_MAX, legacyFingerprint, LegacyRoutes } from '../../../watcher/fingerprint';

const web = { kind: 'Deployment', namespace: 'shop-eu', name: 'web' };
const euWeb = { kind: 'Deployment', namespace: 'shop', name: 'eu-web' };
const checkout = { kind: 'Deployment', namespace: 'shop', name: 'checkout' };
const CRASH = 'CrashLoopBackOff';

const routes = (...listed: { fingerprint: string; namespace?: string }[]) => {
  const r = new LegacyRoutes([...DETECTOR_KINDS, 'VeleroBackupFailed']);
  r.update(listed);
  return r;
};
const keyOf = (r: LegacyRoutes, owner: typeof web, kind = CRASH) => r.route(owner, kind, fingerprint(owner, kind));

describe('legacy fingerprint routes', () => {
  it('send an anomaly to the open incident raised under its old key, and a new problem to the new key', () => {
    const r = routes({ fingerprint: 'deployment-shop-checkout-crashloopbackoff', namespace: 'shop' });
    expect(keyOf(r, checkout)).toBe('deployment-shop-checkout-crashloopbackoff');
    expect(keyOf(r, checkout, 'OOMKilled')).toBe('deployment:shop:checkout:oomkilled');
    expect(keyOf(r, web)).toBe('deployment:shop-eu:web:crashloopbackoff');
  });

  it('route only the problem that opened an ambiguous old key, told apart by the incident namespace', () => {
    const old = legacyFingerprint(web, CRASH);
    expect(old).toBe(legacyFingerprint(euWeb, CRASH));
    const r = routes({ fingerprint: old, namespace: 'shop-eu' });
    expect(keyOf(r, web)).toBe(old);
    expect(keyOf(r, euWeb)).toBe('deployment:shop:eu-web:crashloopbackoff');
  });

  it('route by the old key alone when the incident names no namespace (cluster-scoped owners)', () => {
    const r = routes({ fingerprint: 'node-node-2-nodenotready' });
    expect(keyOf(r, { kind: 'Node', name: 'node-2' } as typeof web, 'NodeNotReady')).toBe('node-node-2-nodenotready');
  });

  it('route long names cut to a hash under the old format too', () => {
    const long = { kind: 'Deployment', namespace: 'shop', name: 'x'.repeat(150) };
    const old = legacyFingerprint(long, CRASH);
    expect(old).toHaveLength(FINGERPRINT_MAX);
    expect(keyOf(routes({ fingerprint: old, namespace: 'shop' }), long)).toBe(old);
  });

  it('leave out what is not an old watcher key: new keys, Alertmanager keys, other senders', () => {
    const r = routes(
      { fingerprint: 'deployment:shop:checkout:crashloopbackoff' },
      { fingerprint: 'am-0123456789abcdef' },
      { fingerprint: 'payments-nightly' },
      { fingerprint: 'statefulset-data-pg-velerobackupfailed' },
    );
    expect(r.size).toBe(1);
    expect(r.isLegacy('am-0123456789abcdef')).toBe(false);
    expect(r.isLegacy('deployment:shop:checkout:crashloopbackoff')).toBe(false);
  });

  it('forget an old incident once a list no longer has it, and say when none is left', () => {
    const r = new LegacyRoutes(DETECTOR_KINDS);
    expect(r.update([{ fingerprint: 'deployment-shop-checkout-crashloopbackoff', namespace: 'shop' }])).toMatch(/^1 open incident\(s\) use the old fingerprint format/);
    expect(r.update([{ fingerprint: 'deployment-shop-checkout-crashloopbackoff', namespace: 'shop' }])).toBeUndefined();
    expect(r.update([])).toBe('no open incident uses the old fingerprint format any more');
    expect(keyOf(r, checkout)).toBe('deployment:shop:checkout:crashloopbackoff');
  });
});
