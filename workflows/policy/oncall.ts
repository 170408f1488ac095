// Who is on call for a schedule at an instant. Pure and deterministic (Intl only, no clock reads),
// so the workflow bundle and local activities can both use it and replay sees the same answer.
//
// Rotations count local calendar days in the schedule's zone, never 24h blocks: a daily 09:00
// handoff stays at 09:00 local on DST change days, when the day is 23h or 25h long.
import type { Schedule, ScheduleLayer, Weekday } from '../../config/schema';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAY_INDEX: Record<Weekday, number> = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 };

/** A local calendar date as days since 1970-01-01, plus minutes since local midnight. */
interface LocalTime {
  day: number;
  minutes: number;
}

/** Returns the person id on call at `atMs`, or undefined when no override or layer covers it. */
export function onCallAt(schedule: Schedule, atMs: number): string | undefined {
  return whoIsOnCall(schedule, atMs)?.personId;
}

export interface OnCallAnswer {
  personId: string;
  /** `override` or the layer that decided (its name, else `layers[i]`), for timelines and debugging. */
  source: string;
}

/** Like {@link onCallAt}, and also says which override or layer decided. */
export function whoIsOnCall(schedule: Schedule, atMs: number): OnCallAnswer | undefined {
  // Later overrides win, so scan from the end.
  for (let i = schedule.overrides.length - 1; i >= 0; i--) {
    const o = schedule.overrides[i]!;
    if (Date.parse(o.from) <= atMs && atMs < Date.parse(o.to)) return { personId: o.person, source: 'override' };
  }
  const local = localTimeAt(atMs, schedule.timezone);
  for (const [i, layer] of schedule.layers.entries()) {
    if (!layerCovers(layer, local)) continue;
    const personId = rotationAt(layer, atMs, local, schedule.timezone);
    if (personId !== undefined) return { personId, source: layer.name ?? `layers[${i}]` };
  }
  return undefined;
}

export interface OnCallShift {
  /** Undefined: nobody is on call (no override or layer covers the time). */
  personId?: string;
  source?: string;
  /** When this answer started to hold (for `next`); `now` has the instant asked about. */
  fromMs: number;
}

/** How far `/incident oncall` looks for the next change. */
export const NEXT_HORIZON_DAYS = 28;

/**
 * Who is on call at `atMs` and who comes next (the first later instant with another answer, a gap
 * included), for `/incident oncall`. Answers change only at override edges, handoffs and
 * restriction edges, so only those instants are checked; `next` is undefined when nothing changes
 * within the horizon (e.g. a single participant).
 */
export function onCallNowAndNext(schedule: Schedule, atMs: number, horizonDays = NEXT_HORIZON_DAYS): { now: OnCallShift; next?: OnCallShift } {
  const current = whoIsOnCall(schedule, atMs);
  const now: OnCallShift = { personId: current?.personId, source: current?.source, fromMs: atMs };
  const end = atMs + horizonDays * DAY;
  const candidates = new Set<number>();
  for (const o of schedule.overrides) for (const t of [Date.parse(o.from), Date.parse(o.to)]) candidates.add(t);
  const today = localTimeAt(atMs, schedule.timezone).day;
  for (let day = today; day <= today + horizonDays + 1; day++) {
    for (const layer of schedule.layers) {
      candidates.add(localToInstant(day, hhmmToMinutes(layer.handoffTime), schedule.timezone));
      for (const r of layer.restrictions ?? []) for (const t of [r.from, r.to]) candidates.add(localToInstant(day, hhmmToMinutes(t), schedule.timezone));
    }
  }
  for (const t of [...candidates].filter((c) => c > atMs && c <= end).sort((a, b) => a - b)) {
    const who = whoIsOnCall(schedule, t);
    if (who?.personId !== current?.personId) return { now, next: { personId: who?.personId, source: who?.source, fromMs: t } };
  }
  return { now };
}

function layerCovers(layer: ScheduleLayer, local: LocalTime): boolean {
  if (!layer.restrictions) return true;
  const today = weekdayOf(local.day);
  const yesterday = (today + 6) % 7;
  return layer.restrictions.some((r) => {
    const days = new Set(r.days.map((d) => WEEKDAY_INDEX[d]));
    const from = hhmmToMinutes(r.from);
    const to = hhmmToMinutes(r.to);
    if (from < to) return days.has(today) && from <= local.minutes && local.minutes < to;
    // Crosses midnight (to <= from): the window belongs to the day it starts on.
    return (days.has(today) && local.minutes >= from) || (days.has(yesterday) && local.minutes < to);
  });
}

function rotationAt(layer: ScheduleLayer, atMs: number, local: LocalTime, tz: string): string | undefined {
  const handoff = hhmmToMinutes(layer.handoffTime);
  const startDay = parseDay(layer.start);
  // The local date of the most recent handoff at or before the instant. Comparing instants (not
  // wall-clock minutes) keeps the repeated hour on fall-back days from switching back and forth.
  let shiftDay: number;
  let firstShiftDay: number;
  let shiftLength: number;
  if (layer.rotation === 'daily') {
    shiftLength = 1;
    firstShiftDay = startDay;
    shiftDay = atMs >= localToInstant(local.day, handoff, tz) ? local.day : local.day - 1;
  } else {
    shiftLength = 7;
    const handoffDay = WEEKDAY_INDEX[layer.handoffDay];
    firstShiftDay = startDay + ((handoffDay - weekdayOf(startDay) + 7) % 7);
    shiftDay = local.day - ((weekdayOf(local.day) - handoffDay + 7) % 7);
    if (atMs < localToInstant(shiftDay, handoff, tz)) shiftDay -= 7;
  }
  if (shiftDay < firstShiftDay) return undefined;
  const shift = Math.floor((shiftDay - firstShiftDay) / shiftLength);
  return layer.participants[shift % layer.participants.length];
}

// ---------------------------------------------------------------------------------------------
// Local-time helpers (exported for tests and for other policy code that needs wall-clock math)

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock time at `atMs` in `tz`, expressed as if it were UTC (ms, whole seconds). */
function wallClockMs(atMs: number, tz: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(atMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const f = (name: string): number => fields[name] ?? 0;
  // Some engines render midnight as hour 24 even with h23; treat it as 0.
  return Date.UTC(f('year'), f('month') - 1, f('day'), f('hour') % 24, f('minute'), f('second'));
}

/** Offset of `tz` from UTC at `atMs`, in ms (local = utc + offset). */
function offsetAt(atMs: number, tz: string): number {
  const whole = Math.floor(atMs / 1000) * 1000;
  return wallClockMs(whole, tz) - whole;
}

/** The local calendar day and minute of day at `atMs` in `tz`. */
export function localTimeAt(atMs: number, tz: string): LocalTime {
  const wall = wallClockMs(atMs, tz);
  const day = Math.floor(wall / DAY);
  return { day, minutes: Math.floor((wall - day * DAY) / MINUTE) };
}

/**
 * The instant when the wall clock in `tz` first shows `minutes` on local `day`. A time repeated on a
 * fall-back day maps to its first occurrence; a time skipped on a spring-forward day maps to the
 * moment the clock jumps past it (the first instant whose wall-clock time is later).
 */
export function localToInstant(day: number, minutes: number, tz: string): number {
  const wall = day * DAY + minutes * MINUTE;
  // Offsets change at most once within a few hours, so the offsets half a day either side bracket it.
  const before = offsetAt(wall - DAY / 2, tz);
  const after = offsetAt(wall + DAY / 2, tz);
  const candidates = [wall - before, wall - after].filter((t) => wallClockMs(t, tz) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: binary search (by minute) for the transition between the two candidates.
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (wallClockMs(mid, tz) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** "YYYY-MM-DD" -> days since 1970-01-01. */
export function parseDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Math.floor(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / DAY);
}

/** 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function hhmmToMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
