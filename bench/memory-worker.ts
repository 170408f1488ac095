// The process bench/memory.ts measures: one worker (the real incident worker, or the raw
// fixture's) IN this process and nothing else that grows with the workflows (the dev server,
// the fake Slack and the client opening incidents live in the parent). The parent asks over IPC
// for a measurement: full GC, then process.memoryUsage(), v8.getHeapStatistics(), the SDK's count
// of cached workflows and, if asked, a heap snapshot.
//
// Workflows run in THIS thread (TEMPORAL_DEBUG=1, the SDK's debugMode, set by the parent): in
// production they run in a worker thread with its own V8 heap, which neither this thread's heap
// statistics nor global.gc() reach. Both modes use the same reusable-V8-context workflow creator,
// so a cached workflow holds the same objects either way.
// Run by bench/memory.ts: node --expose-gc -r @swc-node/register bench/memory-worker.ts <incident|incident-traced|raw> <address> <bundle> [config.yaml]
import { readFileSync, writeFileSync } from 'node:fs';
import { writeHeapSnapshot, getHeapStatistics } from 'node:v8';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfigFile } from '../config/load';
import { Client } from '@temporalio/client';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createIncidentWorker, incidentWorkerOptions } from '../worker/worker';
import { SilenceCache } from '../activities/config-lookups/silences-cache';
import { startTracing } from '../telemetry/tracing';
import { RAW_TASK_QUEUE } from './lib/raw';

export interface MemorySample {
  label: string;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** v8.getHeapStatistics(): used_heap_size, malloced_memory, number_of_native_contexts ... */
  v8: Record<string, number>;
  cachedWorkflows: number;
  snapshot?: string;
}

export type MemoryRequest = { cmd: 'measure'; label: string; snapshotDir?: string } | { cmd: 'cached' } | { cmd: 'stop' };

const gc = (globalThis as { gc?: () => void }).gc;

function measure(worker: Worker, label: string, snapshotDir?: string): MemorySample {
  if (!gc) throw new Error('run with node --expose-gc: the measurement needs a full GC first');
  // Twice: the first pass runs finalizers (WeakRefs, FinalizationRegistry) whose garbage the second collects.
  gc();
  gc();
  const m = process.memoryUsage();
  const sample: MemorySample = {
    label,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    v8: getHeapStatistics() as unknown as Record<string, number>,
    cachedWorkflows: worker.getStatus().numCachedWorkflows,
  };
  if (snapshotDir) sample.snapshot = writeHeapSnapshot(`${snapshotDir}/${label}.heapsnapshot`);
  // MEM_SMAPS=<dir>: the kernel's map of this process's memory too (V8 pages, malloc arenas, [heap]).
  if (process.env.MEM_SMAPS) writeFileSync(`${process.env.MEM_SMAPS}/${label}.smaps`, readFileSync('/proc/self/smaps'));
  return sample;
}

async function createWorker(kind: string, connection: NativeConnection, bundle: string, configFile?: string): Promise<Worker> {
  if (kind === 'incident') {
    if (!configFile) throw new Error('the incident worker needs its config file');
    return createIncidentWorker({ connection, namespace: 'default', config: loadConfigFile(configFile), workflowBundlePath: bundle, tracing: null });
  }
  if (kind === 'incident-traced') return createTracedIncidentWorker(connection, bundle, configFile!);
  if (kind !== 'raw') throw new Error(`unknown worker kind ${kind}: incident, incident-traced or raw`);
  return Worker.create({
    connection,
    taskQueue: RAW_TASK_QUEUE,
    workflowBundle: { codePath: bundle },
    maxCachedWorkflows: Number(process.env.MEM_MAX_CACHED ?? 2_000),
    // The raw workflow's one activity, standing for the alert post; it has nowhere to post here.
    activities: { async alert() {} },
  });
}

/**
 * The incident worker with tracing on, as worker/main.ts runs it (the traced bundle, the span
 * sink), its spans dropped here: what the workflow interceptors add per cached workflow.
 * incidentWorkerOptions refuses a bundle path with tracing on (it cannot tell a traced bundle),
 * so the plain options get the traced bundle and the tracing options here.
 */
async function createTracedIncidentWorker(connection: NativeConnection, bundle: string, configFile: string): Promise<Worker> {
  const dropped: SpanProcessor = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };
  const tracing = await startTracing({ enabled: true, serviceName: 'bench-memory', destination: 'nowhere (bench/memory-worker.ts drops the spans)' }, { spanProcessor: dropped });
  const config = loadConfigFile(configFile);
  const silences = new SilenceCache(new Client({ connection, namespace: 'default' }));
  const options = incidentWorkerOptions({ connection, namespace: 'default', config, silences, tracing: null, workflowBundlePath: bundle });
  const worker = await Worker.create({ ...options, ...tracing!.workerOptions(false) });
  silences.start(config.silences.refreshInterval, () => worker.getState() !== 'RUNNING' && worker.getState() !== 'INITIALIZED');
  return worker;
}

async function main(): Promise<void> {
  const [kind, address, bundle, configFile] = process.argv.slice(2);
  if (!kind || !address || !bundle || !process.send) throw new Error('usage (forked by bench/memory.ts): memory-worker.ts <incident|incident-traced|raw> <address> <bundle> [config.yaml]');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const worker = await createWorker(kind, connection, bundle, configFile);
  const running = worker.run();
  process.on('message', (req: MemoryRequest) => {
    if (req.cmd === 'stop') return void worker.shutdown();
    if (req.cmd === 'cached') return void process.send!({ ok: true, cached: worker.getStatus().numCachedWorkflows });
    try {
      process.send!({ ok: true, sample: measure(worker, req.label, req.snapshotDir) });
    } catch (err) {
      process.send!({ ok: false, error: (err as Error).message });
    }
  });
  process.send({ ready: true });
  await running;
  await connection.close();
  process.disconnect();
}

main().catch((err) => {
  process.stderr.write(`memory worker failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
