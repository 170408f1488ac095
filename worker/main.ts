// Worker process: config -> Temporal connection -> activities -> Worker. SIGTERM/SIGINT drain the
// worker gracefully (the SDK stops polling and waits for running activities).
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/load';
import { Connection } from '@temporalio/client';
import { createIncidentWorker } from './worker';
import { missingSearchAttributes, missingSearchAttributesMessage, startupAdvice } from './preflight';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  Runtime.install({ logger: new DefaultLogger((process.env.LOG_LEVEL as 'INFO') ?? 'INFO'), shutdownSignals: ['SIGINT', 'SIGTERM'] });
  const { address, namespace } = config.temporal;
  const probe = await Connection.connect({ address });
  const missing = await missingSearchAttributes(probe, namespace).finally(() => probe.close());
  if (missing.length > 0) {
    process.stderr.write(`${missingSearchAttributesMessage(namespace, missing)}\n`);
    process.exit(2);
  }
  for (const advice of startupAdvice(config)) process.stderr.write(`note: ${advice}\n`);
  const connection = await NativeConnection.connect({ address });
  const worker = await createIncidentWorker({ connection, namespace: config.temporal.namespace, config });
  process.stdout.write(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address} (namespace ${config.temporal.namespace})\n`);
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${(err as Error).message}\n`);
  process.exit(1);
});
