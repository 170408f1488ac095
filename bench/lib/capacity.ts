// P4's procedure, shared by the incident worker and the raw ceiling's worker so both are opened and
// measured the same way: signal-with-start 16 in flight in steps up to each size, capped by time;
// after each step the worker's RSS, the time until every workflow of the step ran its first
// activity, the SDK's sticky-cache counters and the level-1 timer lateness on up to 100 samples.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { cpuSecondsOf, peakRssOf, rssOf } from './procs';
import { mib, pool, progress, progressDone, round, sleep, until } from './util';

/** What is opened and measured: the incident worker with its stack, or the raw worker. */
export interface CapacitySubject {
  client: Client;
  /** Opens workflow number i (signal-with-start); resolves to its workflow id. */
  open(i: number): Promise<string>;
  /** How many workflows have run their first activity (the alert). */
  alerted(): number;
  pid: number;
  /** Port of the worker's Temporal SDK metrics (Prometheus text). */
  sdkMetricsPort: number;
}

export interface CapacityOptions {
  sizes: number[];
  /** Level-1 wait (ms): the timer whose lateness is measured. */
  delayMs: number;
  /** Stop opening this long after the start; the steps say how far it got. */
  maxMs: number;
  label: string;
  /**
   * When no level-1 wait has ended by the last step's end, wait until all have so the run has a
   * lateness figure: for the raw worker, which may open everything faster than the wait. Only at
   * the end: earlier steps keep the procedure (timers firing during later steps' bursts).
   */
  waitForDueAtEnd?: boolean;
}

export interface CapacityStep {
  size: number;
  /** Opened in all (less than size when capped). */
  opened: number;
  capped: boolean;
  /** Opened by this step, and the ms until all of them ran their first activity (or gave up). */
  openedInStep: number;
  stepMs: number;
  alerted: number;
  rssStart: number;
  /** RSS 3 s after the step's workflows all ran their first activity (the burst may still be settling). */
  rss: number;
  /** The highest RSS so far (VmHWM): what a memory limit must allow during the bursts. */
  peakRss: number;
  /** Last step only: RSS once the worker is idle (holding the open workflows, the burst's garbage collected). */
  settledRss?: number;
  cache: Record<string, number>;
  /** Lateness (ms) of every timer sampled so far, this step's and earlier steps'. */
  lateness: number[];
  /** The step waited for the level-1 waits to end before sampling (waitForDueAtEnd). */
  waitedForDue: boolean;
}

const CACHE_COUNTERS = ['sticky_cache_hit', 'sticky_cache_miss', 'sticky_cache_forced_eviction'];

/** Sums the SDK's sticky-cache counters in Prometheus text by metric name (absent = 0: counters appear at their first increment). */
export function parseCacheCounters(text: string): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(CACHE_COUNTERS.map((k) => [k, 0]));
  for (const line of text.split('\n')) {
    const m = /^(?:temporal_)?(sticky_cache_(?:hit|miss|forced_eviction))\w*(?:\{[^}]*\})? ([\d.e+]+)$/.exec(line);
    if (m) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return out;
}

async function cacheCounters(port: number): Promise<Record<string, number>> {
  return parseCacheCounters(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const ms = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(d?.seconds ?? 0) * 1000 + (d?.nanos ?? 0) / 1e6;

/**
 * Lateness (ms) of the level-1 timer in a history: from its due moment (TimerStarted + its duration,
 * server clock) to the first activity scheduled after it fired; undefined if it has not fired yet.
 */
export function latenessFromHistory(events: HistoryEvent[], delayMs: number): number | undefined {
  const started = events.find((e) => e.timerStartedEventAttributes && Math.abs(ms(e.timerStartedEventAttributes.startToFireTimeout) - delayMs) < 1_000);
  if (!started) return undefined;
  const timerId = started.timerStartedEventAttributes!.timerId;
  const firedAt = events.findIndex((e) => e.timerFiredEventAttributes?.timerId === timerId);
  if (firedAt < 0) return undefined;
  const acted = events.slice(firedAt).find((e) => e.activityTaskScheduledEventAttributes);
  if (!acted) return undefined;
  return ms(acted.eventTime) - (ms(started.eventTime) + delayMs);
}

/** RSS once the process has used under 5% of a core for 5 s (work done, garbage collected), at most 3 minutes on. */
async function settled(pid: number): Promise<number> {
  const end = Date.now() + 180_000;
  let cpu = cpuSecondsOf(pid);
  while (Date.now() < end) {
    await sleep(5_000);
    const now = cpuSecondsOf(pid);
    if (now - cpu < 0.25) break;
    cpu = now;
  }
  return rssOf(pid);
}

/** Opens `subject`'s workflows in steps up to each size and measures each step (see the file's head). */
export async function openInSteps(subject: CapacitySubject, opts: CapacityOptions): Promise<CapacityStep[]> {
  const { delayMs, label } = opts;
  const t0 = Date.now();
  const deadline = t0 + opts.maxMs;
  const openedAt = new Map<string, number>();
  const lateness: number[] = [];
  const steps: CapacityStep[] = [];
  const rssStart = rssOf(subject.pid);
  let opened = 0;
  for (const size of opts.sizes) {
    const stepT0 = Date.now();
    const step = Array.from({ length: size - opened }, (_, k) => opened + k);
    let capped = false;
    await pool(step, 16, async (i) => {
      if (Date.now() > deadline) return void (capped = true);
      const id = await subject.open(i);
      openedAt.set(id, Date.now());
      if (openedAt.size % 100 === 0) progress(`P4 ${label}: ${openedAt.size} opened, ${subject.alerted()} alerted, worker RSS ${mib(rssOf(subject.pid))} MiB after ${round((Date.now() - t0) / 1000)} s`);
    });
    const openedInStep = openedAt.size - opened;
    opened = openedAt.size;
    while (subject.alerted() < opened && Date.now() < deadline + 120_000) {
      progress(`P4 ${label}: ${opened} opened, ${subject.alerted()} alerted after ${round((Date.now() - t0) / 1000)} s`);
      await sleep(1_000);
    }
    progressDone();
    const alerted = subject.alerted();
    const stepMs = Date.now() - stepT0;
    await sleep(3_000);
    const rss = rssOf(subject.pid);
    const peakRss = peakRssOf(subject.pid);
    const dueBy = (at: number) => at + delayMs + 5_000;
    const last = capped || size === opts.sizes.at(-1);
    const waitedForDue = !!opts.waitForDueAtEnd && last && openedAt.size > 0 && ![...openedAt.values()].some((at) => dueBy(at) < Date.now());
    if (waitedForDue) {
      // Until every timer so far is due and the newest has been acted on (or 2 minutes): a full sample.
      const [newest, newestAt] = [...openedAt].at(-1)!;
      await sleep(Math.max(0, dueBy(newestAt) - Date.now()));
      const acted = async () => latenessFromHistory((await subject.client.workflow.getHandle(newest).fetchHistory()).events ?? [], delayMs) !== undefined;
      await until(`the level-1 timer of ${newest}`, 120_000, acted, 1_000).catch(() => undefined); // the row then counts fewer timers
    }
    // A sample of workflows whose wait is due, oldest first (they fired during this step's burst).
    const due = [...openedAt].filter(([, at]) => dueBy(at) < Date.now()).map(([id]) => id);
    const sample = due.filter((_, k) => k % Math.max(1, Math.floor(due.length / 100)) === 0).slice(0, 100);
    await pool(sample, 8, async (id) => {
      const late = latenessFromHistory((await subject.client.workflow.getHandle(id).fetchHistory()).events ?? [], delayMs);
      if (late !== undefined) lateness.push(late);
    });
    const cache = await cacheCounters(subject.sdkMetricsPort).catch(() => ({}));
    const settledRss = last ? await settled(subject.pid) : undefined;
    steps.push({ size, opened, capped, openedInStep, stepMs, alerted, rssStart, rss, peakRss, settledRss, cache, lateness: [...lateness], waitedForDue });
    if (capped) break;
  }
  return steps;
}
