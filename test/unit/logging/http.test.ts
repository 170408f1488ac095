// The api's request log (logging/http.ts): one line per request, probes and scrapes at debug, a
// request on an incident route with the incident's fields. A real Fastify app, injected requests.
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '../../../logging';
import { auditCompletedRequest, fastifyLogging, incidentOfRequest, isProbe } from '../../../logging/http';
import { capture, type Captured } from './capture';

let app: FastifyInstance;
let out: Captured;

beforeEach(async () => {
  out = capture();
  app = Fastify(fastifyLogging(createLogger({ service: 'api', destination: out.destination, env: { LOG_LEVEL: 'debug' } })));
  for (const path of ['/healthz', '/readyz', '/metrics', '/api/incidents', '/api/incidents/:id', '/api/incidents/incident/:cluster/:fingerprint/:action']) app.get(path, async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('kaput');
  });
  // An intake route: its audit line stands for the request line, unless the answer still fails.
  app.post('/accept', async (req, reply) => {
    auditCompletedRequest(req, reply.code(202), { incidentId: 'incident/a/b' }, 'thing accepted');
    return reply.send({ ok: true });
  });
  app.post('/accept-then-fail', async (req, reply) => {
    auditCompletedRequest(req, reply.code(202), {}, 'thing accepted');
    throw new Error('answer failed');
  });
  await app.ready();
});
afterEach(() => app.close());

const requestLines = () => out.entries().filter((e) => e.msg === 'request completed');

describe('the request log', () => {
  it('logs each request once, when it completes, with method, url, route pattern, status and duration', async () => {
    await app.inject({ method: 'GET', url: '/api/incidents?status=open' });
    expect(requestLines()).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', method: 'GET', url: '/api/incidents?status=open', route: '/api/incidents', statusCode: 200, responseTime: expect.any(Number), reqId: expect.any(String) }),
    ]);
    expect(out.entries().some((e) => e.msg === 'incoming request')).toBe(false);
  });

  it('logs probes and metric scrapes at debug, never at info', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/healthz?verbose=1']) await app.inject({ method: 'GET', url });
    expect(requestLines().map((e) => [e.url, e.level])).toEqual([['/healthz', 20], ['/readyz', 20], ['/metrics', 20], ['/healthz?verbose=1', 20]]);
  });

  it('gives a request on an incident route the incident id and workflow id, by id or by cluster and fingerprint', async () => {
    await app.inject({ method: 'GET', url: `/api/incidents/${encodeURIComponent('incident/prod/pod-x')}` });
    await app.inject({ method: 'GET', url: '/api/incidents/incident/prod/pod-y/ack' });
    expect(requestLines().map((e) => [e.incidentId, e.workflowId])).toEqual([['incident/prod/pod-x', 'incident/prod/pod-x'], ['incident/prod/pod-y', 'incident/prod/pod-y']]);
  });

  it('redacts a token passed in the query string', async () => {
    await app.inject({ method: 'GET', url: '/api/incidents?token=abcdef123456' });
    expect(out.raw.join('')).not.toContain('abcdef123456');
  });

  it('logs a failed request at error with the error', async () => {
    await app.inject({ method: 'GET', url: '/boom' });
    expect(out.entries().filter((e) => e.level >= 50).map((e) => e.err?.message)).toContain('kaput');
  });

  it('writes an audited request as its one audit line, with the request line\'s fields', async () => {
    await app.inject({ method: 'POST', url: '/accept?x=1' });
    expect(out.entries()).toEqual([
      expect.objectContaining({ level: 30, msg: 'thing accepted', incidentId: 'incident/a/b', method: 'POST', url: '/accept?x=1', route: '/accept', statusCode: 202, responseTime: expect.any(Number), reqId: expect.any(String) }),
    ]);
  });

  it('still writes the request line of an audited request whose answer failed', async () => {
    await app.inject({ method: 'POST', url: '/accept-then-fail' });
    expect(out.entries().find((e) => e.msg === 'thing accepted')).toMatchObject({ statusCode: 202 });
    expect(requestLines().map((e) => [e.route, e.statusCode])).toEqual([['/accept-then-fail', 500]]);
  });

  it('logs nothing when the api is built without a logger', () => {
    expect(fastifyLogging(false)).toEqual({});
  });
});

describe('what counts as a probe, and which incident a request is about', () => {
  it('knows the probe and scrape paths, query strings aside', () => {
    expect(['/healthz', '/readyz', '/metrics', '/livez?x=1'].map(isProbe)).toEqual([true, true, true, true]);
    expect(['/api/incidents', '/healthz/extra', '/'].map(isProbe)).toEqual([false, false, false]);
  });

  it('reads the incident from route parameters only when it is an incident id', () => {
    expect(incidentOfRequest({ params: { id: 'incident/a/b' } })).toBe('incident/a/b');
    expect(incidentOfRequest({ params: { cluster: 'a', fingerprint: 'b' } })).toBe('incident/a/b');
    expect(incidentOfRequest({ params: { id: 'pm-123' } })).toBeUndefined();
    expect(incidentOfRequest({ params: {} })).toBeUndefined();
  });
});
