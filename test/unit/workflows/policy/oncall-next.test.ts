// Who comes next on a schedule (`/incident oncall`): the first later instant with another answer,
// found at handoffs, override edges and restriction edges, with DST and gaps.
import { onCallNowAndNext } from '../../../../workflows/policy';
import { at, schedule } from './fixtures';

describe('who is on call now and next', () => {
  const daily = schedule({ id: 'daily', timezone: 'Europe/Berlin', layers: [{ rotation: 'daily', handoffTime: '09:00', start: '2026-01-05', participants: ['alice', 'bob'] }] });

  it('names the current person and the next one at the next handoff', () => {
    const r = onCallNowAndNext(daily, at('2026-01-05T12:00:00+01:00'));
    expect(r.now).toMatchObject({ personId: 'alice' });
    expect(r.next).toMatchObject({ personId: 'bob', fromMs: at('2026-01-06T09:00:00+01:00') });
  });

  it('keeps the handoff at 09:00 local across the spring-forward night', () => {
    const r = onCallNowAndNext(daily, at('2026-03-28T12:00:00+01:00'));
    expect(r.next?.fromMs).toBe(at('2026-03-29T09:00:00+02:00'));
  });

  it('puts an override ahead of the rotation, and the rotation back after it', () => {
    const s = schedule({ ...daily, overrides: [{ person: 'carol', from: '2026-01-05T13:00:00+01:00', to: '2026-01-05T15:00:00+01:00' }] });
    expect(onCallNowAndNext(s, at('2026-01-05T12:00:00+01:00')).next).toMatchObject({ personId: 'carol', fromMs: at('2026-01-05T13:00:00+01:00') });
    const during = onCallNowAndNext(s, at('2026-01-05T14:00:00+01:00'));
    expect(during.now).toMatchObject({ personId: 'carol', source: 'override' });
    expect(during.next).toMatchObject({ personId: 'alice', fromMs: at('2026-01-05T15:00:00+01:00') });
  });

  it('reports a gap as "nobody" next, and who comes after it when asked during the gap', () => {
    const s = schedule({
      id: 'business',
      timezone: 'UTC',
      layers: [{ rotation: 'weekly', start: '2026-01-05', participants: ['alice'], restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] }],
    });
    const friday = onCallNowAndNext(s, at('2026-01-09T16:00:00Z'));
    expect(friday.next).toEqual({ personId: undefined, source: undefined, fromMs: at('2026-01-09T17:00:00Z') });
    const weekend = onCallNowAndNext(s, at('2026-01-10T12:00:00Z'));
    expect(weekend.now.personId).toBeUndefined();
    expect(weekend.next).toMatchObject({ personId: 'alice', fromMs: at('2026-01-12T09:00:00Z') });
  });

  it('has no next when one person covers the whole horizon', () => {
    const s = schedule({ id: 'solo', timezone: 'UTC', layers: [{ rotation: 'daily', start: '2026-01-01', participants: ['alice'] }] });
    expect(onCallNowAndNext(s, at('2026-02-01T00:00:00Z'))).toEqual({ now: { personId: 'alice', source: 'layers[0]', fromMs: at('2026-02-01T00:00:00Z') } });
  });
});
