// `make bench`: the issue-11 figures (P1-P6 and what one incident costs), each beside the raw
// Temporal ceiling measured in the same run and the ratio, as ONE table (Markdown, for
// bench/README.md), also written with the machine and its load to bench/results/latest.json.
// ONLY=P2 (or a list: ONLY=P1,P5) runs some; QUICK=1 runs small sizes. The older single
// benchmarks run by name only: ONLY=policy, intake, reconcile, priority.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type * as M_burst from './burst';
import type * as M_incident_cost from './incident-cost';
import type * as M_intake from './intake';
import type * as M_memory from './memory';
import type * as M_p1_storm from './p1-storm';
import type * as M_p2_time_to_alert from './p2-time-to-alert';
import type * as M_p3_ack from './p3-ack';
import type * as M_p4_capacity from './p4-capacity';
import type * as M_p5_throughput from './p5-throughput';
import type * as M_policy from './policy';
import type * as M_priority from './priority';
import type * as M_reconcile from './reconcile';
import { figure, type FigureRow } from './lib/table';
import { load1 } from './lib/procs';
import { round } from './lib/util';

const QUICK = process.env.QUICK === '1';
const P4_MINUTES = Number(process.env.P4_MINUTES ?? (QUICK ? 3 : 12));

/** A figure's module, loaded when it runs (require: swc-node resolves the .ts; import() would need .js). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = <T>(path: string): T => require(path) as T;

const figures: Record<string, () => Promise<FigureRow[]>> = {
  // Each figure loads its code when it runs: a file broken by work in progress elsewhere stops only the figures that import it.
  P1: async () => load<typeof M_p1_storm>('./p1-storm').runStorm(QUICK ? { anomalies: 2_000, fingerprints: 100 } : { anomalies: 10_000, fingerprints: 100 }),
  P2: async () => load<typeof M_p2_time_to_alert>('./p2-time-to-alert').runTimeToAlert({ incidents: QUICK ? 60 : 500 }),
  P3: async () => load<typeof M_p3_ack>('./p3-ack').runAck({ incidents: QUICK ? 20 : 100 }),
  P4: async () => {
    const { runCapacity, shippedMemory, projectCacheSize } = load<typeof M_p4_capacity>('./p4-capacity');
    // As the chart runs the worker: its 1 GiB limit (worker.memoryLimit stands in for the container's) and nodeOptions.
    const shipped = shippedMemory();
    return [
    ...(await runCapacity({ sizes: QUICK ? [200, 500] : [1_000, 5_000, 10_000], escalationDelay: QUICK ? '30s' : '60s', maxMs: P4_MINUTES * 60_000, ...shipped, label: `shipped settings, 1 GiB, cache auto = ${projectCacheSize(shipped.worker)}` })),
    // The same without heap caps (V8 sizes its heaps from this 24 GiB host), as before worker.memoryLimit.
    ...(await runCapacity({ sizes: [QUICK ? 300 : 1_000], escalationDelay: '30s', nodeOptions: '', label: 'no heap caps', maxMs: P4_MINUTES * 60_000 })),
    // What the sticky cache costs and saves: the same load with a smaller and a larger cache (and the limit the larger one needs).
    ...(await runCapacity({ sizes: [QUICK ? 300 : 1_000], escalationDelay: '30s', nodeOptions: shipped.nodeOptions, worker: { ...shipped.worker, maxCachedWorkflows: 100 }, label: 'maxCachedWorkflows 100, 1 GiB', maxMs: P4_MINUTES * 60_000 })),
    ...(await runCapacity({ sizes: [QUICK ? 300 : 1_000], escalationDelay: '30s', nodeOptions: shipped.nodeOptions, worker: { memoryLimit: '2304Mi', maxCachedWorkflows: 2_000 }, label: 'maxCachedWorkflows 2000, 2.25 GiB', maxMs: P4_MINUTES * 60_000 })),
    ];
  },
  P5: async () => load<typeof M_p5_throughput>('./p5-throughput').runThroughput({ incidents: QUICK ? 200 : 1_000 }),
  P6: async () => {
    const { runBurstBench } = load<typeof M_burst>('./burst');
    const rows: FigureRow[] = [];
    for (const budgets of [true, false]) {
      const r = await runBurstBench({ budgets, ...(QUICK ? { incidents: 60, seconds: 5 } : {}) });
      const note = `raw = Slack's floor (1 post/s per channel); alert p50/p99 ${r['alert p50 / p99 (s)']} s, critical p99 ${r['critical alert p99 (s)']} s; 429s ${r['429s']}; duplicate alerts ${r['duplicate alerts']}, DMs ${r['duplicate DMs']}`;
      rows.push(figure('P6', `burst ${r.incidents} incidents in ${r['opened in (s)']} s to ${r.channels} channels, budgets ${r.budgets}: all alerted (s)`, r['all alerted (s)'], round(r.incidents / r.channels - 1), '', undefined, note));
    }
    return rows;
  },
  memory: async () => {
    const rows = await load<typeof M_memory>('./memory').runMemoryBench(QUICK ? [100, 300] : [200, 1_000]);
    return rows
      .filter((r) => r.worker !== 'raw')
      .flatMap((r) => {
        const raw = rows.find((x) => x.worker === 'raw' && x.mode === r.mode && x.workflows === r.workflows);
        const where = `${r.cached} cached, workflows in the ${r.mode}${r.worker === 'incident-traced' ? ', tracing on' : ''}`;
        const note = `RSS ${r.rssMiB} MiB, heap ${r.heapMiB} MiB; per workflow: heap reserved ${r.heapTotalKiBPerWorkflow}, external ${r.externalKiBPerWorkflow}, V8 malloc ${r.mallocedKiBPerWorkflow} KiB; all alerted and settled after ${r.settledSeconds} s`;
        return [
          // In the worker thread (production) the heap figures see only the main thread: RSS alone counts there.
          ...(r.mode === 'main thread' ? [figure('memory', `heap per cached workflow (KiB), ${where}`, r.heapKiBPerWorkflow, raw?.heapKiBPerWorkflow ?? '', '')] : []),
          figure('memory', `RSS per cached workflow (KiB), ${where}`, r.rssKiBPerWorkflow, raw?.rssKiBPerWorkflow ?? '', '<= 74 KiB (10,000 cached in 1 GiB beside a 300 MiB base)', r.rssKiBPerWorkflow <= 74, note),
        ];
      });
  },
  cost: async () =>
    (await load<typeof M_incident_cost>('./incident-cost').runIncidentCostBench()).map((c) =>
      figure('cost', `${c.phase}: Slack calls / history events`, `${c.slackCalls} / ${c.historyEvents}`, '', '', undefined, `${c.slackByMethod}; activities ${c.activities}, timers ${c.timers}, markers ${c.markers}, workflow tasks ${c.workflowTasks}`),
    ),
};
const single: Record<string, () => Promise<unknown>> = {
  policy: async () => load<typeof M_policy>('./policy').runPolicyBench(),
  intake: async () => load<typeof M_intake>('./intake').runIntakeBench(),
  reconcile: async () => load<typeof M_reconcile>('./reconcile').runReconcileBench(),
  priority: async () => {
    const { runPriorityProbe } = load<typeof M_priority>('./priority');
    return [await runPriorityProbe(40, 5, 1), await runPriorityProbe(40, 5, 5)];
  },
};

function markdown(rows: FigureRow[]): string {
  const cols = ['figure', 'measure', 'project', 'raw ceiling', 'ratio', 'target', 'met', 'notes'];
  const cell = (v: unknown) => String(v ?? '').replace(/\|/g, '\\|');
  return [`| ${cols.join(' | ')} |`, `|${cols.map((_, i) => (i >= 2 && i <= 4 ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${[r.figure, r.measure, r.project, r.raw, r.ratio, r.target, r.met, r.note].map(cell).join(' | ')} |`)].join('\n');
}

async function main(): Promise<void> {
  const only = (process.env.ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((o) => !figures[o] && !single[o]);
  if (unknown.length) throw new Error(`unknown ONLY=${unknown.join(',')}: choose from ${[...Object.keys(figures), ...Object.keys(single)].join(', ')}`);
  for (const name of only.filter((o) => single[o])) {
    console.log(`## ${name}`);
    console.table(await single[name]!());
  }
  const chosen = only.length ? only.filter((o) => figures[o]) : Object.keys(figures);
  if (!chosen.length) return;
  const loads: number[] = [load1()];
  const sampler = setInterval(() => loads.push(load1()), 10_000);
  const startedAt = new Date().toISOString();
  const rows: FigureRow[] = [];
  const timings: Record<string, number> = {};
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const partialFile = join(__dirname, 'results', 'latest-partial.json');
  try {
    for (const name of chosen) {
      process.stderr.write(`## ${name}${QUICK ? ' (QUICK)' : ''} — load ${load1()}\n`);
      const t0 = Date.now();
      // One figure failing (a timeout under load) must not lose the others: its row says why.
      rows.push(...(await figures[name]!().catch((err: unknown) => [figure(name, 'failed', String((err as Error).message ?? err).slice(0, 300), '', '', false)])));
      timings[name] = round((Date.now() - t0) / 1000);
      // Rows so far, so a run cut short still leaves its figures behind.
      writeFileSync(partialFile, `${JSON.stringify({ startedAt, quick: QUICK, secondsPerFigure: timings, rows }, null, 2)}\n`);
      process.stderr.write(`${markdown(rows.filter((r) => r.figure === name))}\n`);
    }
  } finally {
    clearInterval(sampler);
  }
  loads.push(load1());
  const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  const result = {
    startedAt,
    finishedAt: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    quick: QUICK,
    machine: { nproc: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, temporal: execFileSync(join(__dirname, '../.tools/bin/temporal'), ['--version'], { encoding: 'utf8' }).trim() },
    load1: { start: loads[0], end: loads.at(-1), max: Math.max(...loads), mean: round(loads.reduce((a, b) => a + b, 0) / loads.length, 1) },
    secondsPerFigure: timings,
    rows,
  };
  const file = join(__dirname, 'results', QUICK ? 'latest-quick.json' : only.length ? `latest-${chosen.join('-')}.json` : 'latest.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(markdown(rows));
  console.log(`\n${result.machine.nproc} cores, ${result.machine.memGiB} GiB, Node ${result.machine.node}, ${result.machine.temporal.split('\n')[0]}; commit ${result.commit}; load average (1 min) ${result.load1.start} at start, mean ${result.load1.mean}, max ${result.load1.max}, ${result.load1.end} at the end. JSON: ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
