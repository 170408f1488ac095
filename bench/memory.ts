// What a cached workflow costs in worker memory (issue 11, P4): the incident worker and the raw
// fixture's worker, each alone in a process (bench/memory-worker.ts) with a sticky cache large
// enough for all, measured after a full GC with 0 and with N workflows open, alerted and settled.
// Heap snapshots at both points (MEMORY_SNAPSHOTS=1, small N) are diffed by bench/heap-diff.ts.
// Run: make bench ONLY=memory, or node -r @swc-node/register bench/memory.ts [sizes=200,1000]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer } from '../test/helpers/temporal';
import { exampleRaw } from '../test/helpers/config';
import { anomaly } from '../test/helpers/anomaly';
import { openIncident } from '../test/helpers/incident';
import { FakeSlack } from '../test/fakes/slack/server';
import type { MemoryRequest, MemorySample } from './memory-worker';
import { TRACING_WORKFLOW_MODULE } from '../telemetry/tracing';
import { RAW_TASK_QUEUE } from './lib/raw';
import { rawOccurrence } from './fixtures/raw-workflow';
import { pool, progress, progressDone, round, sleep, until, within } from './lib/util';

const ROOT = resolve(__dirname, '..');
const CACHE = join(ROOT, 'node_modules/.cache/bench-memory');
const MiB = 1_048_576;

export type WorkerKind = 'incident' | 'incident-traced' | 'raw';

export interface MemoryRow {
  worker: WorkerKind;
  /** Where the workflows ran: this thread (debugMode: GC and heap figures reach them) or the SDK's worker thread (production; only RSS counts them). */
  mode: 'main thread' | 'worker thread';
  workflows: number;
  cached: number;
  /** Per cached workflow, (after - before) / cached, in KiB: V8 heap in use after GC, heap reserved, off-heap (external), RSS. */
  heapKiBPerWorkflow: number;
  heapTotalKiBPerWorkflow: number;
  externalKiBPerWorkflow: number;
  /** malloc'ed by V8 itself (zones, compiler), not counting the heap pages. */
  mallocedKiBPerWorkflow: number;
  rssKiBPerWorkflow: number;
  heapMiB: string;
  rssMiB: string;
  /** Seconds from the first open to all alerted and settled. */
  settledSeconds: number;
  snapshots?: [string, string];
}

/** The workflow bundles the measured workers load (built here once: no webpack in the measured process). */
async function bundles(): Promise<Record<WorkerKind, string>> {
  mkdirSync(CACHE, { recursive: true });
  const noop = () => undefined;
  const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop };
  const out = {} as Record<WorkerKind, string>;
  const incident = join(ROOT, 'workflows');
  for (const [kind, workflowsPath, interceptors] of [['incident', incident, []], ['incident-traced', incident, [TRACING_WORKFLOW_MODULE]], ['raw', join(__dirname, 'fixtures/raw-workflow.ts'), []]] as const) {
    // As worker/bundle.ts builds them: the traced bundle has the tracing workflow interceptors baked in.
    const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [...interceptors], logger });
    out[kind] = join(CACHE, `${kind}.js`);
    writeFileSync(out[kind], code);
  }
  return out;
}

/** The measured process and its IPC: one request at a time. */
class MeasuredWorker {
  private constructor(private readonly child: ChildProcess, private readonly exited: Promise<unknown>) {}

  static async start(kind: WorkerKind, threaded: boolean, address: string, bundle: string, configFile?: string): Promise<MeasuredWorker> {
    const child = fork(join(__dirname, 'memory-worker.ts'), [kind, address, bundle, ...(configFile ? [configFile] : [])], {
      cwd: ROOT,
      execArgv: ['--expose-gc', '-r', '@swc-node/register'],
      // debugMode: workflows in the process's main thread, where gc() and the heap statistics reach them.
      env: { ...process.env, NODE_OPTIONS: '', TEMPORAL_DEBUG: threaded ? '' : '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise((r) => child.once('exit', r));
    const ready = new Promise<void>((ok, fail) => {
      child.once('message', () => ok());
      child.once('exit', (code) => fail(new Error(`memory worker exited early (${code}); its stderr is above`)));
    });
    await within('memory worker ready', 120_000, ready);
    return new MeasuredWorker(child, exited);
  }

  private ask<T>(req: MemoryRequest, key: 'sample' | 'cached'): Promise<T> {
    return within(`memory worker ${req.cmd}`, 300_000, new Promise<T>((ok, fail) => {
      this.child.once('message', (m: { ok: boolean; error?: string } & Record<string, unknown>) => (m.ok ? ok(m[key] as T) : fail(new Error(m.error))));
      this.child.send(req);
    }));
  }

  measure(label: string, snapshotDir?: string): Promise<MemorySample> {
    return this.ask<MemorySample>({ cmd: 'measure', label, snapshotDir }, 'sample');
  }

  cached(): Promise<number> {
    return this.ask<number>({ cmd: 'cached' }, 'cached');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.send({ cmd: 'stop' });
    const force = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(force);
  }
}

/** The incident worker's config: the fake Slack, one channel, nobody escalated while we measure. */
function incidentConfig(dir: string, env: TestWorkflowEnvironment, fake: FakeSlack, channel: string, maxCached: number): string {
  writeFileSync(join(dir, 'bot-token'), fake.botToken);
  const raw = exampleRaw();
  raw.temporal = { address: env.address, namespace: 'default', taskQueue: 'incidents' };
  raw.dataDir = dir;
  raw.worker = { maxCachedWorkflows: maxCached };
  raw.alertUpdateDebounce = '2s'; // the shipped default
  raw.people[0].chat = { slack: 'U0ALICE01' };
  raw.schedules = [{ id: 'primary', timezone: 'UTC', layers: [{ rotation: 'weekly', start: '2020-01-06', participants: ['alice'] }] }];
  // Level 1 waits an hour: no escalation fires while the cache is measured.
  raw.escalationPolicies = [{ id: 'default', levels: [{ targets: [{ schedule: 'primary' }], delay: '1h' }], repeat: 0 }];
  raw.routing = { rules: [], default: { channels: [{ platform: 'slack', channel }], policy: 'default' } };
  raw.platforms = { local: { enabled: false }, slack: { enabled: true, botToken: { fromFile: join(dir, 'bot-token') }, signingSecret: { fromFile: join(dir, 'bot-token') }, slackApiUrl: fake.apiUrl, rateLimits: { enabled: false } } };
  raw.autoResolve = { enabled: false, quietPeriod: '2m' };
  raw.clusters = [];
  raw.intake = { acceptUnknownClusters: true };
  delete raw.kubectl;
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(raw));
  return file;
}

/** Opens `n` workflows of `kind` and waits until all are alerted, cached and quiet. */
async function openAndSettle(kind: WorkerKind, n: number, env: TestWorkflowEnvironment, worker: MeasuredWorker, fake?: FakeSlack, channel?: string): Promise<void> {
  const t0 = Date.now();
  const run = `${process.pid}-${t0}`;
  await pool(Array.from({ length: n }, (_, i) => i), 16, async (i) => {
    if (kind !== 'raw') await openIncident(env.client, anomaly({ cluster: 'bench', fingerprint: `memory-${run}-${i}` }));
    else await env.client.workflow.signalWithStart('rawIncident', { workflowId: `raw-${run}-${i}`, taskQueue: RAW_TASK_QUEUE, args: [{ alert: true }], signal: rawOccurrence, signalArgs: [{}] });
    progress(`${kind}: opened ${i + 1}/${n}`);
  });
  // Alerts are the top-level posts to the channel (page DMs are top-level posts too, elsewhere).
  const alerts = () => fake!.calls.filter((c) => c.method === 'chat.postMessage' && !c.params.thread_ts && c.response.ok === true && c.params.channel === channel).length;
  await until(`${n} ${kind} workflows alerted and cached`, 30 * 60_000, async () => {
    const cached = await worker.cached();
    progress(`${kind}: ${cached}/${n} cached${fake ? `, ${alerts()}/${n} alerted` : ''}`);
    return cached >= n && (!fake || alerts() >= n);
  }, 1_000);
  // Settled: the debounced card updates, diagnostics replies and pages that follow an alert are done.
  if (fake) await until('the fake Slack quiet for 5 s', 30 * 60_000, () => Date.now() - (fake.calls.at(-1)?.at ?? 0) > 5_000, 500);
  else await sleep(3_000);
  progressDone();
}

/** One measurement: a fresh dev server and worker process, 0 then `n` workflows. */
export async function measureCachedWorkflows(kind: WorkerKind, n: number, opts: { bundle: string; threaded?: boolean; snapshots?: boolean }): Promise<MemoryRow> {
  const dir = mkdtempSync(join(tmpdir(), 'incident-bench-memory-'));
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const env = await startDevServer();
    cleanups.push(() => env.teardown());
    let fake: FakeSlack | undefined;
    let configFile: string | undefined;
    let channel: string | undefined;
    if (kind !== 'raw') {
      fake = await FakeSlack.start();
      cleanups.push(() => fake!.stop());
      fake.addUser({ id: 'U0ALICE01', name: 'alice' });
      channel = fake.addChannel('incidents');
      configFile = incidentConfig(dir, env, fake, channel, Math.max(2_000, 2 * n));
    }
    const worker = await MeasuredWorker.start(kind, !!opts.threaded, env.address, opts.bundle, configFile);
    cleanups.push(() => worker.stop());
    await sleep(2_000); // pollers up, start-up garbage settled
    const snapshotDir = opts.snapshots ? join(CACHE, 'snapshots') : undefined;
    if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
    const before = await worker.measure(`${kind}-0`, snapshotDir);
    const t0 = Date.now();
    await openAndSettle(kind, n, env, worker, fake, channel);
    const settledSeconds = round((Date.now() - t0) / 1000, 1);
    const after = await worker.measure(`${kind}-${n}`, snapshotDir);
    const cached = after.cachedWorkflows - before.cachedWorkflows;
    const perWorkflow = (bytes: number) => round(bytes / Math.max(cached, 1) / 1024, 1);
    const per = (k: 'heapUsed' | 'heapTotal' | 'rss' | 'external') => perWorkflow(after[k] - before[k]);
    const mib = (b: number) => round(b / MiB, 1);
    return {
      worker: kind,
      mode: opts.threaded ? 'worker thread' : 'main thread',
      workflows: n,
      cached,
      heapKiBPerWorkflow: per('heapUsed'),
      heapTotalKiBPerWorkflow: per('heapTotal'),
      externalKiBPerWorkflow: per('external'),
      mallocedKiBPerWorkflow: perWorkflow(after.v8.malloced_memory! - before.v8.malloced_memory!),
      rssKiBPerWorkflow: per('rss'),
      heapMiB: `${mib(before.heapUsed)} -> ${mib(after.heapUsed)}`,
      rssMiB: `${mib(before.rss)} -> ${mib(after.rss)}`,
      settledSeconds,
      ...(before.snapshot && after.snapshot ? { snapshots: [before.snapshot, after.snapshot] as [string, string] } : {}),
    };
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((err: unknown) => console.error('cleanup:', err));
  }
}

/**
 * The incident and the raw worker at each size, one after the other (each in its own process and
 * dev server), with the workflows in the main thread; at the smallest size also the incident
 * worker with tracing on, at the largest also both as in production (workflows in a worker thread).
 */
export async function runMemoryBench(sizes = [200, 1_000], opts: { snapshots?: boolean } = {}): Promise<MemoryRow[]> {
  const paths = await bundles();
  const rows: MemoryRow[] = [];
  const [smallest, largest] = [Math.min(...sizes), Math.max(...sizes)];
  for (const n of sizes)
    for (const threaded of n === largest ? [false, true] : [false])
      for (const kind of ['incident', ...(n === smallest && !threaded ? ['incident-traced' as const] : []), 'raw'] as const) {
        process.stderr.write(`  memory: ${kind} worker, ${n} cached workflows in the ${threaded ? 'worker' : 'main'} thread\n`);
        rows.push(await measureCachedWorkflows(kind, n, { bundle: paths[kind], threaded, snapshots: opts.snapshots && !threaded }));
      }
  return rows;
}

if (require.main === module) {
  const sizes = (process.argv[2] ?? '200,1000').split(',').map(Number);
  runMemoryBench(sizes, { snapshots: process.env.MEMORY_SNAPSHOTS === '1' })
    .then((rows) => console.table(rows))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
