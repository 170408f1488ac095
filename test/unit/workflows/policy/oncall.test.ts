import { localTimeAt, localToInstant, onCallAt, parseDay, whoIsOnCall } from '../../../../workflows/policy';
import { at, schedule } from './fixtures';

const daily = (timezone: string, start: string, handoffTime = '09:00') =>
  schedule({
    id: 'daily',
    timezone,
    layers: [{ rotation: 'daily', handoffTime, start, participants: ['alice', 'bob', 'carol'] }],
  });

describe('daily rotation', () => {
  const s = daily('Europe/Berlin', '2026-01-05');

  it('has nobody on call before the first shift starts', () => {
    expect(onCallAt(s, at('2026-01-04T12:00:00+01:00'))).toBeUndefined();
    expect(onCallAt(s, at('2026-01-05T08:59:59.999+01:00'))).toBeUndefined();
  });

  it('starts with the first participant at the handoff time on the start date', () => {
    expect(onCallAt(s, at('2026-01-05T09:00:00+01:00'))).toBe('alice');
  });

  it('hands the shift over exactly at the handoff time, not a millisecond earlier', () => {
    expect(onCallAt(s, at('2026-01-06T08:59:59.999+01:00'))).toBe('alice');
    expect(onCallAt(s, at('2026-01-06T09:00:00+01:00'))).toBe('bob');
  });

  it('keeps the overnight part of a shift with the person who started it', () => {
    expect(onCallAt(s, at('2026-01-06T23:30:00+01:00'))).toBe('bob');
    expect(onCallAt(s, at('2026-01-07T03:00:00+01:00'))).toBe('bob');
  });

  it('cycles back to the first participant after the last one', () => {
    expect(onCallAt(s, at('2026-01-07T09:00:00+01:00'))).toBe('carol');
    expect(onCallAt(s, at('2026-01-08T09:00:00+01:00'))).toBe('alice');
    // 100 days after the start: 100 % 3 = 1.
    expect(onCallAt(s, at('2026-04-15T10:00:00+02:00'))).toBe('bob');
  });
});

describe('daily rotation on DST change days', () => {
  it('hands the daily shift over at 09:00 local time on the spring-forward day in Berlin', () => {
    const s = daily('Europe/Berlin', '2026-03-27');
    expect(onCallAt(s, at('2026-03-28T09:00:00+01:00'))).toBe('bob');
    expect(onCallAt(s, at('2026-03-29T08:59:00+02:00'))).toBe('bob');
    expect(onCallAt(s, at('2026-03-29T09:00:00+02:00'))).toBe('carol');
    expect(onCallAt(s, at('2026-03-30T09:00:00+02:00'))).toBe('alice');
  });

  it('hands the daily shift over at 09:00 local time on the fall-back day in Berlin', () => {
    const s = daily('Europe/Berlin', '2026-10-23');
    expect(onCallAt(s, at('2026-10-25T08:59:00+01:00'))).toBe('bob');
    expect(onCallAt(s, at('2026-10-25T09:00:00+01:00'))).toBe('carol');
    expect(onCallAt(s, at('2026-10-26T08:59:00+01:00'))).toBe('carol');
    expect(onCallAt(s, at('2026-10-26T09:00:00+01:00'))).toBe('alice');
  });

  it('hands the daily shift over at 09:00 local time on the spring-forward day in New York', () => {
    const s = daily('America/New_York', '2026-03-06');
    expect(onCallAt(s, at('2026-03-08T08:59:00-04:00'))).toBe('bob');
    expect(onCallAt(s, at('2026-03-08T09:00:00-04:00'))).toBe('carol');
  });

  it('hands the daily shift over at 09:00 local time on the fall-back day in New York', () => {
    const s = daily('America/New_York', '2026-10-30');
    expect(onCallAt(s, at('2026-11-01T08:59:00-05:00'))).toBe('bob');
    expect(onCallAt(s, at('2026-11-01T09:00:00-05:00'))).toBe('carol');
  });

  it('hands over when the clock jumps past a handoff time that does not exist on the spring-forward day', () => {
    const s = daily('Europe/Berlin', '2026-03-27', '02:30');
    // 02:00 CET jumps to 03:00 CEST at 01:00Z; 02:30 never shows on the wall clock that night.
    expect(onCallAt(s, at('2026-03-29T01:59:00+01:00'))).toBe('bob');
    expect(onCallAt(s, at('2026-03-29T03:00:00+02:00'))).toBe('carol');
  });

  it('hands over once at the first 02:30 on the fall-back day and does not switch back in the repeated hour', () => {
    const s = daily('America/New_York', '2026-10-30', '01:30');
    // New York shows 01:00-02:00 twice on 2026-11-01: first in EDT (-04:00), then in EST (-05:00).
    expect(onCallAt(s, at('2026-11-01T01:29:00-04:00'))).toBe('bob');
    expect(onCallAt(s, at('2026-11-01T01:30:00-04:00'))).toBe('carol');
    expect(onCallAt(s, at('2026-11-01T01:15:00-05:00'))).toBe('carol');
    expect(onCallAt(s, at('2026-11-01T01:45:00-05:00'))).toBe('carol');
  });
});

describe('weekly rotation', () => {
  const s = schedule({
    id: 'weekly',
    timezone: 'Europe/Berlin',
    // 2026-01-01 is a Thursday: the first shift starts on Monday 2026-01-05 at 09:00.
    layers: [{ rotation: 'weekly', handoffDay: 'mon', handoffTime: '09:00', start: '2026-01-01', participants: ['alice', 'bob'] }],
  });

  it('has nobody on call before the first handoff day on or after the start date', () => {
    expect(onCallAt(s, at('2026-01-02T12:00:00+01:00'))).toBeUndefined();
    expect(onCallAt(s, at('2026-01-05T08:59:59.999+01:00'))).toBeUndefined();
  });

  it('starts the first weekly shift on the first handoff day at the handoff time', () => {
    expect(onCallAt(s, at('2026-01-05T09:00:00+01:00'))).toBe('alice');
    expect(onCallAt(s, at('2026-01-11T23:59:00+01:00'))).toBe('alice');
  });

  it('hands the weekly shift over on the handoff day exactly at the handoff time', () => {
    expect(onCallAt(s, at('2026-01-12T08:59:59.999+01:00'))).toBe('alice');
    expect(onCallAt(s, at('2026-01-12T09:00:00+01:00'))).toBe('bob');
    expect(onCallAt(s, at('2026-01-19T09:00:00+01:00'))).toBe('alice');
  });

  it('hands a Sunday weekly shift over at 09:00 local time on the Berlin spring-forward Sunday', () => {
    const sunday = schedule({
      id: 'sunday',
      timezone: 'Europe/Berlin',
      // 2026-03-01 is a Sunday, so the first shift starts on the start date itself.
      layers: [{ rotation: 'weekly', handoffDay: 'sun', start: '2026-03-01', participants: ['alice', 'bob', 'carol'] }],
    });
    expect(onCallAt(sunday, at('2026-03-01T09:00:00+01:00'))).toBe('alice');
    expect(onCallAt(sunday, at('2026-03-29T08:59:00+02:00'))).toBe('alice'); // shift of 03-22 (index 3)
    expect(onCallAt(sunday, at('2026-03-29T09:00:00+02:00'))).toBe('bob');
  });
});

describe('restricted layers', () => {
  // The shipped example's shape: business hours first, an off-hours layer catching the rest.
  const s = schedule({
    id: 'primary',
    timezone: 'Europe/Berlin',
    layers: [
      {
        name: 'business-hours',
        rotation: 'weekly',
        start: '2026-01-05',
        participants: ['alice', 'bob'],
        restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }],
      },
      { name: 'off-hours', rotation: 'daily', handoffTime: '18:00', start: '2026-01-05', participants: ['carol', 'dave'] },
    ],
  });

  it('uses the business-hours layer inside its window', () => {
    expect(whoIsOnCall(s, at('2026-01-06T09:00:00+01:00'))).toEqual({ personId: 'alice', source: 'business-hours' });
    expect(onCallAt(s, at('2026-01-06T17:59:59.999+01:00'))).toBe('alice');
    expect(onCallAt(s, at('2026-01-12T09:00:00+01:00'))).toBe('bob');
  });

  it('falls through to the off-hours layer outside business hours and at weekends', () => {
    expect(whoIsOnCall(s, at('2026-01-06T18:00:00+01:00'))).toEqual({ personId: 'dave', source: 'off-hours' });
    expect(onCallAt(s, at('2026-01-07T08:59:00+01:00'))).toBe('dave');
    // Saturday noon belongs to the off-hours shift that began Friday 18:00 (index 4).
    expect(onCallAt(s, at('2026-01-10T12:00:00+01:00'))).toBe('carol');
  });

  it('falls through to the next layer while a covering layer has not started yet', () => {
    const later = schedule({
      id: 'later',
      timezone: 'Europe/Berlin',
      layers: [
        { rotation: 'daily', start: '2026-02-01', participants: ['alice'] },
        { rotation: 'daily', start: '2026-01-01', participants: ['bob'] },
      ],
    });
    expect(whoIsOnCall(later, at('2026-01-20T12:00:00+01:00'))).toEqual({ personId: 'bob', source: 'layers[1]' });
    expect(onCallAt(later, at('2026-02-01T09:00:00+01:00'))).toBe('alice');
  });

  it('covers a window that crosses midnight from the day it starts until the next morning', () => {
    const weekendNight = schedule({
      id: 'night',
      timezone: 'America/New_York',
      layers: [
        { rotation: 'daily', start: '2026-01-01', participants: ['alice'], restrictions: [{ days: ['fri'], from: '18:00', to: '09:00' }] },
        { rotation: 'daily', start: '2026-01-01', participants: ['bob'] },
      ],
    });
    // Friday 2026-01-09 18:00 until Saturday 09:00 local.
    expect(onCallAt(weekendNight, at('2026-01-09T17:59:00-05:00'))).toBe('bob');
    expect(onCallAt(weekendNight, at('2026-01-09T18:00:00-05:00'))).toBe('alice');
    expect(onCallAt(weekendNight, at('2026-01-10T08:59:00-05:00'))).toBe('alice');
    expect(onCallAt(weekendNight, at('2026-01-10T09:00:00-05:00'))).toBe('bob');
    // Saturday evening is not in the window: only Friday starts one.
    expect(onCallAt(weekendNight, at('2026-01-10T20:00:00-05:00'))).toBe('bob');
    // Thursday night is not either, even though Friday's early hours are before "to".
    expect(onCallAt(weekendNight, at('2026-01-09T03:00:00-05:00'))).toBe('bob');
  });

  it('treats a window whose end equals its start as a full day from that time', () => {
    const mondays = schedule({
      id: 'mondays',
      timezone: 'UTC',
      layers: [
        { rotation: 'daily', start: '2026-01-01', participants: ['alice'], restrictions: [{ days: ['mon'], from: '09:00', to: '09:00' }] },
        { rotation: 'daily', start: '2026-01-01', participants: ['bob'] },
      ],
    });
    expect(onCallAt(mondays, at('2026-01-05T08:59:00Z'))).toBe('bob');
    expect(onCallAt(mondays, at('2026-01-05T09:00:00Z'))).toBe('alice');
    expect(onCallAt(mondays, at('2026-01-06T08:59:00Z'))).toBe('alice');
    expect(onCallAt(mondays, at('2026-01-06T09:00:00Z'))).toBe('bob');
  });

  it('reads restriction windows in the schedule time zone across the DST change', () => {
    // 09:00-18:00 Berlin is 08:00Z before 2026-03-29 and 07:00Z after it.
    expect(whoIsOnCall(s, at('2026-03-27T07:30:00Z'))).toEqual({ personId: 'carol', source: 'off-hours' });
    expect(whoIsOnCall(s, at('2026-03-30T06:59:00Z'))).toEqual({ personId: 'dave', source: 'off-hours' });
    expect(whoIsOnCall(s, at('2026-03-30T07:00:00Z'))).toEqual({ personId: 'alice', source: 'business-hours' });
  });

  it('returns undefined when no layer covers the instant', () => {
    const gaps = schedule({
      id: 'gaps',
      timezone: 'UTC',
      layers: [{ rotation: 'daily', start: '2026-01-01', participants: ['alice'], restrictions: [{ days: ['mon'], from: '09:00', to: '17:00' }] }],
    });
    expect(onCallAt(gaps, at('2026-01-06T10:00:00Z'))).toBeUndefined();
  });
});

describe('overrides', () => {
  const s = schedule({
    id: 'primary',
    timezone: 'Europe/Berlin',
    layers: [{ rotation: 'daily', start: '2026-01-05', participants: ['alice'] }],
    overrides: [
      { person: 'carol', from: '2026-01-06T12:00:00+01:00', to: '2026-01-06T14:00:00+01:00' },
      { person: 'dave', from: '2026-01-06T13:00:00+01:00', to: '2026-01-06T15:00:00+01:00' },
      { person: 'bob', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
    ],
  });

  it('puts the override person on call from its start', () => {
    expect(onCallAt(s, at('2026-01-06T11:59:59.999+01:00'))).toBe('alice');
    expect(whoIsOnCall(s, at('2026-01-06T12:00:00+01:00'))).toEqual({ personId: 'carol', source: 'override' });
  });

  it('lets a later override in the list win over an earlier overlapping one', () => {
    expect(onCallAt(s, at('2026-01-06T13:30:00+01:00'))).toBe('dave');
  });

  it('ends an override exactly at its "to" time', () => {
    expect(onCallAt(s, at('2026-01-06T14:59:59.999+01:00'))).toBe('dave');
    expect(onCallAt(s, at('2026-01-06T15:00:00+01:00'))).toBe('alice');
  });

  it('applies an override even before the rotation starts', () => {
    expect(onCallAt(s, at('2026-01-01T12:00:00Z'))).toBe('bob');
  });
});

describe('local time helpers', () => {
  it('reads the local calendar day and minute of day in the zone', () => {
    expect(localTimeAt(at('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toEqual({ day: parseDay('2026-03-29'), minutes: 3 * 60 + 30 });
    expect(localTimeAt(at('2026-01-01T03:00:00Z'), 'America/New_York')).toEqual({ day: parseDay('2025-12-31'), minutes: 22 * 60 });
  });

  it('maps a local time skipped by spring-forward to the moment the clock jumps', () => {
    expect(localToInstant(parseDay('2026-03-29'), 2 * 60 + 30, 'Europe/Berlin')).toBe(at('2026-03-29T01:00:00Z'));
    expect(localToInstant(parseDay('2026-03-08'), 2 * 60 + 30, 'America/New_York')).toBe(at('2026-03-08T07:00:00Z'));
  });

  it('maps a local time repeated by fall-back to its first occurrence', () => {
    expect(localToInstant(parseDay('2026-10-25'), 2 * 60 + 30, 'Europe/Berlin')).toBe(at('2026-10-25T00:30:00Z'));
    expect(localToInstant(parseDay('2026-11-01'), 90, 'America/New_York')).toBe(at('2026-11-01T05:30:00Z'));
  });
});
