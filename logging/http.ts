// The api's request log: one line per request when it completes (Fastify's default is two,
// "incoming request" and "request completed"), at debug for probes and metric scrapes so a
// kubelet polling /readyz every few seconds does not fill the info log. A request on an incident
// route carries the incident's fields like every other line about it.
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

export class RequestLogController extends LogController {
  override incomingRequest(): void {
    // one line per request, written when it completes
  }

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const incident = incidentOfRequest(req);
    const fields = {
      // Flat: Fastify's own req/res serializers would drop the route.
      method: req.method,
      url: redact(req.url),
      route: req.routeOptions.url,
      statusCode: reply.statusCode,
      responseTime: reply.elapsedTime,
      ...(incident ? incidentFields(incident) : {}),
    };
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
