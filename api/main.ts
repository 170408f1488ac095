// Process entry of the api: config -> Temporal client -> HTTP server. Stops cleanly on SIGTERM and
// SIGINT (finish in-flight requests, write the local chat, close the connection). Logs are JSON
// lines (logging/): tokens are read from the environment or files, and every resolved secret value
// is scrubbed from every line.
import { loadConfigOrExit } from '../config/load';
import { processLogger } from '../logging/process';
import { buildApi } from './server';
import { connectTemporalClient, createTemporalClient } from '../temporal/connection';
import { describeTracing } from '../telemetry/settings';
import { startTracingFromConfig, stopTracing } from '../telemetry/tracing';

const SHUTDOWN_GRACE_MS = 10_000;

let log = processLogger('api');

async function main(): Promise<void> {
  const config = loadConfigOrExit(undefined, (err) => log.fatal({ configFile: err.source, problems: err.problems }, err.message));
  log = processLogger('api', config);
  // Before the Client: its interceptors carry each request's span into Temporal.
  const tracing = await startTracingFromConfig(config, 'api');
  if (tracing) log.info(describeTracing(tracing.settings));
  // Errors name the config path and the likely cause (TLS, client certificate, API key).
  const connection = await connectTemporalClient(config.temporal, { log: (m) => log.warn(`temporal: ${m}`) });
  const client = createTemporalClient(connection, config.temporal.namespace);
  const app = await buildApi({ config, client, logger: log });

  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(config.api.host);
  if (config.platforms.local.enabled && !loopback)
    app.log.warn(`the local chat (no login, trusts the selected user) is reachable on ${config.api.host}; set platforms.local.enabled: false outside development`);
  if (config.api.tokens.length === 0) app.log.warn('no api.tokens configured: REST and anomaly intake will answer 401 to everyone');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: shutting down`);
    const force = setTimeout(() => {
      app.log.error(`shutdown took longer than ${SHUTDOWN_GRACE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    app
      .close()
      .then(() => connection.close())
      .then(() => stopTracing())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  await app.listen({ host: config.api.host, port: config.api.port });
}

main().catch((err: unknown) => {
  log.fatal(`api failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
