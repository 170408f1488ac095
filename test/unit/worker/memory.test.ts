// The worker's heap plan (worker/memory.ts): the workflow thread's V8 heap capped from the memory
// limit, a sticky cache that cannot fit refused at start-up with what to change, and the flags
// reaching a thread created after they are set (as the Worker's workflow thread is).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CACHED_INCIDENT_MIB, describeHeapPlan, planHeap, WORKFLOW_BASE_MIB, type HeapPlanInput } from '../../../worker/memory';
import { workerTuningOptions } from '../../../worker/tuning';
import { testConfig } from '../../helpers/config';

const MiB = 1024 * 1024;
const host = 24 * 1024 * MiB;
const base: HeapPlanInput = { total: host, constrained: Number.MAX_SAFE_INTEGER, maxCachedWorkflows: 500, tracing: false, mainHeapLimit: 304 * MiB };

describe('the heap plan of the worker', () => {
  it('caps the workflow heap at 40% of worker.memoryLimit and says what the cache needs', () => {
    const { plan, problems, notes } = planHeap({ ...base, configured: 1024 * MiB });
    expect(plan).toEqual({ limitBytes: 1024 * MiB, source: 'worker.memoryLimit', workflowOldSpaceMiB: 409, semiSpaceMiB: 16, cacheNeedMiB: WORKFLOW_BASE_MIB + 500 * CACHED_INCIDENT_MIB });
    expect(problems).toEqual([]);
    expect(notes).toEqual([]);
  });

  it('takes the container limit when nothing is configured, and none when the process is not constrained', () => {
    expect(planHeap({ ...base, constrained: 2048 * MiB }).plan).toMatchObject({ source: 'container limit', workflowOldSpaceMiB: 819 });
    const none = planHeap(base);
    expect(none.plan).toBeUndefined();
    expect(none.problems).toEqual([]);
    expect(none.notes).toEqual([expect.stringContaining('no memory limit (worker.memoryLimit unset, no container limit)')]);
  });

  it('refuses a sticky cache that cannot fit, naming the keys and a cache size that does fit', () => {
    const { problems } = planHeap({ ...base, configured: 1024 * MiB, maxCachedWorkflows: 2000 });
    expect(problems).toEqual([
      'worker.maxCachedWorkflows 2000 needs about 864 MiB of workflow heap, but the worker.memoryLimit of 1024 MiB leaves it 409 MiB (40%): lower worker.maxCachedWorkflows to 862 or less (or set it to auto), or raise the memory limit to at least 2160 MiB',
    ]);
    expect(planHeap({ ...base, configured: 1024 * MiB, maxCachedWorkflows: 862 }).problems).toEqual([]);
    expect(planHeap({ ...base, configured: 1024 * MiB, maxCachedWorkflows: 863 }).problems).toHaveLength(1);
    expect(planHeap({ ...base, configured: 2160 * MiB, maxCachedWorkflows: 2000 }).problems).toEqual([]);
  });

  it('sizes an auto cache at 90% of what the workflow heap holds, in tens, with tracing counted', () => {
    const oneGiB = planHeap({ ...base, configured: 1024 * MiB, maxCachedWorkflows: 'auto' });
    expect(oneGiB).toMatchObject({ maxCachedWorkflows: 770, cacheSource: 'auto', problems: [], notes: [] });
    expect(oneGiB.plan!.cacheNeedMiB).toBe(64 + 770 * CACHED_INCIDENT_MIB);
    expect(describeHeapPlan(oneGiB.plan!, oneGiB.maxCachedWorkflows, oneGiB.cacheSource)).toBe(
      'workflow heap capped at 409 MiB (semi-space 16 MiB) for the worker.memoryLimit of 1024 MiB; a sticky cache of 770 incidents (auto: 90% of what it holds) needs about 372 MiB',
    );
    expect(planHeap({ ...base, configured: 1024 * MiB, maxCachedWorkflows: 'auto', tracing: true })).toMatchObject({ maxCachedWorkflows: 470, problems: [] });
    expect(planHeap({ ...base, constrained: 4096 * MiB, maxCachedWorkflows: 'auto' })).toMatchObject({ maxCachedWorkflows: 3540, cacheSource: 'auto', problems: [] });
    // A configured number is taken as it is, even when auto would choose more.
    expect(planHeap({ ...base, configured: 1024 * MiB, maxCachedWorkflows: 300 })).toMatchObject({ maxCachedWorkflows: 300, cacheSource: 'configured' });
  });

  it('keeps the earlier fixed cache of 500 when there is no limit to size it from', () => {
    const none = planHeap({ ...base, maxCachedWorkflows: 'auto' });
    expect(none.plan).toBeUndefined();
    expect(none.maxCachedWorkflows).toBe(500);
    // A worker built without the process's plan (tests, tools) runs with the same.
    expect(workerTuningOptions(testConfig().worker).maxCachedWorkflows).toBe(500);
    expect(workerTuningOptions(testConfig((raw) => (raw.worker = { maxCachedWorkflows: 42 })).worker).maxCachedWorkflows).toBe(42);
  });

  it('says when a limit leaves no room for an auto cache, instead of refusing to start', () => {
    const { maxCachedWorkflows, problems, notes } = planHeap({ ...base, configured: 160 * MiB, maxCachedWorkflows: 'auto', mainHeapLimit: 0 });
    expect({ maxCachedWorkflows, problems }).toEqual({ maxCachedWorkflows: 0, problems: [] });
    expect(notes).toContain('the worker.memoryLimit of 160 MiB leaves no room for a sticky cache: every workflow task replays its incident\'s history; raise the limit (1Gi holds 770 incidents)');
  });

  it('counts tracing, which costs each cached incident more heap', () => {
    expect(planHeap({ ...base, configured: 1024 * MiB, maxCachedWorkflows: 500, tracing: true }).problems).toEqual([]);
    expect(planHeap({ ...base, configured: 1024 * MiB, maxCachedWorkflows: 800, tracing: true }).problems[0]).toMatch(/needs about 584 MiB of workflow heap \(tracing on\)/);
  });

  it('says how to cap the main thread when its heap could outgrow the limit (the chart sets it)', () => {
    const { notes, problems } = planHeap({ ...base, configured: 1024 * MiB, mainHeapLimit: 4288 * MiB });
    expect(problems).toEqual([]);
    expect(notes).toEqual([
      "the main thread's heap may grow to 4288 MiB, more than the 439 MiB the worker.memoryLimit leaves it: start the worker with NODE_OPTIONS=\"--max-old-space-size=351 --max-semi-space-size=16\" (the Helm chart does)",
    ]);
  });
});

describe('applying the heap plan', () => {
  it('caps the heap of a thread started afterwards, as the Worker starts its workflow thread', () => {
    // In a child process: V8 flags are process-wide and would reach Jest's own threads.
    const script = `
      const { applyHeapPlan } = require(${JSON.stringify(join(__dirname, '../../../worker/memory'))});
      const { Worker } = require('node:worker_threads');
      const before = require('node:v8').getHeapStatistics().heap_size_limit;
      applyHeapPlan({ limitBytes: 1, source: 'worker.memoryLimit', workflowOldSpaceMiB: 200, semiSpaceMiB: 8, cacheNeedMiB: 1 });
      const w = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)", { eval: true });
      w.once('message', (limit) => { console.log(JSON.stringify({ before, limit })); w.terminate(); });
    `;
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: join(__dirname, '../../..'), env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8' });
    const { before, limit } = JSON.parse(out.trim().split('\n').at(-1)!) as { before: number; limit: number };
    // heap_size_limit = old space + 3 semi-spaces (young generation).
    expect(limit).toBe((200 + 3 * 8) * MiB);
    expect(before).toBeGreaterThan(limit); // the main isolate keeps what it started with
  });
});
