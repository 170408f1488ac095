// The Elasticsearch connection shared by the postmortem store and the event archive, and the
// mapping of client errors to activity failures. The client does not retry (maxRetries 0):
// Temporal's retry policy owns retries, so an outage shows as attempts in the workflow history
// instead of hiding inside one long activity call.
//
// Client 9 sends `compatible-with=9` in Accept/Content-Type; Elasticsearch 9 accepts 9 and 8,
// Elasticsearch 8 only 8 and 7. `compatibleWith: 8` sends 8 instead (works with both servers).
// The client refuses any 2xx answer without `X-Elastic-Product: Elasticsearch`
// (ProductNotSupportedError): a proxy or another product in front is not Elasticsearch.
import { readFileSync } from 'node:fs';
import { Client, errors as esErrors, type TransportRequestOptions } from '@elastic/elasticsearch';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { Config } from '../../config/schema';
import { readSecret } from '../../config/load';
import { ErrorTypes, permanentFailure, rateLimited, unavailable } from '../errors';

export type ElasticConfig = NonNullable<Config['elasticsearch']>;

export interface ElasticConnection {
  client: Client;
  node: string;
  /** Request options for an NDJSON body (_bulk), carrying the right compatibility header. */
  ndjson: TransportRequestOptions;
  close(): Promise<void>;
}

const vendored = (kind: 'json' | 'x-ndjson', v: number) => `application/vnd.elasticsearch+${kind}; compatible-with=${v}`;

export function connectElastic(cfg: ElasticConfig, env: NodeJS.ProcessEnv = process.env): ElasticConnection {
  const auth = !cfg.auth
    ? undefined
    : 'apiKey' in cfg.auth
      ? { apiKey: readSecret(cfg.auth.apiKey, env) }
      : { username: cfg.auth.username, password: readSecret(cfg.auth.password, env) };
  // Client 9 already sends 9; for an Elasticsearch 8 server every request must say 8 instead.
  const compat8 = cfg.compatibleWith === 8;
  const client = new Client({
    node: cfg.node,
    ...(auth ? { auth } : {}),
    maxRetries: 0,
    requestTimeout: cfg.requestTimeout,
    name: 'k8s-incident-flow',
    ...(cfg.caFile ? { tls: { ca: readFileSync(cfg.caFile) } } : {}),
    ...(compat8 ? { headers: { accept: vendored('json', 8), 'content-type': vendored('json', 8) } } : {}),
  });
  return {
    client,
    node: cfg.node.replace(/\/+$/, ''),
    ndjson: compat8 ? { headers: { 'content-type': vendored('x-ndjson', 8) } } : {},
    close: () => client.close(),
  };
}

/** Status and Elasticsearch error type of a failed call, when the server answered. */
export function responseOf(err: unknown): { status: number; type?: string; reason?: string } | undefined {
  if (!(err instanceof esErrors.ResponseError)) return undefined;
  const body = err.meta.body as { error?: { type?: string; reason?: string; caused_by?: { reason?: string } } | string } | undefined;
  const e = typeof body?.error === 'object' ? body.error : undefined;
  const reason = e?.caused_by?.reason ? `${e.reason}: ${e.caused_by.reason}` : (e?.reason ?? (typeof body?.error === 'string' ? body.error : undefined));
  return { status: err.meta.statusCode ?? 0, type: e?.type, reason };
}

function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // called outside an activity (tests, the api)
  }
}

/** Backoff for 429s: Elasticsearch sends no Retry-After, so grow with the attempt (1s .. 1m). */
export const rateLimitDelayMs = (n = attempt()): number => Math.min(60_000, 1000 * 2 ** Math.max(0, n - 1));

/**
 * Maps a client error to what Temporal should do. Never includes request headers or bodies (the
 * credentials travel in headers); only status, Elasticsearch's error type and its reason.
 */
export function elasticFailure(err: unknown, doing: string, node: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const r = responseOf(err);
  const where = `Elasticsearch at ${node}`;
  if (r) {
    const what = `${where} answered ${r.status}${r.type ? ` ${r.type}` : ''}${r.reason ? ` (${r.reason})` : ''} to ${doing}`;
    if (r.status === 429) return rateLimited(`${what}; retrying later`, rateLimitDelayMs());
    // Credentials get fixed and rolled out while the activity keeps retrying: retryable, typed.
    if (r.status === 401 || r.status === 403)
      return ApplicationFailure.create({ type: ErrorTypes.invalidAuth, message: `${what}: check elasticsearch.auth (the API key or user and its privileges)`, nonRetryable: false });
    if (r.type === 'media_type_header_exception')
      return permanentFailure(ErrorTypes.invalidRequest, `${what}: the server does not speak this REST API version; set elasticsearch.compatibleWith to 8 for an Elasticsearch 8 server`);
    if (r.status >= 400 && r.status < 500 && r.status !== 404 && r.status !== 408 && r.status !== 409)
      return permanentFailure(ErrorTypes.invalidRequest, `${what}: the request itself is wrong (mapping or document), so retrying cannot help`);
    return unavailable(`${what}; retrying`);
  }
  if (err instanceof esErrors.ProductNotSupportedError)
    return permanentFailure(ErrorTypes.invalidRequest, `${where} is not Elasticsearch (no "X-Elastic-Product: Elasticsearch" header): check elasticsearch.node`);
  if (err instanceof esErrors.ConfigurationError) return permanentFailure(ErrorTypes.invalidRequest, `Elasticsearch client configuration: ${err.message}`);
  if (err instanceof esErrors.TimeoutError) return unavailable(`${where} did not answer in time to ${doing}; retrying (a write that landed meanwhile is found by id)`);
  if (err instanceof esErrors.ConnectionError || err instanceof esErrors.NoLivingConnectionsError)
    return unavailable(`${where} is not reachable to ${doing} (${err.message}); retrying`);
  return unavailable(`${doing} failed: ${(err as Error)?.message ?? String(err)}`);
}
