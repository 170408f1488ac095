// P4 (issue 11): open incidents held by one worker process, beside the raw Temporal ceiling.
// Incidents are opened (signal-with-start, as the intake does; 16 in flight) in steps up to each
// size; after each step: the worker's RSS, the time the step took until every incident was
// alerted, the sticky-cache hits, misses (a miss replays the whole history) and forced evictions
// from the worker's Temporal SDK metrics, and the escalation lateness: for a sample of incidents
// whose level-1 wait has fired, the time from the timer's due moment (TimerStarted + its duration,
// server clock) to the workflow scheduling the level-2 page (lib/capacity.ts). Level 1 waits
// `escalationDelay`, so escalations fire while later incidents are still being opened (the burst
// case). Capped by time: the sizes not reached are reported as such.
// The raw ceiling: then, on a fresh dev server, the raw fixture's worker (its own process, the
// same worker tuning, maxCachedWorkflows included) with the same procedure and cap, running the
// least an incident does here: alert activity, level-1 timer, page activity, stay open.
// Run: make bench ONLY=P4 (QUICK=1 for a small run); P4_MINUTES caps each of the two runs.
import { totalmem } from 'node:os';
import { workerSchema } from '../config/schema-temporal';
import { planHeap } from '../worker/memory';
import { workerTuningOptions } from '../worker/tuning';
import { signalAnomaly } from '../intake/signal';
import { startDevServer } from '../test/helpers/temporal';
import { freePort } from '../test/helpers/elasticsearch';
import { openInSteps, type CapacityStep } from './lib/capacity';
import { RawCeiling, type RawWorkerOptions } from './lib/raw';
import { startBenchStack } from './lib/stack';
export { shippedMemory } from './lib/stack';
import { figure, type FigureRow } from './lib/table';
import { mib, pct, round, runMain } from './lib/util';

export interface CapacityRunOptions {
  sizes: number[];
  /** Level-1 escalation wait (the timer whose lateness is measured). */
  escalationDelay?: string;
  /** worker.* overrides, e.g. { maxCachedWorkflows: 10000 }; the raw worker gets the same tuning. */
  worker?: Record<string, unknown>;
  /** Stop opening after this long (each run: the project's, then the raw one); the row says how far it got. */
  maxMs?: number;
  label?: string;
  /** NODE_OPTIONS of both workers (the chart's heap caps; worker.memoryLimit sizes the incident worker's workflow thread). */
  nodeOptions?: string;
}

/** The sticky cache the incident worker runs with under these overrides (`auto` sized from worker.memoryLimit, as its main.ts does). */
export function projectCacheSize(overrides: Record<string, unknown> = {}): number {
  const w = workerSchema.parse(overrides);
  return planHeap({ configured: w.memoryLimit, total: totalmem(), maxCachedWorkflows: w.maxCachedWorkflows, tracing: false, mainHeapLimit: 0 }).maxCachedWorkflows;
}

/** The project worker's tuning (config defaults and overrides) as Worker options, mapped as the worker maps them, with the same cache. */
function rawTuning(overrides: Record<string, unknown> = {}): RawWorkerOptions {
  // memoryLimit: the raw worker has no heap plan, its NODE_OPTIONS caps both threads
  return workerTuningOptions({ ...workerSchema.parse(overrides), maxCachedWorkflows: projectCacheSize(overrides) });
}

async function projectSteps(opts: CapacityRunOptions, delay: string, delayMs: number, maxMs: number, label: string): Promise<CapacityStep[]> {
  const s = await startBenchStack({ escalationDelay: delay, worker: opts.worker, channels: 20, workerNodeOptions: opts.nodeOptions });
  try {
    const subject = {
      client: s.env.client,
      open: async (i: number) => (await signalAnomaly(s.env.client, s.anomaly(i), { taskQueue: 'incidents' })).workflowId,
      alerted: () => s.alerts().length,
      pid: s.worker.child.pid!,
      sdkMetricsPort: s.sdkMetricsPort,
    };
    return await openInSteps(subject, { sizes: opts.sizes, delayMs, maxMs, label });
  } finally {
    await s.stop();
  }
}

async function rawSteps(opts: CapacityRunOptions, delayMs: number, maxMs: number, label: string): Promise<CapacityStep[]> {
  const env = await startDevServer();
  try {
    const sdkMetricsPort = await freePort();
    const raw = await RawCeiling.start(env.client, env.address, { ...rawTuning(opts.worker), sdkMetricsPort }, opts.nodeOptions);
    try {
      const subject = {
        client: env.client,
        open: async (i: number) => (await raw.signalWithStart(`p4-raw-${i}`, true, delayMs), `p4-raw-${i}`),
        alerted: () => raw.alertedAt.size,
        pid: raw.worker.child.pid!,
        sdkMetricsPort,
      };
      // The raw worker may open everything before the first level-1 wait ends: then it waits for them at the end.
      return await openInSteps(subject, { sizes: opts.sizes, delayMs, maxMs, label: `${label}, raw`, waitForDueAtEnd: true });
    } finally {
      await raw.stop();
    }
  } finally {
    await env.teardown();
  }
}

const rssText = (st: CapacityStep) => `RSS at start ${mib(st.rssStart)} MiB, 3 s after the step ${mib(st.rss)} MiB${st.settledRss ? `, settled (worker idle) ${mib(st.settledRss)} MiB` : ''}`;
const cacheText = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ') || 'no SDK cache metrics';
const p99s = (xs: number[], digits: number) => (xs.length ? round(pct(xs, 99) / 1000, digits) : 'none due yet');
const latenessText = (st: CapacityStep, delay: string) =>
  st.lateness.length ? `p50 ${round(pct(st.lateness, 50) / 1000, 3)} s, max ${round(Math.max(...st.lateness) / 1000, 1)} s over ${st.lateness.length} sampled timers (level 1 waits ${delay})` : `no level-1 wait (${delay}) had ended when sampled`;

/** One step's three rows: the project's figures, the raw ones beside them (`r` undefined: the raw run stopped earlier). */
function stepRows(p: CapacityStep, r: CapacityStep | undefined, delay: string, label: string): FigureRow[] {
  const reached = p.capped ? `reached ${p.opened} of ${p.size} in the time cap` : `${p.size}`;
  const rawReached = !r ? 'raw: not reached in its time cap' : r.capped ? `raw reached ${r.opened} of ${r.size} in its time cap` : '';
  const rawNote = (text: string) => `; ${[rawReached, `raw: ${text}`].filter(Boolean).join('; ')}`;
  const final = p.size >= 10_000;
  const p99 = p99s(p.lateness, 2);
  return [
    figure('P4', `${reached} open incidents (${label}): worker RSS, peak so far (MiB)`, mib(p.peakRss), r ? mib(r.peakRss) : '', final ? '<= 1024 MiB at 10,000' : '', final ? !p.capped && p.peakRss <= 1024 * 1048576 : undefined, `${rssText(p)}; ${cacheText(p.cache)}${r ? rawNote(`${rssText(r)}; ${cacheText(r.cache)}`) : `; ${rawReached}`}`),
    figure('P4', `${reached} open (${label}): opening the step, all alerted (s)`, round(p.stepMs / 1000, 1), r ? round(r.stepMs / 1000, 1) : '', '', undefined, `${p.alerted}/${p.opened} alerted; ${round((p.openedInStep / p.stepMs) * 1000, 1)} incidents/s${r ? rawNote(`${r.alerted}/${r.opened} ran their first activity; ${round((r.openedInStep / r.stepMs) * 1000, 1)} workflows/s`) : ''}`),
    figure('P4', `${reached} open (${label}): escalation lateness p99 (s)`, p99, r ? p99s(r.lateness, 3) : '', '<= 1 s', final ? !p.capped && typeof p99 === 'number' && p99 <= 1 : undefined, `${latenessText(p, delay)}${r ? rawNote(`${latenessText(r, delay)}${r.waitedForDue ? ', none had ended by the last step: sampled after waiting for them, on an idle server' : ''}`) : ''}`),
  ];
}

export async function runCapacity(opts: CapacityRunOptions): Promise<FigureRow[]> {
  const delay = opts.escalationDelay ?? '60s';
  const delayMs = Number(/^(\d+)s$/.exec(delay)?.[1] ?? 60) * 1000;
  const label = opts.label ?? 'default tuning';
  const maxMs = opts.maxMs ?? 15 * 60_000;
  const project = await projectSteps(opts, delay, delayMs, maxMs, label);
  const raw = await rawSteps(opts, delayMs, maxMs, label);
  return project.flatMap((p, k) => stepRows(p, raw[k], delay, label));
}

if (require.main === module) {
  const sizes = (process.argv[2] ?? '200,500').split(',').map(Number);
  runMain(() => runCapacity({ sizes, escalationDelay: process.argv[3] ?? '30s', maxMs: Number(process.env.P4_MINUTES ?? 15) * 60_000 }));
}
