import { activeOccurrence, CronError, dayMatches, latestStartAtOrBefore, parseCron } from '../../../../workflows/policy/recurrence';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
/** The occurrence open at `when` as ISO strings, for readable expectations. */
function open(cron: string, timezone: string, duration: number, when: string) {
  const o = activeOccurrence({ cron: parseCron(cron), durationMs: duration, timezone }, at(when));
  return o && { start: iso(o.startMs), end: iso(o.endMs) };
}
/** Local days since 1970-01-01 of a calendar date. */
const day = (date: string) => at(`${date}T00:00:00Z`) / 86_400_000;

describe('the cron parser', () => {
  it('reads numbers, names in any case, ranges, lists and steps', () => {
    const c = parseCron(' 5/20  2-4,22  1,15  jan-Mar,DEC  mon-FRI ');
    expect(c.minutes).toEqual([5, 25, 45]);
    expect(c.hours).toEqual([2, 3, 4, 22]);
    expect([...c.daysOfMonth].sort((a, b) => a - b)).toEqual([1, 15]);
    expect([...c.months].sort((a, b) => a - b)).toEqual([1, 2, 3, 12]);
    expect([...c.weekdays].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(c.text).toBe('5/20 2-4,22 1,15 jan-Mar,DEC mon-FRI');
    expect(parseCron('*/15 0-6/3 * * *')).toMatchObject({ minutes: [0, 15, 30, 45], hours: [0, 3, 6], dayOfMonthStar: true, dayOfWeekStar: true });
  });

  it('reads Sunday as 0, 7 or SUN alike', () => {
    for (const sunday of ['0', '7', 'SUN', 'sun', '6-7']) expect(parseCron(`0 2 * * ${sunday}`).weekdays.has(0)).toBe(true);
    expect([...parseCron('0 2 * * 5-7').weekdays].sort()).toEqual([0, 5, 6]);
    expect(parseCron('0 2 * * 7').weekdays.has(7)).toBe(false);
  });

  it.each([
    ['0 2 * * 8', 'day-of-week 8 is out of range 0-7 (SUN-SAT)'],
    ['60 2 * * *', 'minute 60 is out of range 0-59'],
    ['0 24 * * *', 'hour 24 is out of range 0-23'],
    ['0 2 0 * *', 'day-of-month 0 is out of range 1-31'],
    ['0 2 * 13 *', 'month 13 is out of range 1-12 (JAN-DEC)'],
    ['0 2 * * SUNDAY', 'day-of-week "SUNDAY" is not a number or a name (SUN-SAT)'],
    ['MON 2 * * *', 'minute "MON" is not a number'],
    ['*/0 2 * * *', 'minute step "0" must be a whole number of at least 1'],
    ['0 22-2 * * *', 'hour range 22-2 goes backwards; split it in two, e.g. "22-23,0-2"'],
    ['0 2 * * FRI-MON', 'day-of-week range FRI-MON goes backwards; split it in two, e.g. "FRI-SAT,SUN-MON"'],
    ['0 2 1,,15 * *', 'day-of-month has an empty entry'],
    ['0 2 * *', 'expected 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * SUN", got 4'],
    ['0 0 2 * * SUN', 'got 6 (seconds and years are not supported)'],
    ['@weekly', 'shortcuts like @weekly are not supported'],
    ['0 2 30,31 FEB *', 'day-of-month 30,31 never occurs in FEB, so the window would never open'],
  ])('refuses "%s" saying what is wrong: %s', (text, message) => {
    expect(() => parseCron(text)).toThrow(CronError);
    expect(() => parseCron(text)).toThrow(message);
  });

  it('accepts February 29 and a day-of-month impossible in a month when a weekday may match instead', () => {
    expect(() => parseCron('0 0 29 2 *')).not.toThrow();
    expect(() => parseCron('0 0 31 FEB MON')).not.toThrow();
  });
});

describe('which days a cron runs on', () => {
  it('matches either day field when both are restricted, both when one starts with * (as Vixie cron)', () => {
    const either = parseCron('0 0 1 * MON');
    expect(dayMatches(either, day('2026-12-01'))).toBe(true); // a Tuesday, the 1st
    expect(dayMatches(either, day('2026-12-07'))).toBe(true); // a Monday
    expect(dayMatches(either, day('2026-12-08'))).toBe(false);
    const both = parseCron('0 0 */2 * MON');
    expect(dayMatches(both, day('2026-12-07'))).toBe(true); // Monday the 7th (odd)
    expect(dayMatches(both, day('2026-12-14'))).toBe(false); // Monday the 14th (even)
    expect(dayMatches(both, day('2026-12-09'))).toBe(false);
  });
});

describe('the occurrence open at an instant', () => {
  const sunday = '0 2 * * SUN';

  it('opens a weekly Sunday 02:00-04:00 Berlin window in winter (CET) and summer (CEST)', () => {
    expect(open(sunday, 'Europe/Berlin', 2 * H, '2026-12-06T01:30:00Z')).toEqual({ start: '2026-12-06T01:00:00.000Z', end: '2026-12-06T03:00:00.000Z' });
    expect(open(sunday, 'Europe/Berlin', 2 * H, '2026-12-06T00:59:59Z')).toBeUndefined();
    expect(open(sunday, 'Europe/Berlin', 2 * H, '2026-12-06T03:00:00Z')).toBeUndefined();
    expect(open(sunday, 'Europe/Berlin', 2 * H, '2026-07-05T00:00:00Z')).toEqual({ start: '2026-07-05T00:00:00.000Z', end: '2026-07-05T02:00:00.000Z' });
    expect(open(sunday, 'Europe/Berlin', 2 * H, '2026-07-08T00:00:00Z')).toBeUndefined(); // a Wednesday
  });

  it('starts at the next valid minute when the start time does not exist (Berlin spring forward)', () => {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:00 never shows.
    expect(open(sunday, 'Europe/Berlin', 2 * H, '2026-03-29T00:59:00Z')).toBeUndefined();
    expect(open(sunday, 'Europe/Berlin', 2 * H, '2026-03-29T01:00:00Z')).toEqual({ start: '2026-03-29T01:00:00.000Z', end: '2026-03-29T03:00:00.000Z' });
    expect(open('30 2 * * *', 'Europe/Berlin', 30 * 60_000, '2026-03-29T01:10:00Z')).toEqual({ start: '2026-03-29T01:00:00.000Z', end: '2026-03-29T01:30:00.000Z' });
  });

  it('starts a repeated local time only the first time it shows (Berlin fall back)', () => {
    // 2026-10-25: 02:30 shows at 00:30Z (CEST) and again at 01:30Z (CET).
    expect(open('30 2 * * SUN', 'Europe/Berlin', 2 * H, '2026-10-25T01:45:00Z')).toEqual({ start: '2026-10-25T00:30:00.000Z', end: '2026-10-25T02:30:00.000Z' });
    expect(open('30 2 * * SUN', 'Europe/Berlin', 30 * 60_000, '2026-10-25T01:40:00Z')).toBeUndefined();
  });

  it('handles New York spring forward and fall back the same way', () => {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z). 2026-11-01: 01:59 EDT falls back to 01:00 EST (06:00Z).
    expect(open('30 2 * * *', 'America/New_York', H, '2026-03-08T07:20:00Z')).toEqual({ start: '2026-03-08T07:00:00.000Z', end: '2026-03-08T08:00:00.000Z' });
    expect(open('30 2 * * *', 'America/New_York', H, '2026-03-09T06:45:00Z')).toEqual({ start: '2026-03-09T06:30:00.000Z', end: '2026-03-09T07:30:00.000Z' });
    expect(open('30 1 * * *', 'America/New_York', 2 * H, '2026-11-01T06:40:00Z')).toEqual({ start: '2026-11-01T05:30:00.000Z', end: '2026-11-01T07:30:00.000Z' });
    expect(open('30 1 * * *', 'America/New_York', 30 * 60_000, '2026-11-01T06:40:00Z')).toBeUndefined();
  });

  it('keeps the duration as elapsed time across a DST change inside the window', () => {
    // Saturday 23:00 CET + 4h ends at 04:00 CEST, after the clocks jumped.
    expect(open('0 23 * * SAT', 'Europe/Berlin', 4 * H, '2026-03-29T01:30:00Z')).toEqual({ start: '2026-03-28T22:00:00.000Z', end: '2026-03-29T02:00:00.000Z' });
  });

  it('skips months without the day, finds February 29 in leap years and crosses month ends', () => {
    expect(open('0 0 31 * *', 'UTC', 24 * H, '2026-03-31T12:00:00Z')).toEqual({ start: '2026-03-31T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' });
    expect(iso(latestStartAtOrBefore(parseCron('0 0 31 * *'), 'UTC', at('2026-05-15T00:00:00Z'), 62 * 24 * H))).toBe('2026-03-31T00:00:00.000Z');
    expect(open('0 0 29 2 *', 'UTC', 24 * H, '2028-02-29T05:00:00Z')).toEqual({ start: '2028-02-29T00:00:00.000Z', end: '2028-03-01T00:00:00.000Z' });
    expect(open('0 0 29 2 *', 'UTC', 24 * H, '2027-03-01T05:00:00Z')).toBeUndefined();
    expect(open('0 23 28-31 * *', 'UTC', 2 * H, '2026-03-01T00:30:00Z')).toEqual({ start: '2026-02-28T23:00:00.000Z', end: '2026-03-01T01:00:00.000Z' });
    expect(open('0 23 28-31 * *', 'UTC', 2 * H, '2026-12-31T23:30:00Z')).toEqual({ start: '2026-12-31T23:00:00.000Z', end: '2027-01-01T01:00:00.000Z' });
  });

  it('answers the same occurrence for Sunday written as 0 or 7', () => {
    for (const when of ['2026-12-06T01:30:00Z', '2026-03-29T01:30:00Z', '2026-12-05T01:30:00Z']) {
      expect(open('0 2 * * 7', 'Europe/Berlin', 2 * H, when)).toEqual(open('0 2 * * 0', 'Europe/Berlin', 2 * H, when));
    }
    expect(open('0 2 * * 7', 'Europe/Berlin', 2 * H, '2026-12-06T01:30:00Z')).toBeDefined();
  });

  it('takes the latest start when occurrences overlap (duration longer than the period)', () => {
    expect(open('0 * * * *', 'UTC', 90 * 60_000, '2026-12-06T10:20:00Z')).toEqual({ start: '2026-12-06T10:00:00.000Z', end: '2026-12-06T11:30:00.000Z' });
  });
});
