// Property tests of recurring maintenance windows (workflows/policy/recurrence.ts): the parser reads
// any cron people may write as the values it means; in UTC the open occurrence is exactly what a
// minute-by-minute scan finds; in zones with DST changes (Berlin, New York, Lord Howe's half hour,
// São Paulo's midnight changes) every answer starts at a time the cron names (or at the clock jump
// that skipped it), no later start is missed, and every instant of an occurrence answers the same.
import fc from 'fast-check';
import { activeOccurrence, CronError, parseCron, type Cron } from '../../../../workflows/policy/recurrence';
import { localTimeAt, localToInstant } from '../../../../workflows/policy/oncall';
import { assertProperty } from '../../../helpers/property';

const MIN = 60_000;
const DAY = 86_400_000;

interface FieldSpec {
  min: number;
  max: number;
  names?: string[];
}
const MINUTE: FieldSpec = { min: 0, max: 59 };
const HOUR: FieldSpec = { min: 0, max: 23 };
const DOM: FieldSpec = { min: 1, max: 31 };
const MONTH: FieldSpec = { min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] };
const DOW: FieldSpec = { min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] };

/** One comma-separated part as text, with the values it means (worked out here, not by the parser). */
function partArb(f: FieldSpec): fc.Arbitrary<{ text: string; values: number[] }> {
  const v = fc.integer({ min: f.min, max: f.max });
  const step = fc.option(fc.integer({ min: 1, max: f.max - f.min + 2 }), { nil: undefined });
  const named = fc.boolean();
  const show = (n: number, name: boolean) => (name && f.names?.[n - f.min] ? f.names[n - f.min]! : String(n));
  const span = (a: number, b: number, s = 1) => Array.from({ length: Math.floor((b - a) / s) + 1 }, (_, i) => a + i * s);
  return fc.oneof(
    step.map((s) => ({ text: s ? `*/${s}` : '*', values: span(f.min, f.max, s) })),
    fc.tuple(v, named, step).map(([a, n, s]) => ({ text: `${show(a, n)}${s ? `/${s}` : ''}`, values: s ? span(a, f.max, s) : [a] })),
    fc.tuple(v, v, named, step).map(([x, y, n, s]) => {
      const [a, b] = x <= y ? [x, y] : [y, x];
      return { text: `${show(a, n)}-${show(b, n)}${s ? `/${s}` : ''}`, values: span(a, b, s) };
    }),
  );
}
const fieldArb = (f: FieldSpec, maxParts = 3) =>
  fc.array(partArb(f), { minLength: 1, maxLength: maxParts }).map((parts) => ({ text: parts.map((p) => p.text).join(','), values: new Set(parts.flatMap((p) => p.values)) }));
/** Mostly `*` for the calendar fields, so occurrences come often enough to be found. */
const maybeStar = (f: FieldSpec, starWeight: number) => fc.oneof({ weight: starWeight, arbitrary: fc.constant({ text: '*', values: new Set<number>() }) }, { weight: 1, arbitrary: fieldArb(f, 2) });

const cronArb = fc
  .tuple(fieldArb(MINUTE), fieldArb(HOUR), maybeStar(DOM, 3), maybeStar(MONTH, 4), maybeStar(DOW, 2))
  .map((fields) => fields.map((f) => f.text).join(' '))
  .filter((text) => {
    try {
      parseCron(text);
      return true;
    } catch (err) {
      if (err instanceof CronError) return false; // e.g. "30 FEB": refused, tested in recurrence.test.ts
      throw err;
    }
  });

/** Whether the cron names this wall-clock minute (Vixie day rule), read from UTC fields of a wall time. */
function wallMatches(cron: Cron, wallMs: number): boolean {
  const d = new Date(wallMs);
  if (!cron.minutes.includes(d.getUTCMinutes()) || !cron.hours.includes(d.getUTCHours()) || !cron.months.has(d.getUTCMonth() + 1)) return false;
  const byDom = cron.daysOfMonth.has(d.getUTCDate());
  const byDow = cron.weekdays.has(d.getUTCDay());
  return cron.dayOfMonthStar || cron.dayOfWeekStar ? byDom && byDow : byDom || byDow;
}
const wallOf = (atMs: number, tz: string) => {
  const l = localTimeAt(atMs, tz);
  return l.day * DAY + l.minutes * MIN;
};

/** Any millisecond, or (a third of them) a whole minute, where occurrences start and end. */
const instantArb = (fromYear: number, toYear: number) =>
  fc.tuple(fc.integer({ min: Date.UTC(fromYear, 0, 1), max: Date.UTC(toYear, 0, 1) }), fc.integer({ min: 0, max: 2 })).map(([t, k]) => (k === 0 ? Math.floor(t / MIN) * MIN : t));

const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Asia/Kolkata'];
/** The instants a zone's offset changes in 2015-2030 (a daily scan, then bisection to the minute). */
const transitionsOf = new Map<string, number[]>();
function transitions(tz: string): number[] {
  if (!transitionsOf.has(tz)) transitionsOf.set(tz, scanTransitions(tz));
  return transitionsOf.get(tz)!;
}
function scanTransitions(tz: string): number[] {
  const offset = (t: number) => wallOf(t, tz) - Math.floor(t / MIN) * MIN;
  const found: number[] = [];
  for (let t = Date.UTC(2015, 0, 1); t < Date.UTC(2031, 0, 1); t += DAY) {
    if (offset(t) === offset(t + DAY)) continue;
    let [lo, hi] = [t, t + DAY];
    while (hi - lo > MIN) {
      const mid = lo + Math.floor((hi - lo) / 2 / MIN) * MIN;
      if (offset(mid) === offset(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}
/** A zone and an instant, half of them within two days of one of its clock changes (random instants rarely are). */
const zoneAndInstant = fc.constantFrom(...ZONES).chain((tz) => {
  const changes = transitions(tz);
  const near = changes.length ? fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -2 * DAY, max: 2 * DAY })).map(([c, d]) => c + d) : instantArb(2015, 2031);
  return fc.tuple(fc.constant(tz), fc.oneof(instantArb(2015, 2031), near));
});

describe('recurrence properties', () => {
  it('parses every list, range, step and name into the values it means', () => {
    assertProperty(
      fc.property(fieldArb(MINUTE), fieldArb(HOUR), fieldArb(DOM), fieldArb(MONTH), fieldArb(DOW), (mi, h, dom, mo, dow) => {
        let cron: Cron;
        try {
          cron = parseCron([mi, h, dom, mo, dow].map((f) => f.text).join(' '));
        } catch (err) {
          // Only "this day never occurs in these months" may refuse a well-formed cron.
          expect(err).toBeInstanceOf(CronError);
          expect((err as Error).message).toMatch(/never occurs/);
          return;
        }
        const sorted = (s: Iterable<number>) => [...s].sort((a, b) => a - b);
        expect(cron.minutes).toEqual(sorted(mi.values));
        expect(cron.hours).toEqual(sorted(h.values));
        expect(sorted(cron.daysOfMonth)).toEqual(sorted(dom.values));
        expect(sorted(cron.months)).toEqual(sorted(mo.values));
        expect(sorted(cron.weekdays)).toEqual(sorted(new Set([...dow.values].map((d) => d % 7))));
      }),
    );
  });

  it('refuses malformed text only with a CronError', () => {
    const token = fc.stringMatching(/^[0-9*/,\-A-Za-z@]{0,6}$/);
    assertProperty(
      fc.property(fc.array(token, { minLength: 0, maxLength: 7 }), (tokens) => {
        try {
          parseCron(tokens.join(' '));
        } catch (err) {
          expect(err).toBeInstanceOf(CronError);
          expect((err as Error).message.length).toBeGreaterThan(10);
        }
      }),
    );
  });

  it('answers in UTC exactly the occurrence a minute-by-minute scan finds', () => {
    assertProperty(
      fc.property(cronArb, fc.integer({ min: 1, max: 3 * 24 * 60 }), instantArb(2024, 2031), (text, minutes, atMs) => {
        const cron = parseCron(text);
        const durationMs = minutes * MIN;
        let expected: { startMs: number; endMs: number } | undefined;
        for (let t = Math.floor(atMs / MIN) * MIN; t > atMs - durationMs; t -= MIN) {
          if (wallMatches(cron, t)) {
            expected = { startMs: t, endMs: t + durationMs };
            break;
          }
        }
        expect(activeOccurrence({ cron, durationMs, timezone: 'UTC' }, atMs)).toEqual(expected);
      }),
    );
  });

  it('starts only at a named local time or the clock jump that skipped it, misses no later start, and answers alike inside an occurrence', () => {
    assertProperty(
      fc.property(cronArb, zoneAndInstant, fc.integer({ min: 1, max: 26 * 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (text, [timezone, atMs], minutes, frac) => {
        const recurrence = { cron: parseCron(text), durationMs: minutes * MIN, timezone };
        const open = activeOccurrence(recurrence, atMs);
        // The latest minute in (at - duration, at] whose wall time the cron names, the first time that wall time shows.
        let named: number | undefined;
        for (let t = Math.floor(atMs / MIN) * MIN; t > atMs - recurrence.durationMs; t -= MIN) {
          const wall = wallOf(t, timezone);
          if (wallMatches(recurrence.cron, wall) && localToInstant(Math.floor(wall / DAY), (wall % DAY) / MIN, timezone) === t) {
            named = t;
            break;
          }
        }
        if (named !== undefined) expect(open?.startMs).toBeGreaterThanOrEqual(named);
        if (!open) return;
        expect(open.startMs).toBeLessThanOrEqual(atMs);
        expect(atMs).toBeLessThan(open.endMs);
        expect(open.endMs - open.startMs).toBe(recurrence.durationMs);
        const jumped = wallOf(open.startMs, timezone) - wallOf(open.startMs - 1, timezone) > MIN;
        if (!jumped) expect(open.startMs).toBe(named);
        const inside = open.startMs + Math.floor(frac * (atMs - open.startMs));
        expect(activeOccurrence(recurrence, inside)).toEqual(open);
      }),
    );
  });
});
