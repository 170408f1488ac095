// The spans the api and the activities make themselves: one SERVER span per request (route
// pattern, status, active in the handler even after a body was read), one CLIENT span per
// outgoing call (outcome, error type, never the message), none at all once tracing is stopped.
import type { AddressInfo } from 'node:net';
import { trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import Fastify, { type FastifyInstance } from 'fastify';
import { activeTracing, registerRequestSpans, startTracing, stopTracing, tracedCall } from '../../../telemetry/tracing';

const exporter = new InMemorySpanExporter();
const errorType = (err: unknown) => (err as Error).name;
let app: FastifyInstance;
let url: string;
/** The span id active inside the last handler that ran. */
let seenInHandler: string | undefined;

beforeAll(async () => {
  await startTracing({ enabled: true, serviceName: 'spans-test', destination: 'memory' }, { spanProcessor: new SimpleSpanProcessor(exporter) });
  app = Fastify();
  registerRequestSpans(app);
  app.post('/things/:id', async (req) => {
    await new Promise((r) => setTimeout(r, 5)); // the span survives awaits, not only the first tick
    seenInHandler = trace.getActiveSpan()?.spanContext().spanId;
    return { got: req.body };
  });
  app.get('/things/:id', async () => ({ ok: true }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
  await stopTracing();
});
beforeEach(() => exporter.reset());

const only = (name: string) => {
  const spans = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(spans).toHaveLength(1);
  return spans[0]!;
};

describe('request spans', () => {
  it('name the route pattern, record method and status, and stay active in the handler after the body was read', async () => {
    const res = await fetch(`${url}/things/42`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1 }) });
    expect(res.status).toBe(200);
    const span = only('POST /things/:id');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.parentSpanId).toBeUndefined();
    expect(span.attributes).toEqual({ 'http.request.method': 'POST', 'http.route': '/things/:id', 'http.response.status_code': 200 });
    expect(seenInHandler).toBe(span.spanContext().spanId);
  });

  it('start a new trace even when the caller sends a traceparent', async () => {
    const foreign = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await fetch(`${url}/things/1`, { headers: { traceparent: foreign } });
    const span = only('GET /things/:id');
    expect(span.parentSpanId).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('keep the query string and ids out of the span', async () => {
    await fetch(`${url}/things/secret-id-123?token=abcdef0123456789`);
    const text = JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes]));
    expect(text).not.toContain('abcdef0123456789');
    expect(text).not.toContain('secret-id-123');
  });

  it('leave probes out: a /healthz hit makes no span', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('mark a 500 as an error and name an unknown route by its method only', async () => {
    await fetch(`${url}/boom`);
    expect(only('GET /boom').status.code).toBe(SpanStatusCode.ERROR);
    await fetch(`${url}/nowhere`);
    expect(only('GET').attributes).toEqual({ 'http.request.method': 'GET', 'http.response.status_code': 404 });
  });
});

describe('call spans', () => {
  it('record system, platform, operation and outcome as a CLIENT child of the active span', async () => {
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('activity', async (parent) => {
      expect(await tracedCall({ system: 'chat', platform: 'slack', operation: 'updateAlert' }, async () => 'done', errorType)).toBe('done');
      parent.end();
    });
    const call = only('chat updateAlert');
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanId).toBe(only('activity').spanContext().spanId);
    expect(call.attributes).toEqual({ 'incident.call.system': 'chat', 'incident.call.platform': 'slack', 'incident.call.operation': 'updateAlert', 'incident.call.outcome': 'ok' });
  });

  it('record a failure by its type only: the message may quote a URL with a token', async () => {
    class RateLimited extends Error {
      override name = 'RateLimited';
    }
    const failing = tracedCall({ system: 'paging', platform: 'pagerduty', operation: 'page' }, async () => {
      throw new RateLimited('429 from https://events.example/v2?token=s3cr3t-token');
    }, errorType);
    await expect(failing).rejects.toThrow(RateLimited);
    const call = only('paging page');
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(call.attributes).toMatchObject({ 'incident.call.outcome': 'error', 'error.type': 'RateLimited' });
    expect(JSON.stringify([call.attributes, call.events, call.status])).not.toContain('s3cr3t-token');
  });
});

describe('stopping tracing', () => {
  it('unregisters it: calls run plain and nothing more is recorded', async () => {
    const tracing = activeTracing()!;
    await stopTracing();
    try {
      expect(activeTracing()).toBeUndefined();
      expect(await tracedCall({ system: 'chat', platform: 'local', operation: 'postAlert' }, async () => 1, errorType)).toBe(1);
      expect(exporter.getFinishedSpans()).toEqual([]);
      expect(trace.getActiveSpan()).toBeUndefined();
    } finally {
      // The other tests' app keeps its hooks; restart so afterAll's stop has something to stop.
      await startTracing(tracing.settings, { spanProcessor: new SimpleSpanProcessor(exporter) });
    }
  });
});
