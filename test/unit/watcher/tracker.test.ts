// Occurrences and recoveries from repeated evaluations of the same objects: the tracker must turn
// "ten pods crash-loop" into ten occurrences of ONE fingerprint, say nothing new on a relist, and
// report recovery only when the last affected object is healthy or gone.
import { Tracker, type Prepared } from '../../../watcher/tracker';
import type { Anomaly } from '../../../workflows/definitions';
import type { ClearMode } from '../../../watcher/detectors';

const FP = 'deployment-shop-checkout-crashloopbackoff';

function prep(o: { fp?: string; source?: string; counter?: number; mode?: ClearMode; owner?: string } = {}): Prepared {
  const anomaly: Anomaly = {
    cluster: 'c1', fingerprint: o.fp ?? FP, kind: 'CrashLoopBackOff', severity: 'error', resource: { kind: 'Pod', name: 'p', namespace: 'shop' },
    reason: 'CrashLoopBackOff', message: 'back-off', labels: {}, observedAt: new Date(0).toISOString(),
  };
  return { fingerprint: o.fp ?? FP, anomaly, mode: o.mode ?? 'pod', source: o.source ?? 'container:app', ...(o.counter !== undefined ? { counter: o.counter } : {}), ownerKey: o.owner ?? 'Deployment/shop/checkout' };
}

const counts = (actions: ReturnType<Tracker['observe']>) => actions.map((a) => (a.type === 'occurrence' ? a.count : `recovered:${a.fingerprint}`));

describe('the anomaly tracker', () => {
  it('turns ten crash-looping pods of one Deployment into ten occurrences of one open fingerprint', () => {
    const t = new Tracker();
    const all = Array.from({ length: 10 }, (_, i) => t.observe(`Pod/shop/p${i}`, [prep({ counter: 3 })], { fullState: true, healthy: false }));
    expect(all.flat().map((a) => a.type)).toEqual(Array(10).fill('occurrence'));
    expect(t.openFingerprints()).toEqual([FP]);
    expect(t.podFindingsUnder('Deployment/shop/checkout')).toBe(true);
  });

  it('says nothing new when the same state is evaluated again (relist, resync)', () => {
    const t = new Tracker();
    t.observe('Pod/shop/p0', [prep({ counter: 3 })], { fullState: true, healthy: false });
    expect(t.observe('Pod/shop/p0', [prep({ counter: 3 })], { fullState: true, healthy: false })).toEqual([]);
  });

  it('counts every further restart as an occurrence', () => {
    const t = new Tracker();
    t.observe('Pod/shop/p0', [prep({ counter: 3 })], { fullState: true, healthy: false });
    expect(counts(t.observe('Pod/shop/p0', [prep({ counter: 6 })], { fullState: true, healthy: false }))).toEqual([3]);
  });

  it('keeps a crash-looping pod open between two crashes, when it runs but is not Ready', () => {
    const t = new Tracker();
    t.observe('Pod/shop/p0', [prep({ counter: 3 })], { fullState: true, healthy: false });
    expect(t.observe('Pod/shop/p0', [], { fullState: true, healthy: false })).toEqual([]);
    expect(t.openFingerprints()).toEqual([FP]);
  });

  it('reports recovery once the last affected pod is Ready, not before', () => {
    const t = new Tracker();
    t.observe('Pod/shop/p0', [prep({ counter: 3 })], { fullState: true, healthy: false });
    t.observe('Pod/shop/p1', [prep({ counter: 3 })], { fullState: true, healthy: false });
    expect(t.observe('Pod/shop/p0', [], { fullState: true, healthy: true })).toEqual([]);
    expect(counts(t.observe('Pod/shop/p1', [], { fullState: true, healthy: true, why: 'is Ready' }))).toEqual([`recovered:${FP}`]);
    expect(t.openFingerprints()).toEqual([]);
    expect(t.podFindingsUnder('Deployment/shop/checkout')).toBe(false);
  });

  it('reports recovery when the last affected object is deleted, and forgets its history', () => {
    const t = new Tracker();
    t.observe('Pod/shop/p0', [prep({ counter: 3 })], { fullState: true, healthy: false });
    expect(counts(t.remove('Pod/shop/p0'))).toEqual([`recovered:${FP}`]);
    // A StatefulSet pod comes back under the same name: its crash loop is news again.
    expect(counts(t.observe('Pod/shop/p0', [prep({ counter: 1 })], { fullState: true, healthy: false }))).toEqual([1]);
  });

  it('does not report a single OOM kill again after the pod came back Ready', () => {
    const t = new Tracker();
    const oom = prep({ counter: 1, source: 'container:app' });
    expect(counts(t.observe('Pod/shop/p0', [oom], { fullState: true, healthy: true }))).toEqual([1, `recovered:${FP}`]);
    expect(t.observe('Pod/shop/p0', [oom], { fullState: true, healthy: true })).toEqual([]);
    expect(counts(t.observe('Pod/shop/p0', [prep({ counter: 2 })], { fullState: true, healthy: false }))).toEqual([1]);
  });

  it('clears state findings as soon as the detector stops reporting them', () => {
    const t = new Tracker();
    const notReady = prep({ fp: 'node-n1-nodenotready', mode: 'state', source: 'condition:Ready', owner: 'Node//n1' });
    t.observe('Node//n1', [notReady], { fullState: true });
    expect(counts(t.observe('Node//n1', [], { fullState: true }))).toEqual(['recovered:node-n1-nodenotready']);
  });

  it('reports one-off facts once and never tracks them for recovery', () => {
    const t = new Tracker();
    const evicted = prep({ fp: 'deployment-shop-checkout-evicted', mode: 'once', source: 'evicted:u1' });
    expect(counts(t.observe('Pod/shop/p0', [evicted], { fullState: true }))).toEqual([1]);
    expect(t.observe('Pod/shop/p0', [evicted], { fullState: true })).toEqual([]);
    expect(t.openFingerprints()).toEqual([]);
  });

  it('adds event findings to a pod without dropping its state findings, and clears both when it is Ready', () => {
    const t = new Tracker();
    const probe = prep({ fp: 'deployment-shop-checkout-readinessprobefailed', source: 'event:e1', counter: 3 });
    expect(counts(t.observe('Pod/shop/p0', [probe], { fullState: false, healthy: false }))).toEqual([1]);
    expect(counts(t.observe('Pod/shop/p0', [{ ...probe, counter: 5 }], { fullState: false, healthy: false }))).toEqual([2]);
    expect(t.observe('Pod/shop/p0', [], { fullState: true, healthy: false })).toEqual([]);
    expect(counts(t.observe('Pod/shop/p0', [], { fullState: true, healthy: true }))).toEqual(['recovered:deployment-shop-checkout-readinessprobefailed']);
  });
});
