// Watcher process: `node watcher/main.js --config <file> --cluster <name>`. Validates the config
// once, connects to Temporal, then watches the cluster while it holds the Lease. SIGTERM/SIGINT:
// stop watching, send what is buffered, release the Lease (a standby takes over at once), exit 0.
// It never loads chat code: anomalies go to Temporal, the worker does the talking.
import { Client } from '@temporalio/client';
import { loadConfigOrExit } from '../config/load';
import { KubeConfigError } from '../kube/client';
import { pickCluster, startClusterWatcher } from './run';
import { connectTemporalClient } from '../temporal/connection';

const SHUTDOWN_GRACE_MS = 20_000;

function arg(name: string, argv = process.argv): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function fail(message: string, code: number): never {
  process.stderr.write(`watcher: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  let clusterName: string;
  try {
    clusterName = pickCluster(config, arg('--cluster') ?? process.env.WATCH_CLUSTER).name;
  } catch (err) {
    fail((err as Error).message, 2);
  }
  const httpPort = arg('--http-port');
  if (httpPort !== undefined && !/^\d+$/.test(httpPort)) fail(`--http-port must be a port number, got "${httpPort}"`, 2);
  const connection = await connectTemporalClient(config.temporal).catch((err: Error) => fail(err.message, 1));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  let running;
  try {
    running = await startClusterWatcher({
      config,
      cluster: clusterName,
      client,
      http: { host: arg('--http-host'), port: httpPort === undefined ? undefined : Number(httpPort) },
      identity: arg('--identity'),
    });
  } catch (err) {
    await connection.close();
    fail((err as Error).message, err instanceof KubeConfigError ? 2 : 1);
  }
  process.stdout.write(`watcher for cluster ${clusterName} running as ${running.identity}; metrics on ${running.url}/metrics\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`watcher: ${signal}: stopping (releasing the lease)\n`);
    setTimeout(() => fail(`shutdown took longer than ${SHUTDOWN_GRACE_MS} ms; exiting`, 1), SHUTDOWN_GRACE_MS).unref();
    running
      .stop()
      .then(() => connection.close())
      .then(
        () => process.exit(0),
        (err: unknown) => fail(`error during shutdown: ${(err as Error).message}`, 1),
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => fail(`failed: ${err instanceof Error ? err.message : String(err)}`, 1));
