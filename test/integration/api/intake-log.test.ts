// Issue 11 (P1): an accepted anomaly costs one log line, its audit line, which also carries what
// the request line gave (status, duration, request id, method, url, route). Refusals and failures
// keep their lines as before, other routes keep theirs, and secrets stay out. Real api with the
// process's logger (redaction and the secret scrubber), real Temporal dev server, no worker.
import { randomBytes } from 'node:crypto';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { buildApi } from '../../../api/server';
import { createLogger } from '../../../logging';
import { incidentWorkflowId } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { testConfig } from '../../helpers/config';
import { freePort } from '../../helpers/elasticsearch';
import { eventually } from '../../helpers/eventually';
import { startStack, type Stack } from '../../helpers/stack';

type Entry = Record<string, unknown> & { level: number; msg: string };

/** A value the logger was told is a secret (as every resolved config secret is in the api process). */
const SECRET = `s3cret-${randomBytes(8).toString('hex')}`;
const written: string[] = [];
const destination = { write: (line: string) => void written.push(line) };
const entries = () => written.map((l) => JSON.parse(l) as Entry);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ logger: createLogger({ service: 'api', level: 'info', secrets: [SECRET], destination }) });
}, 60_000);
afterAll(async () => stack?.stop());

const opened: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((id) => stack.client.workflow.getHandle(id).terminate('test cleanup: no worker runs here').catch(() => undefined)));
});

let sentinels = 0;
/**
 * Sends a request and returns its answer with the lines logged for it. A 404 sent afterwards is
 * logged once the request's own lines were written, so "exactly these lines" is not a race.
 */
async function logged(send: () => Promise<Response>): Promise<{ status: number; body: Record<string, any>; lines: Entry[] }> {
  const from = written.length;
  const res = await send();
  const body = (await res.json()) as Record<string, any>;
  const sentinel = `/sentinel-${++sentinels}`;
  await (await stack.request(sentinel)).arrayBuffer();
  const end = await eventually(() => {
    const i = entries().findIndex((e, k) => k >= from && e.url === sentinel);
    return i >= 0 && i;
  }, `the line of ${sentinel}`);
  return { status: res.status, body, lines: entries().slice(from, end) };
}

const post = (json: unknown, path = '/api/anomalies') => () => stack.request(path, { token: 'ops', json });

describe('the log of an accepted anomaly', () => {
  it('is exactly one info line naming the incident, with status, duration, request id, method, url and route', async () => {
    const a = anomaly();
    const id = incidentWorkflowId(a.cluster, a.fingerprint);
    opened.push(id);
    const { status, body, lines } = await logged(post(a));
    expect(status).toBe(202);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'anomaly accepted',
        incidentId: id,
        workflowId: id,
        runId: body.runId,
        via: 'api:ops',
        statusCode: 202,
        responseTime: expect.any(Number),
        reqId: expect.any(String),
        method: 'POST',
        url: '/api/anomalies',
        route: '/api/anomalies',
        service: 'api',
      }),
    ]);
    expect(lines[0]!.responseTime as number).toBeGreaterThan(0);
  });

  it('still scrubs secrets and query-string tokens from that line, and never prints the bearer token', async () => {
    const a = anomaly();
    opened.push(incidentWorkflowId(a.cluster, a.fingerprint));
    const { status, lines } = await logged(post(a, `/api/anomalies?ref=${SECRET}&token=abcdef123456`));
    expect(status).toBe(202);
    expect(lines.map((l) => [l.msg, l.statusCode])).toEqual([['anomaly accepted', 202]]);
    expect(lines[0]!.url).toContain('[redacted]');
    const text = written.join('');
    for (const leaked of [SECRET, 'abcdef123456', stack.tokens.ops]) expect(text).not.toContain(leaked);
  });
});

describe('the log of a request the intake refuses', () => {
  it('gives a 400 its request line at info as before, with no audit line', async () => {
    const { status, body, lines } = await logged(post({ ...anomaly(), severity: 'sev1' }));
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_anomaly');
    expect(lines).toEqual([expect.objectContaining({ level: 30, msg: 'request completed', statusCode: 400, method: 'POST', url: '/api/anomalies', route: '/api/anomalies', reqId: expect.any(String) })]);
  });

  it('gives a 401 its request line as before', async () => {
    const { status, lines } = await logged(() => stack.request('/api/anomalies', { json: anomaly() }));
    expect(status).toBe(401);
    expect(lines.map((l) => [l.level, l.msg, l.statusCode])).toEqual([[30, 'request completed', 401]]);
  });
});

describe('the log of other requests', () => {
  it('keeps the request line of a batch beside its per-incident audit lines', async () => {
    const a = anomaly();
    const id = incidentWorkflowId(a.cluster, a.fingerprint);
    opened.push(id);
    const { status, lines } = await logged(post({ anomalies: [a, a] }, '/api/anomalies/batch'));
    expect(status).toBe(202);
    expect(lines.map((l) => [l.msg, l.incidentId ?? null, l.statusCode ?? null])).toEqual([
      ['anomalies accepted', id, null],
      ['request completed', null, 202],
    ]);
  });

  it('keeps the request line of a REST read', async () => {
    const { status, lines } = await logged(() => stack.request('/api/incidents?status=open', { token: 'ops' }));
    expect(status).toBe(200);
    expect(lines.map((l) => [l.msg, l.route, l.statusCode])).toEqual([['request completed', '/api/incidents', 200]]);
  });

  it('logs an accepted Alertmanager notification once, its audit line with status and duration', async () => {
    const fingerprint = randomBytes(8).toString('hex');
    opened.push(`incident/am-log/am-${fingerprint}`);
    const alert = { status: 'firing', labels: { alertname: 'KubePodCrashLooping', cluster: 'am-log', namespace: 'shop', pod: 'checkout-1', severity: 'critical' }, annotations: {}, startsAt: '2026-12-05T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint };
    const { status, lines } = await logged(post({ version: '4', status: 'firing', receiver: 'api', groupKey: '{}:{alertname="KubePodCrashLooping"}', alerts: [alert] }, '/api/alertmanager'));
    expect(status).toBe(200);
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'alertmanager notification accepted', via: 'api:ops', alerts: 1, incidents: 1, statusCode: 200, responseTime: expect.any(Number), reqId: expect.any(String), route: '/api/alertmanager' }),
    ]);
  });
});

describe('the log of an anomaly Temporal did not take', () => {
  it('keeps the warning and the 503 request line, and writes no audit line', async () => {
    const port = await freePort(); // nothing listens there
    const connection = Connection.lazy({ address: `127.0.0.1:${port}`, interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))] });
    const token = randomBytes(24).toString('hex');
    const config = testConfig((raw) => {
      raw.api = { host: '127.0.0.1', port: 0, tokens: [{ name: 'ops', token: { fromEnv: 'LOG_TOKEN_OPS' }, roles: ['admin'] }] };
    });
    const out: string[] = [];
    const logger = createLogger({ service: 'api', level: 'info', destination: { write: (l: string) => void out.push(l) } });
    const api = await buildApi({ config, client: new Client({ connection }), env: { LOG_TOKEN_OPS: token }, logger });
    try {
      const res = await api.inject({ method: 'POST', url: '/api/anomalies', headers: { authorization: `Bearer ${token}` }, payload: anomaly() });
      expect(res.statusCode).toBe(503);
      const lines = out.map((l) => JSON.parse(l) as Entry);
      expect(lines.map((l) => [l.level, l.msg, l.code ?? l.statusCode])).toEqual([
        [40, 'request failed', 'temporal_unavailable'],
        [30, 'request completed', 503],
      ]);
    } finally {
      await api.close();
      await connection.close().catch(() => undefined);
    }
  });
});
