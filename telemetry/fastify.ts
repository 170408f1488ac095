// One SERVER span per api request, named by method and route pattern (never the raw URL, which may
// carry ids or query strings), with the status code. The span is the root of its trace: the api
// faces chat platforms and the internet, so an incoming traceparent is not trusted to join ours.
// It is made active twice: in onRequest for the hooks, and again in preHandler, because a body is
// read in the socket's async context and the handler would otherwise run outside the span.
import { context, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export function instrumentFastify(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  const activeIn = (req: FastifyRequest) => {
    const span = spans.get(req);
    return span ? trace.setSpan(ROOT_CONTEXT, span) : context.active();
  };
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url;
    const span = tracer.startSpan(
      route ? `${req.method} ${route}` : req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, ...(route && { 'http.route': route }) } },
      ROOT_CONTEXT,
    );
    spans.set(req, span);
    context.with(activeIn(req), done);
  });
  app.addHook('preHandler', (req, _reply, done) => context.with(activeIn(req), done));
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
