// The Alertmanager route's coalesced sends, with a recorder for Temporal and a fake clock: overlapping
// notifications of one incident share a signal, a recovery never overtakes an occurrence held
// before it, and every caller hears the outcome of the signal that carried its action.
import { jest } from '@jest/globals';
import { coalescedActions, mergeActions, type ActionOutcome } from '../../../../intake/alertmanager/send';
import type { IncidentAction } from '../../../../intake/alertmanager/batch';
import type { Severity } from '../../../../workflows/definitions';
import { anomaly } from '../../../helpers/anomaly';

const occurrence = (fingerprint: string, count = 1, severity: Severity = 'warning', reason = 'R'): IncidentAction => ({
  type: 'occurrence',
  incidentId: `incident/c/${fingerprint}`,
  anomaly: { ...anomaly({ cluster: 'c', fingerprint, severity, reason }), count },
});
const recovered = (fingerprint: string): IncidentAction => ({ type: 'recovered', incidentId: `incident/c/${fingerprint}`, cluster: 'c', fingerprint, recovery: { observedAt: '2026-03-02T10:00:00.000Z', message: 'ok' } });

/** A Temporal stand-in that records each signal and answers only when told to. */
function temporal() {
  const sent: string[] = [];
  let pending: (() => void)[] = [];
  let failNext = false;
  const send = coalescedActions(
    (a) =>
      new Promise<ActionOutcome>((ok, fail) => {
        sent.push(a.type === 'occurrence' ? `${a.incidentId} occurrence x${a.anomaly.count}` : `${a.incidentId} recovered`);
        pending.push(() => (failNext ? ((failNext = false), fail(new Error('temporal unavailable'))) : ok({ incidentId: a.incidentId, signal: a.type })));
      }),
    100,
  );
  const answer = () => {
    const p = pending;
    pending = [];
    for (const f of p) f();
  };
  return { send, sent, answer, failOnce: () => (failNext = true) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('coalesced Alertmanager actions', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('signals the first action of an incident at once and folds the notifications that overlap it into one signal', async () => {
    const t = temporal();
    const first = t.send(occurrence('a', 2));
    expect(t.sent).toEqual(['incident/c/a occurrence x2']);
    const overlapping = [t.send(occurrence('a', 3)), t.send(occurrence('a', 1)), t.send(occurrence('b'))];
    expect(t.sent).toEqual(['incident/c/a occurrence x2', 'incident/c/b occurrence x1']); // another incident is never held
    t.answer();
    await expect(first).resolves.toEqual({ incidentId: 'incident/c/a', signal: 'occurrence' });
    await jest.advanceTimersByTimeAsync(100);
    expect(t.sent).toEqual(['incident/c/a occurrence x2', 'incident/c/b occurrence x1', 'incident/c/a occurrence x4']);
    t.answer();
    expect(await Promise.all(overlapping)).toEqual([
      { incidentId: 'incident/c/a', signal: 'occurrence' },
      { incidentId: 'incident/c/a', signal: 'occurrence' },
      { incidentId: 'incident/c/b', signal: 'occurrence' },
    ]);
  });

  it('sends a recovery after the occurrences held before it, without waiting out the window, and never merges it', async () => {
    const t = temporal();
    void t.send(occurrence('a'));
    const held = t.send(occurrence('a', 5));
    const recovery = t.send(recovered('a'));
    const later = t.send(occurrence('a'));
    for (let i = 0; i < 4; i++) {
      t.answer();
      await tick();
    }
    expect(t.sent).toEqual(['incident/c/a occurrence x1', 'incident/c/a occurrence x5', 'incident/c/a recovered', 'incident/c/a occurrence x1']);
    await expect(held).resolves.toMatchObject({ signal: 'occurrence' });
    await expect(recovery).resolves.toMatchObject({ signal: 'recovered' });
    await expect(later).resolves.toMatchObject({ signal: 'occurrence' });
  });

  it('rejects every caller whose actions rode on a failed signal, so none is told its alerts were taken', async () => {
    const t = temporal();
    void t.send(occurrence('a'));
    const riders = [t.send(occurrence('a')), t.send(occurrence('a'))];
    t.answer();
    await jest.advanceTimersByTimeAsync(100);
    t.failOnce();
    t.answer();
    for (const r of riders) await expect(r).rejects.toThrow('temporal unavailable');
  });

  it('merges two occurrences into the newest sample with the worse severity and the summed count', () => {
    const merged = mergeActions(occurrence('a', 2, 'critical', 'old'), occurrence('a', 3, 'info', 'new'));
    expect(merged).toMatchObject({ type: 'occurrence', incidentId: 'incident/c/a', anomaly: { count: 5, severity: 'critical', reason: 'new' } });
    expect(mergeActions(occurrence('a'), recovered('a'))).toBeUndefined();
    expect(mergeActions(recovered('a'), occurrence('a'))).toBeUndefined();
    expect(mergeActions(occurrence('a', 999_999), occurrence('a', 2))).toBeUndefined(); // past the count limit: two signals
  });
});
