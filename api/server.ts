// Builds the api (without listening, so tests and main.ts share it): health, REST, anomaly intake,
// postmortems, and the local chat service with its page. Every error leaves as JSON with a
// sentence a person can act on; unexpected ones are logged with the request id and answered 500.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/schema';
import { postmortemStoreFromConfig } from '../activities/postmortem/stores';
import { TokenAuthenticator } from './auth';
import { ApiError } from './errors';
import { registerRest } from './rest';
import { registerAlertmanager } from './alertmanager/route';
import { registerMetrics } from './metrics';
import { registerInbound } from '../platforms/inbound';
import type { LocalChatStore } from '../platforms/local/inbound/store';
import type { PostmortemReader } from './postmortems';
import { registerRequestSpans } from '../telemetry/tracing';
import { fastifyLogging, type ApiLoggerOption } from '../logging/http';

export interface ApiDeps {
  config: Config;
  client: Client;
  /** Off (default), true or `{ level, stream }` for a logger built here, or the process logger (logging/). */
  logger?: ApiLoggerOption;
  /** Where token secrets are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Overrides for tests; by default built from config.dataDir. */
  chatStore?: LocalChatStore;
  postmortems?: PostmortemReader;
}

export const READY_TIMEOUT_MS = 2_000;
const BODY_LIMIT = 256 * 1024;

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const { config, client } = deps;
  // Read secrets first: a missing token secret must stop the start, naming the variable or file.
  const auth = TokenAuthenticator.fromConfig(config, deps.env ?? process.env);
  // One JSON format with the other processes; secrets redacted there (logging/index.ts).
  const app = Fastify({ ...fastifyLogging(deps.logger), bodyLimit: BODY_LIMIT });
  // Before any route: every request (chat clicks, REST, anomalies) gets its span when tracing is on.
  registerRequestSpans(app);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ApiError) {
      if (err.status >= 500) req.log.warn({ code: err.code, msg: err.message }, 'request failed');
      return reply.code(err.status).send(err.toBody());
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.code(415).send({ error: { code: 'unsupported_media_type', message: 'Send the body as JSON with "Content-Type: application/json".' } });
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send({ error: { code: 'body_too_large', message: `The body is larger than ${(req.routeOptions.bodyLimit ?? BODY_LIMIT) / 1024} KiB: split it into smaller requests.` } });
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return reply.code(400).send({ error: { code: 'invalid_json', message: 'The body is empty but declared as JSON: send {} or drop the Content-Type header.' } });
    if (err.statusCode === 400 && (err instanceof SyntaxError || /JSON/i.test(err.message)))
      return reply.code(400).send({ error: { code: 'invalid_json', message: `The body is not valid JSON (${err.message}).` } });
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: { code: 'bad_request', message: err.message } });
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send({ error: { code: 'internal_error', message: `Something failed inside the api (request ${req.id}); its log has the details.` } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}. The api serves /api/incidents, /api/anomalies, /api/alertmanager, /api/postmortems, /healthz, /readyz and /chat.` } }),
  );

  registerMetrics(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await client.withDeadline(Date.now() + READY_TIMEOUT_MS, () => client.workflowService.getSystemInfo({}));
      return { status: 'ready', temporal: config.temporal.address };
    } catch (err) {
      return reply.code(503).send({
        status: 'unavailable',
        error: { code: 'temporal_unavailable', message: `Temporal at ${config.temporal.address} did not answer within ${READY_TIMEOUT_MS} ms (${(err as Error).message}). Check temporal.address and that the server is up.` },
      });
    }
  });

  // Files by default, Elasticsearch when configured; a store we opened is ours to close.
  const ownStore = deps.postmortems ? undefined : postmortemStoreFromConfig(config, deps.env ?? process.env);
  if (ownStore?.close) app.addHook('onClose', async () => ownStore.close?.());
  const postmortems = deps.postmortems ?? ownStore!;
  registerRest(app, { config, client, auth, postmortems });
  registerAlertmanager(app, { config, client, auth, env: deps.env ?? process.env });
  // Chat platforms (platforms/inbound.ts): each registers its routes when it is enabled.
  await registerInbound(app, { config, client, env: deps.env ?? process.env, postmortems, chatStore: deps.chatStore });
  return app;
}
