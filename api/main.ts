// Process entry of the api: config -> Temporal client -> HTTP server. Stops cleanly on SIGTERM and
// SIGINT (finish in-flight requests, write the local chat, close the connection). Logs never carry
// secrets: tokens are read from the environment or files and only their names are ever printed.
import { Client } from '@temporalio/client';
import { loadConfigOrExit } from '../config/load';
import { buildApi } from './server';
import { connectTemporalClient } from '../temporal/connection';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // Errors name the config path and the likely cause (TLS, client certificate, API key).
  const connection = await connectTemporalClient(config.temporal);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const app = await buildApi({ config, client, logger: { level: process.env.LOG_LEVEL ?? 'info' } });

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
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
