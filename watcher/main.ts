// Watcher process: `node watcher/main.js --config <file> --cluster <name>`. Validates the config
// once, connects to Temporal, then watches the cluster while it holds the Lease. SIGTERM/SIGINT:
// stop watching, send what is buffered, release the Lease (a standby takes over at once), exit 0.
// It never loads chat code: anomalies go to Temporal, the worker does the talking. Every line it
// prints is JSON (logging/), with the cluster on each.
import { loadConfigOrExit } from '../config/load';
import { startupLog } from '../logging';
import { processLogger } from '../logging/process';
import { watcherLogger } from './log';
import { KubeConfigError } from '../kube/client';
import { pickCluster, startClusterWatcher } from './run';
import { connectTemporalClient, createTemporalClient } from '../temporal/connection';
import { describeTracing } from '../telemetry/settings';
import { startTracingFromConfig, stopTracing } from '../telemetry/tracing';

const SHUTDOWN_GRACE_MS = 20_000;

let log = processLogger('watcher');

function arg(name: string, argv = process.argv): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function fail(message: string, code: number): never {
  log.fatal(message);
  process.exit(code);
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(undefined, (err) => log.fatal({ configFile: err.source, problems: err.problems }, err.message));
  log = processLogger('watcher', config);
  let clusterName: string;
  try {
    clusterName = pickCluster(config, arg('--cluster') ?? process.env.WATCH_CLUSTER).name;
  } catch (err) {
    fail((err as Error).message, 2);
  }
  const httpPort = arg('--http-port');
  if (httpPort !== undefined && !/^\d+$/.test(httpPort)) fail(`--http-port must be a port number, got "${httpPort}"`, 2);
  const processLog = log;
  log = log.child({ cluster: clusterName });
  // Before the Client: with tracing on, each signal-with-start is the root span of its anomaly's trace.
  const tracing = await startTracingFromConfig(config, 'watcher').catch((err: Error) => fail(err.message, 2));
  if (tracing) log.info(describeTracing(tracing.settings));
  const connection = await connectTemporalClient(config.temporal, { log: (m) => log.warn(`temporal: ${m}`) }).catch((err: Error) => fail(err.message, 1));
  const client = createTemporalClient(connection, config.temporal.namespace);
  let running;
  try {
    running = await startClusterWatcher({
      config,
      cluster: clusterName,
      client,
      http: { host: arg('--http-host'), port: httpPort === undefined ? undefined : Number(httpPort) },
      identity: arg('--identity'),
      log: watcherLogger(processLog, clusterName),
    });
  } catch (err) {
    await connection.close();
    fail((err as Error).message, err instanceof KubeConfigError ? 2 : 1);
  }
  startupLog(log).info(`watcher for cluster ${clusterName} running as ${running.identity}; metrics on ${running.url}/metrics`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping (releasing the lease)`);
    setTimeout(() => fail(`shutdown took longer than ${SHUTDOWN_GRACE_MS} ms; exiting`, 1), SHUTDOWN_GRACE_MS).unref();
    running
      .stop()
      .then(() => connection.close())
      .then(() => stopTracing())
      .then(
        () => process.exit(0),
        (err: unknown) => fail(`error during shutdown: ${(err as Error).message}`, 1),
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => fail(`failed: ${err instanceof Error ? err.message : String(err)}`, 1));
