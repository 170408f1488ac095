// One SERVER span per api request, named by method and route pattern (never the raw URL, which may
// carry ids or query strings), with the status code. The span is the root of its trace: the api
// faces chat platforms and the internet, so an incoming traceparent is not trusted to join ours.
// It is made active in onRequest; Fastify keeps that async context through body parsing, the other
// hooks and the handler (test/unit/telemetry/spans.test.ts checks it after a JSON body).
import { context, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Probes and scrapes come every few seconds and say nothing about incidents: no spans for them. */
export const UNTRACED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export function instrumentFastify(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url;
    if (route && UNTRACED_ROUTES.has(route)) return done();
    const span = tracer.startSpan(
      route ? `${req.method} ${route}` : req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, ...(route && { 'http.route': route }) } },
      ROOT_CONTEXT,
    );
    spans.set(req, span);
    context.with(trace.setSpan(ROOT_CONTEXT, span), done);
  });
  const end = (req: FastifyRequest, status?: number) => {
    const span = spans.get(req);
    if (!span) return;
    spans.delete(req);
    if (status === undefined) span.setAttribute('http.request.aborted', true);
    else {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  app.addHook('onResponse', (req, reply, done) => {
    end(req, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (req, done) => {
    end(req);
    done();
  });
}
