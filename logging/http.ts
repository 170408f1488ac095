// The api's request log: one line per request when it completes (Fastify's default is two,
// "incoming request" and "request completed"), at debug for probes and metric scrapes so a
// kubelet polling /readyz every few seconds does not fill the info log. A request on an incident
// route carries the incident's fields like every other line about it. An intake route that accepts
// an anomaly writes its audit line with these fields instead (auditCompletedRequest): one line per
// accepted anomaly, not two (issue 11: the two lines were about an eighth of the api's CPU per POST).
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { redact } from '../activities/diagnostics/redact';
import { incidentFields, INCIDENT_ID_PREFIX } from './fields';
import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from './index';

/** Paths polled by machines: logged at debug. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/livez', '/metrics']);

export const isProbe = (url: string): boolean => PROBE_PATHS.has(url.split('?')[0]!);

/** The incident a request is about, from the REST route's parameters (`:id` or `:cluster/:fingerprint`). */
export function incidentOfRequest(req: Pick<FastifyRequest, 'params'>): string | undefined {
  const p = (req.params ?? {}) as Record<string, unknown>;
  const id = typeof p.id === 'string' ? p.id : typeof p.cluster === 'string' && typeof p.fingerprint === 'string' ? `${INCIDENT_ID_PREFIX}${p.cluster}/${p.fingerprint}` : undefined;
  return id?.startsWith(INCIDENT_ID_PREFIX) ? id : undefined;
}

/** What the request line says of a request (reqId comes from the request's logger). */
function requestFields(req: FastifyRequest, reply: FastifyReply) {
  const incident = incidentOfRequest(req);
  return {
    // Flat: Fastify's own req/res serializers would drop the route.
    method: req.method,
    url: redact(req.url),
    route: req.routeOptions.url,
    statusCode: reply.statusCode,
    responseTime: reply.elapsedTime,
    ...(incident ? incidentFields(incident) : {}),
  };
}

/** Requests whose audit line already carries the request line's fields. */
const audited = new WeakSet<FastifyRequest>();

/**
 * Writes an intake route's audit line (e.g. "anomaly accepted") at info with the request line's
 * fields, and leaves out "request completed" for this request. Call it after setting the status,
 * right before sending a successful answer: its responseTime ends there, not when the last byte
 * left. Should the answer still fail (status >= 400 or a socket error), the request line is written
 * as for any other request, so a failure is never logged less than before.
 */
export function auditCompletedRequest(req: FastifyRequest, reply: FastifyReply, fields: Record<string, unknown>, msg: string): void {
  audited.add(req);
  req.log.info({ ...requestFields(req, reply), ...fields }, msg);
}

export class RequestLogController extends LogController {
  override incomingRequest(): void {
    // one line per request, written when it completes
  }

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    if (!error && reply.statusCode < 400 && audited.has(req)) return;
    const fields = requestFields(req, reply);
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log[isProbe(req.url) ? 'debug' : 'info'](fields, 'request completed');
  }
}

/**
 * Fastify's logger options from the api's `logger` dependency: off, a logger built here (true or
 * `{ level }`), or the process logger itself (api/main.ts), with the one-line request log.
 */
export type ApiLoggerOption = boolean | { level?: string; stream?: DestinationStream } | Logger;

export function fastifyLogging(logger: ApiLoggerOption | undefined): { loggerInstance?: FastifyBaseLogger; logController?: LogController } {
  if (!logger) return {};
  const opts = logger === true || isLogger(logger) ? {} : logger;
  const instance = isLogger(logger) ? logger : createLogger({ service: 'api', level: opts.level, ...(opts.stream ? { destination: opts.stream } : {}) });
  return { loggerInstance: instance, logController: new RequestLogController() };
}

const isLogger = (v: unknown): v is Logger => typeof (v as Logger).child === 'function' && typeof (v as Logger).info === 'function';
