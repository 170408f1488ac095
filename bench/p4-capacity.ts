// P4 (issue 11): open incidents held by one worker process. Incidents are opened (signal-with-start,
// as the intake does; 16 in flight) in steps up to each size; after each step: the worker's RSS,
// the time the step took until every incident was alerted, the sticky-cache hits, misses (a miss
// replays the whole history) and forced evictions from the worker's Temporal SDK metrics, and the
// escalation lateness: for a sample of incidents whose level-1 wait has fired, the time from the
// timer's due moment (TimerStarted + its duration, server clock) to the workflow scheduling the
// level-2 page. Level 1 waits `escalationDelay`, so escalations fire while later incidents are
// still being opened (the burst case). Capped by time: the sizes not reached are reported as such.
// Run: make bench ONLY=P4 (QUICK=1 for a small run); P4_MINUTES caps the whole run.
import { signalAnomaly } from '../intake/signal';
import type { Anomaly } from '../workflows/definitions';
import { rssOf } from './lib/procs';
import { startBenchStack, type BenchStack } from './lib/stack';
import { figure, type FigureRow } from './lib/table';
import { mib, pct, pool, progress, progressDone, round, runMain, sleep } from './lib/util';

export interface CapacityOptions {
  sizes: number[];
  /** Level-1 escalation wait (the timer whose lateness is measured). */
  escalationDelay?: string;
  /** worker.* overrides, e.g. { maxCachedWorkflows: 10000 }. */
  worker?: Record<string, unknown>;
  /** Stop opening after this long; the row says how far it got. */
  maxMs?: number;
  label?: string;
}

/** Sums the worker's SDK sticky-cache counters (Prometheus text) by metric name. */
async function cacheCounters(port: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  // Counters appear at their first increment: absent means 0.
  const out: Record<string, number> = { sticky_cache_hit: 0, sticky_cache_miss: 0, sticky_cache_forced_eviction: 0 };
  for (const line of text.split('\n')) {
    const m = /^(?:temporal_)?(sticky_cache_(?:hit|miss|forced_eviction))\w*(?:\{[^}]*\})? ([\d.e+]+)$/.exec(line);
    if (m) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return out;
}

const ms = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(d?.seconds ?? 0) * 1000 + (d?.nanos ?? 0) / 1e6;

/** Lateness (ms) of the level-1 escalation timer of `id`, or undefined if it has not fired yet. */
async function escalationLateness(s: BenchStack, id: string, delayMs: number): Promise<number | undefined> {
  const events = (await s.env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const started = events.find((e) => e.timerStartedEventAttributes && Math.abs(ms(e.timerStartedEventAttributes.startToFireTimeout) - delayMs) < 1_000);
  if (!started) return undefined;
  const timerId = started.timerStartedEventAttributes!.timerId;
  const firedAt = events.findIndex((e) => e.timerFiredEventAttributes?.timerId === timerId);
  if (firedAt < 0) return undefined;
  const acted = events.slice(firedAt).find((e) => e.activityTaskScheduledEventAttributes);
  if (!acted) return undefined;
  return ms(acted.eventTime) - (ms(started.eventTime) + delayMs);
}

export async function runCapacity(opts: CapacityOptions): Promise<FigureRow[]> {
  const delay = opts.escalationDelay ?? '60s';
  const delayMs = Number(/^(\d+)s$/.exec(delay)?.[1] ?? 60) * 1000;
  const label = opts.label ?? 'default tuning';
  const s = await startBenchStack({ escalationDelay: delay, worker: opts.worker, channels: 20 });
  const t0 = Date.now();
  const deadline = t0 + (opts.maxMs ?? 15 * 60_000);
  const openedAt = new Map<string, number>();
  const lateness: number[] = [];
  const rows: FigureRow[] = [];
  try {
    const rssStart = rssOf(s.worker.child.pid!);
    let opened = 0;
    for (const size of opts.sizes) {
      const stepT0 = Date.now();
      const step = Array.from({ length: size - opened }, (_, k) => opened + k);
      let capped = false;
      await pool(step, 16, async (i) => {
        if (Date.now() > deadline) return void (capped = true);
        const a: Anomaly = s.anomaly(i);
        const { workflowId } = await signalAnomaly(s.env.client, a, { taskQueue: 'incidents' });
        openedAt.set(workflowId, Date.now());
        if (openedAt.size % 100 === 0) progress(`P4 ${label}: ${openedAt.size} opened, ${s.alerts().length} alerted, worker RSS ${mib(rssOf(s.worker.child.pid!))} MiB after ${round((Date.now() - t0) / 1000)} s`);
      });
      opened = openedAt.size;
      while (s.alerts().length < opened && Date.now() < deadline + 120_000) {
        progress(`P4 ${label}: ${opened} opened, ${s.alerts().length} alerted after ${round((Date.now() - t0) / 1000)} s`);
        await sleep(1_000);
      }
      progressDone();
      const alerted = s.alerts().length;
      const stepMs = Date.now() - stepT0;
      await sleep(3_000);
      const rss = rssOf(s.worker.child.pid!);
      // A sample of incidents whose wait is due, oldest first (they fired during this step's burst).
      const due = [...openedAt].filter(([, at]) => at + delayMs + 5_000 < Date.now()).map(([id]) => id);
      const sample = due.filter((_, k) => k % Math.max(1, Math.floor(due.length / 100)) === 0).slice(0, 100);
      await pool(sample, 8, async (id) => {
        const late = await escalationLateness(s, id, delayMs);
        if (late !== undefined) lateness.push(late);
      });
      const cache = await cacheCounters(s.sdkMetricsPort).catch(() => ({}));
      const reached = capped ? `reached ${opened} of ${size} in the time cap` : `${size}`;
      const p99 = round(pct(lateness, 99) / 1000, 2);
      rows.push(
        figure('P4', `${reached} open incidents (${label}): worker RSS (MiB)`, mib(rss), '', size >= 10_000 ? '<= 1024 MiB at 10,000' : '', size >= 10_000 ? !capped && rss <= 1024 * 1048576 : undefined, `RSS at start ${mib(rssStart)} MiB; ${Object.entries(cache).map(([k, v]) => `${k} ${v}`).join(', ') || 'no SDK cache metrics'}`),
        figure('P4', `${reached} open (${label}): opening the step, all alerted (s)`, round(stepMs / 1000, 1), '', '', undefined, `${alerted}/${opened} alerted; ${round(((opened - (size - step.length)) / stepMs) * 1000, 1)} incidents/s`),
        figure('P4', `${reached} open (${label}): escalation lateness p99 (s)`, lateness.length ? p99 : 'none due yet', '', '<= 1 s', size >= 10_000 ? !capped && p99 <= 1 : undefined, lateness.length ? `p50 ${round(pct(lateness, 50) / 1000, 2)} s, max ${round(Math.max(...lateness) / 1000, 1)} s over ${lateness.length} sampled timers (level 1 waits ${delay})` : `no level-1 wait (${delay}) had ended when sampled`),
      );
      if (capped) break;
    }
    return rows;
  } finally {
    await s.stop();
  }
}

if (require.main === module) {
  const sizes = (process.argv[2] ?? '200,500').split(',').map(Number);
  runMain(() => runCapacity({ sizes, escalationDelay: process.argv[3] ?? '30s', maxMs: Number(process.env.P4_MINUTES ?? 15) * 60_000 }));
}
