// One action per incident from a notification's alerts, and the bounded fan-out that sends them.
import { actionsFor, forEachBounded } from '../../../../intake/alertmanager/batch';
import type { MappedAlert } from '../../../../intake/alertmanager/map';
import type { Severity } from '../../../../workflows/definitions';
import { anomaly } from '../../../helpers/anomaly';

const fire = (fingerprint: string, severity: Severity = 'warning', reason = 'R'): MappedAlert => ({ status: 'firing', anomaly: anomaly({ cluster: 'c', fingerprint, severity, reason }) });
const resolve = (fingerprint: string): MappedAlert => ({ status: 'resolved', cluster: 'c', fingerprint, recovery: { observedAt: '2026-03-02T10:00:00.000Z', message: 'ok' } });

describe('actions for a notification', () => {
  it('is one occurrence per incident, counting its alerts and keeping the most severe one', () => {
    const actions = actionsFor([fire('a', 'warning', 'first'), fire('b'), fire('a', 'critical', 'worst'), fire('a', 'info', 'last')]);
    expect(actions.map((a) => a.incidentId)).toEqual(['incident/c/a', 'incident/c/b']);
    expect(actions[0]).toMatchObject({ type: 'occurrence', anomaly: { count: 3, severity: 'critical', reason: 'worst' } });
    expect(actions[1]).toMatchObject({ type: 'occurrence', anomaly: { count: 1 } });
  });

  it('recovers an incident only when none of its alerts still fires in the notification', () => {
    const actions = actionsFor([resolve('a'), fire('a'), resolve('b'), resolve('b'), fire('c'), resolve('c')]);
    expect(actions.map((a) => [a.incidentId, a.type])).toEqual([
      ['incident/c/a', 'occurrence'],
      ['incident/c/b', 'recovered'],
      ['incident/c/c', 'occurrence'],
    ]);
  });
});

describe('bounded fan-out', () => {
  it('never has more than the limit in flight and keeps the results in order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await forEachBounded(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 1 + (i % 4)));
        inFlight--;
        return i * 2;
      },
    );
    expect(most).toBe(3);
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('finishes every item, then rejects with the first failure', async () => {
    const done: number[] = [];
    const run = forEachBounded([1, 2, 3, 4], 2, async (i) => {
      if (i === 2) throw new Error('two failed');
      done.push(i);
    });
    await expect(run).rejects.toThrow('two failed');
    expect(done.sort()).toEqual([1, 3, 4]);
  });
});
