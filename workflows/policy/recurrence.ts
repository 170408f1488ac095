// Recurring maintenance windows: a 5-field cron parser and "the latest start at or before t".
// Pure and deterministic: time comes in, wall-clock math goes through oncall.ts's Intl helpers (the
// routing lookup that calls this is a recorded local activity, so replay never re-evaluates it).
//
// Written here rather than taken from npm: the config needs errors that name the field and its
// range, and the DST rule must be the one the on-call schedules already use (localToInstant: a
// skipped local time starts at the next valid minute, a repeated one at its first occurrence).
import { localTimeAt, localToInstant } from './oncall';

const DAY = 86_400_000;

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

export interface Cron {
  /** The expression as written. */
  text: string;
  /** Ascending. */
  minutes: number[];
  /** Ascending. */
  hours: number[];
  daysOfMonth: Set<number>;
  months: Set<number>;
  /** 0 = Sunday ... 6 = Saturday (7 is read as 0). */
  weekdays: Set<number>;
  /** Vixie cron: when both day fields are restricted (neither starts with `*`), a day matching either matches. */
  dayOfMonthStar: boolean;
  dayOfWeekStar: boolean;
}

export interface Recurrence {
  cron: Cron;
  durationMs: number;
  /** IANA zone the cron fields are read in. */
  timezone: string;
}

interface Field {
  name: string;
  min: number;
  max: number;
  /** Names for the values from `min` on (JAN = 1, SUN = 0). */
  names?: string[];
  label?: string;
}

const FIELDS: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], label: 'JAN-DEC' },
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], label: 'SUN-SAT' },
];
const MONTH_NAMES = FIELDS[3]!.names!;
/** The longest each month gets (February 29 in leap years). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function value(field: Field, token: string): number {
  let n: number;
  if (/^\d+$/.test(token)) n = Number(token);
  else {
    const i = field.names?.indexOf(token.toUpperCase()) ?? -1;
    if (i < 0) throw new CronError(`${field.name} "${token}" is not a number${field.names ? ` or a name (${field.label})` : ''}`);
    n = field.min + i;
  }
  if (n < field.min || n > field.max) throw new CronError(`${field.name} ${n} is out of range ${field.min}-${field.max}${field.label ? ` (${field.label})` : ''}`);
  return n;
}

/** One comma-separated part: `*`, `a`, `a-b`, each optionally `/step` (`a/step` runs to the field's end). */
function part(field: Field, text: string, into: Set<number>): void {
  if (text === '') throw new CronError(`${field.name} has an empty entry; separate values with single commas, e.g. "1,15"`);
  const [range, stepText, extra] = text.split('/');
  if (extra !== undefined) throw new CronError(`${field.name} "${text}" has more than one "/"; write a range and one step, e.g. "0-30/10"`);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw new CronError(`${field.name} step "${stepText}" must be a whole number of at least 1, e.g. "*/15"`);
    step = Number(stepText);
  }
  let from: number;
  let to: number;
  if (range === '*') [from, to] = [field.min, field.max];
  else {
    const ends = range!.split('-');
    if (ends.length > 2) throw new CronError(`${field.name} "${range}" is not a value or a range like "1-5"`);
    from = value(field, ends[0]!);
    to = ends.length === 2 ? value(field, ends[1]!) : stepText !== undefined ? field.max : from;
    if (from > to) {
      const named = field.names && !/^\d+$/.test(ends[0]!);
      const [last, first] = named ? [field.names!.at(-1), field.names![0]] : [field.max, field.min];
      throw new CronError(`${field.name} range ${ends.join('-')} goes backwards; split it in two, e.g. "${ends[0]}-${last},${first}-${ends[1]}"`);
    }
  }
  for (let n = from; n <= to; n += step) into.add(n);
}

function parseField(field: Field, text: string): Set<number> {
  const values = new Set<number>();
  for (const p of text.split(',')) part(field, p, values);
  return values;
}

/** Parses "minute hour day-of-month month day-of-week" (numbers, names, `*`, lists, ranges, steps). */
export function parseCron(text: string): Cron {
  const fields = text.trim().split(/\s+/).filter((f) => f !== '');
  if (text.trim().startsWith('@')) throw new CronError(`"${text.trim()}": shortcuts like @weekly are not supported; write the 5 fields, e.g. "0 0 * * SUN"`);
  if (fields.length !== 5) {
    const hint = fields.length === 6 ? ' (seconds and years are not supported)' : '';
    throw new CronError(`expected 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * SUN", got ${fields.length}${hint}`);
  }
  const [minutes, hours, daysOfMonth, months, weekdays] = fields.map((f, i) => parseField(FIELDS[i]!, f)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.delete(7)) weekdays.add(0);
  const cron: Cron = {
    text: fields.join(' '),
    minutes: [...minutes].sort((a, b) => a - b),
    hours: [...hours].sort((a, b) => a - b),
    daysOfMonth,
    months,
    weekdays,
    dayOfMonthStar: fields[2]!.startsWith('*'),
    dayOfWeekStar: fields[4]!.startsWith('*'),
  };
  // "31 FEB" would be accepted by cron and silently never run; a window that never opens is a mistake.
  const onlyByDayOfMonth = !cron.dayOfMonthStar && cron.dayOfWeekStar;
  if (onlyByDayOfMonth && ![...months].some((m) => [...daysOfMonth].some((d) => d <= MONTH_DAYS[m - 1]!))) {
    const which = [...months].sort((a, b) => a - b).map((m) => MONTH_NAMES[m - 1]).join(',');
    throw new CronError(`day-of-month ${fields[2]} never occurs in ${which}, so the window would never open`);
  }
  return cron;
}

/** Whether the local calendar day (days since 1970-01-01) is one the cron runs on. */
export function dayMatches(cron: Cron, day: number): boolean {
  const date = new Date(day * DAY);
  if (!cron.months.has(date.getUTCMonth() + 1)) return false;
  const byMonthDay = cron.daysOfMonth.has(date.getUTCDate());
  const byWeekday = cron.weekdays.has(date.getUTCDay());
  if (cron.dayOfMonthStar || cron.dayOfWeekStar) return byMonthDay && byWeekday;
  return byMonthDay || byWeekday;
}

/** The cron's start times of a day as minutes since local midnight, ascending. */
function startMinutes(cron: Cron): number[] {
  return cron.hours.flatMap((h) => cron.minutes.map((m) => h * 60 + m));
}

/**
 * The latest start of the cron in `timezone` at or before `atMs`, looking back at least `lookBackMs`
 * (undefined when none starts in those days: an older start's window would be over by then). A local start
 * time that a DST change skips starts at the next valid minute; one it repeats starts the first time.
 */
export function latestStartAtOrBefore(cron: Cron, timezone: string, atMs: number, lookBackMs: number): number | undefined {
  const today = localTimeAt(atMs, timezone).day;
  const times = startMinutes(cron);
  // Two days of slack: local days and instants differ by the zone's offset, which DST changes.
  const oldest = today - Math.ceil(lookBackMs / DAY) - 2;
  // From tomorrow: where a clock falls back across midnight, tomorrow's first minutes already passed once.
  for (let day = today + 1; day >= oldest; day--) {
    if (!dayMatches(cron, day)) continue;
    // Instants never decrease as a day's wall-clock time grows (skipped times map forward, repeated
    // ones to their first pass), so a binary search finds the day's latest start at or before atMs.
    let lo = 0;
    let hi = times.length - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const instant = localToInstant(day, times[mid]!, timezone);
      if (instant <= atMs) {
        found = instant;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The occurrence open at `atMs` (its latest start <= atMs < start + duration), if any. */
export function activeOccurrence(recurrence: Recurrence, atMs: number): { startMs: number; endMs: number } | undefined {
  const startMs = latestStartAtOrBefore(recurrence.cron, recurrence.timezone, atMs, recurrence.durationMs);
  if (startMs === undefined || atMs >= startMs + recurrence.durationMs) return undefined;
  return { startMs, endMs: startMs + recurrence.durationMs };
}
