// Worker process: config -> Temporal connection (temporal/connection.ts: TLS, mTLS, API key) ->
// activities -> Worker, replaced when the TLS files rotate, with /healthz and /readyz on
// worker.host:worker.port. SIGTERM/SIGINT drain the worker gracefully (the SDK stops polling and
// waits for running activities).
import { DefaultLogger } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/load';
import { connectTemporalClient } from '../temporal/connection';
import { startWorkerHealth } from './health';
import { installRuntime, workerMetrics } from './metrics';
import { runRotatingWorker } from './rotating';
import { chatStartupChecks, missingSearchAttributes, missingSearchAttributesMessage, startupAdvice } from './preflight';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  installRuntime(config.worker, { logger: new DefaultLogger((process.env.LOG_LEVEL as 'INFO') ?? 'INFO'), shutdownSignals: ['SIGINT', 'SIGTERM'] });
  const { address, namespace } = config.temporal;
  const probe = await connectTemporalClient(config.temporal);
  const missing = await missingSearchAttributes(probe, namespace).finally(() => probe.close());
  if (missing.length > 0) {
    process.stderr.write(`${missingSearchAttributesMessage(namespace, missing)}\n`);
    process.exit(2);
  }
  for (const advice of startupAdvice(config)) process.stderr.write(`note: ${advice}\n`);
  // Chat tokens and scopes: retries are the only posts that look for earlier copies, so say gaps now.
  const chat = await chatStartupChecks(config);
  for (const note of chat.notes) process.stderr.write(`note: ${note}\n`);
  if (chat.fatal.length > 0) {
    process.stderr.write(`${chat.fatal.join('\n')}\n`);
    process.exit(2);
  }
  const running = await runRotatingWorker({ temporal: config.temporal, config, lifecycleLog: (line) => process.stdout.write(`${line}\n`) });
  const health = await startWorkerHealth({
    host: config.worker.host,
    port: config.worker.port,
    source: { state: () => running.current().worker.getState(), ping: () => running.current().connection.workflowService.getSystemInfo({}) },
    metrics: workerMetrics,
  }).catch((err: unknown) => {
    running.shutdown();
    throw err;
  });
  process.stdout.write(`worker polling task queue "${config.temporal.taskQueue}" on ${address} (namespace ${namespace}); health on ${health.url}/healthz and /readyz, metrics on ${health.url}/metrics${config.worker.sdkMetricsPort ? ` and Temporal SDK metrics on port ${config.worker.sdkMetricsPort}` : ''}\n`);
  try {
    await running.done;
  } finally {
    await health.close();
  }
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${(err as Error).message}\n`);
  process.exit(1);
});
