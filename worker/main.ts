// Worker process: config -> Temporal connection (temporal/connection.ts: TLS, mTLS, API key) ->
// activities -> Worker, replaced when the TLS files rotate, with /healthz and /readyz on
// worker.host:worker.port. SIGTERM/SIGINT drain the worker gracefully (the SDK stops polling and
// waits for running activities). Every line it prints is JSON (logging/): the SDK's, core's,
// workflow and activity logs go through the Runtime logger into the same pino logger.
import { loadConfigOrExit } from '../config/load';
import { activityInfo } from '../activities/log';
import { startupLog } from '../logging';
import { processLogger } from '../logging/process';
import { runtimeLogging, temporalLogger } from '../logging/temporal';
import { connectTemporalClient } from '../temporal/connection';
import { describeTracing } from '../telemetry/settings';
import { startTracingFromConfig, stopTracing } from '../telemetry/tracing';
import { startWorkerHealth } from './health';
import { applyHeapPlan, describeHeapPlan, heapPlanInput, planHeap } from './memory';
import { installRuntime, recordMemoryLimit, recordStickyCacheCapacity, workerMetrics } from './metrics';
import { runRotatingWorker } from './rotating';
import { chatStartupChecks, missingSearchAttributes, missingSearchAttributesMessage, startupAdvice } from './preflight';

let log = processLogger('worker');

async function main(): Promise<void> {
  const loaded = loadConfigOrExit(undefined, (err) => log.fatal({ configFile: err.source, problems: err.problems }, err.message));
  log = processLogger('worker', loaded);
  // Before the Worker: it takes the tracing interceptors and the traced bundle when this is on.
  const tracing = await startTracingFromConfig(loaded, 'worker');
  if (tracing) log.info(describeTracing(tracing.settings));
  // Before the Worker creates its workflow thread: V8 sizes that isolate's heap when it starts.
  const heap = planHeap(heapPlanInput(loaded.worker.memoryLimit, loaded.worker.maxCachedWorkflows, !!tracing));
  if (heap.problems.length > 0) {
    for (const problem of heap.problems) log.fatal(problem);
    process.exit(2);
  }
  // Without a plan the note only says there is no limit (a dev machine): not a warning.
  for (const note of heap.notes) if (heap.plan) log.warn(`note: ${note}`); else log.info(`note: ${note}`);
  recordMemoryLimit(heap.plan?.limitBytes);
  recordStickyCacheCapacity(heap.maxCachedWorkflows);
  if (heap.plan) {
    applyHeapPlan(heap.plan);
    log.info(describeHeapPlan(heap.plan, heap.maxCachedWorkflows, heap.cacheSource));
  }
  // The config from here on carries the cache the plan chose (`auto` resolved).
  const config = { ...loaded, worker: { ...loaded.worker, maxCachedWorkflows: heap.maxCachedWorkflows } };
  installRuntime(config.worker, {
    logger: temporalLogger(log),
    telemetryOptions: { logging: runtimeLogging(log.level) },
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
  const { address, namespace } = config.temporal;
  const temporalLog = (m: string) => log.warn(`temporal: ${m}`);
  const probe = await connectTemporalClient(config.temporal, { log: temporalLog });
  const missing = await missingSearchAttributes(probe, namespace).finally(() => probe.close());
  if (missing.length > 0) {
    log.fatal(missingSearchAttributesMessage(namespace, missing));
    process.exit(2);
  }
  for (const advice of startupAdvice(config)) log.info(`note: ${advice}`);
  // Chat tokens and scopes: retries are the only posts that look for earlier copies, so say gaps now.
  const chat = await chatStartupChecks(config);
  for (const note of chat.notes) log.warn(`note: ${note}`);
  if (chat.fatal.length > 0) {
    for (const problem of chat.fatal) log.fatal(problem);
    process.exit(2);
  }
  const running = await runRotatingWorker({
    temporal: config.temporal,
    connect: { log: temporalLog },
    config,
    log: (m) => log.warn(m),
    // One line per lifecycle event, in the activity's log (incident, workflow and run ids).
    lifecycleLog: (line) => activityInfo(line, { lifecycle: true }),
  });
  const health = await startWorkerHealth({
    host: config.worker.host,
    port: config.worker.port,
    source: { state: () => running.current().worker.getState(), ping: () => running.current().connection.workflowService.getSystemInfo({}) },
    metrics: workerMetrics,
    log,
  }).catch((err: unknown) => {
    running.shutdown();
    throw err;
  });
  startupLog(log).info(`worker polling task queue "${config.temporal.taskQueue}" on ${address} (namespace ${namespace}); health on ${health.url}/healthz and /readyz, metrics on ${health.url}/metrics${config.worker.sdkMetricsPort ? ` and Temporal SDK metrics on port ${config.worker.sdkMetricsPort}` : ''}`);
  try {
    await running.done;
  } finally {
    await health.close();
    await stopTracing();
  }
}

main().catch((err) => {
  log.fatal(`worker failed: ${(err as Error).message}`);
  process.exit(1);
});
