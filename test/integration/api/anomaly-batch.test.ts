// POST /api/anomalies/batch (issue 11): many anomalies in one request, each validated, admitted
// and audited as a single POST is, with one result per item; a batch's anomalies of one incident
// go as one signal. Real api, real Temporal dev server, no worker: signals and their counts are
// read from each workflow's history.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { incidentWorkflowId } from '../../../workflows/definitions';
import { MAX_BATCH_ITEMS } from '../../../api/anomalies';
import { buildApi } from '../../../api/server';
import { testConfig } from '../../helpers/config';
import { freePort } from '../../helpers/elasticsearch';
import { anomaly } from '../../helpers/anomaly';
import { startStack, type Stack } from '../../helpers/stack';
import { occurrenceCounts, workflowExists } from '../../helpers/intake-history';

type Result = { index: number; status: number; incidentId?: string; runId?: string; error?: { code: string; message: string; fields?: { path: string; message: string }[] } };
type BatchAnswer = { accepted: number; rejected: number; results: Result[] };

const logLines: Record<string, unknown>[] = [];
let stack: Stack;
beforeAll(async () => {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
  });
  stack = await startStack({
    logger: { level: 'info', stream },
    config: (raw) => {
      raw.clusters = [{ name: 'production' }];
      raw.intake = { acceptUnknownClusters: false };
    },
  });
}, 60_000);
afterAll(async () => stack?.stop());

const opened: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((id) => stack.client.workflow.getHandle(id).terminate('test cleanup: no worker runs here').catch(() => undefined)));
});

const problem = () => anomaly({ cluster: 'production' });
const batch = (anomalies: unknown, token: 'ops' | 'alice' = 'ops') => stack.request('/api/anomalies/batch', { token, json: { anomalies } });

const counts = (id: string) => occurrenceCounts(stack.client, id);
const exists = (id: string) => workflowExists(stack.client, id);

describe('POST /api/anomalies/batch', () => {
  it('records 300 anomalies over 3 incidents in one request, one result per item, in one signal per incident', async () => {
    const problems = [problem(), problem(), problem()];
    const ids = problems.map((p) => incidentWorkflowId(p.cluster, p.fingerprint));
    opened.push(...ids);
    const res = await batch(Array.from({ length: 300 }, (_, i) => ({ ...problems[i % 3]!, observedAt: new Date(Date.now() + i).toISOString() })));
    expect(res.status).toBe(202);
    const body = (await res.json()) as BatchAnswer;
    expect(body).toMatchObject({ accepted: 300, rejected: 0 });
    expect(body.results.map((r) => [r.index, r.status, r.incidentId])).toEqual(Array.from({ length: 300 }, (_, i) => [i, 202, ids[i % 3]]));
    expect(body.results.every((r) => typeof r.runId === 'string')).toBe(true);

    const perIncident = await Promise.all(ids.map(counts));
    // One signal per incident carries its 100 anomalies (and opens it: nothing waits for a window).
    expect(perIncident).toEqual([[100], [100], [100]]);
    // Audited per incident reached, with the token and how many of its anomalies the batch carried.
    const audit = logLines.filter((l) => l.msg === 'anomalies accepted' && ids.includes(l.incidentId as string));
    expect(audit.map((l) => [l.incidentId, l.via, l.anomalies]).sort()).toEqual(ids.map((id) => [id, 'api:ops', 100]).sort());
  }, 30_000);

  it('splits an incident\'s anomalies into another signal only where one would pass the count limit', async () => {
    const p = problem();
    const id = incidentWorkflowId(p.cluster, p.fingerprint);
    opened.push(id);
    const res = await batch([400_000, 400_000, 400_000, 1].map((count) => ({ ...p, count })));
    expect(res.status).toBe(202);
    expect(await counts(id)).toEqual([800_000, 400_001]);
  });

  it('answers 207 with each bad item named and records the good ones', async () => {
    const good = problem();
    const unknownCluster = anomaly({ cluster: 'prod' });
    const res = await batch([good, { ...problem(), severity: 'sev1', extra: 1 }, unknownCluster, 'not an object']);
    expect(res.status).toBe(207);
    const body = (await res.json()) as BatchAnswer;
    const goodId = incidentWorkflowId('production', good.fingerprint);
    opened.push(goodId);
    expect(body).toMatchObject({ accepted: 1, rejected: 3 });
    expect(body.results[0]).toMatchObject({ index: 0, status: 202, incidentId: goodId });
    expect(body.results[1]).toMatchObject({ index: 1, status: 400, error: { code: 'invalid_anomaly', message: 'Anomaly 1 is invalid: fix the fields listed and resend.' } });
    expect(body.results[1]!.error!.fields).toEqual(
      expect.arrayContaining([{ path: 'extra', message: 'unknown field "extra": check the spelling' }, { path: 'severity', message: expect.stringContaining('severity must be one of') }]),
    );
    expect(body.results[2]).toMatchObject({ index: 2, status: 400, error: { code: 'unknown_cluster', message: expect.stringContaining('cluster "prod" is not configured; known clusters: "production"') } });
    expect(body.results[3]).toMatchObject({ index: 3, status: 400, error: { code: 'invalid_anomaly', fields: [{ path: '', message: 'the body must be a JSON object' }] } });
    expect(await counts(goodId)).toEqual([1]);
    expect(await exists(incidentWorkflowId('prod', unknownCluster.fingerprint))).toBe(false);
  });

  it('refuses a batch over the item limit with 413 and records none of it', async () => {
    const p = problem();
    const res = await batch(Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => p));
    expect(res.status).toBe(413);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error).toEqual({ code: 'batch_too_large', message: `The batch has ${MAX_BATCH_ITEMS + 1} anomalies; at most ${MAX_BATCH_ITEMS} per request: split it into several batches. Nothing was recorded.` });
    expect(await exists(incidentWorkflowId(p.cluster, p.fingerprint))).toBe(false);
  });

  it('refuses a body over its size limit with 413 telling the sender to split it', async () => {
    const res = await batch([{ ...problem(), message: 'x'.repeat(5 * 1024 * 1024) }]);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'body_too_large', message: 'The body is larger than 4096 KiB: split it into smaller requests.' });
  });

  it.each([
    ['an empty batch', { anomalies: [] }, 'The batch is empty.'],
    ['a bare array', [problem()], 'The body must be a JSON object.'],
    ['anomalies that are not an array', { anomalies: problem() }, '"anomalies" must be an array.'],
    ['an unknown field', { anomalies: [problem()], dryRun: true }, 'The batch has unknown fields.'],
  ])('refuses %s with 400 saying what to send', async (_what, json, start) => {
    const res = await stack.request('/api/anomalies/batch', { token: 'ops', json });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_batch');
    expect(error.message).toBe(`${start} Send {"anomalies": [ ... ]} with 1 to ${MAX_BATCH_ITEMS} anomalies, each shaped as for POST /api/anomalies.`);
  });

  it('takes no batch without a valid bearer token', async () => {
    const p = problem();
    const res = await stack.request('/api/anomalies/batch', { headers: { authorization: 'Bearer not-a-real-token' }, json: { anomalies: [p] } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
    expect(await exists(incidentWorkflowId(p.cluster, p.fingerprint))).toBe(false);
  });

  it('shares signals with single POSTs of the same incident arriving at the same time', async () => {
    const p = problem();
    const id = incidentWorkflowId(p.cluster, p.fingerprint);
    opened.push(id);
    const [single, many] = await Promise.all([stack.request('/api/anomalies', { token: 'ops', json: p }), batch(Array.from({ length: 50 }, () => p))]);
    expect([single.status, many.status]).toEqual([202, 202]);
    const signals = await counts(id);
    expect(signals.reduce((a, b) => a + b, 0)).toBe(51);
    expect(signals.length).toBeLessThanOrEqual(2);
  });
});

describe('POST /api/anomalies/batch with Temporal unreachable', () => {
  it('answers each valid item 503 temporal_unavailable and each invalid one 400, in one 207', async () => {
    const port = await freePort(); // nothing listens there
    const connection = Connection.lazy({ address: `127.0.0.1:${port}`, interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))] });
    const token = randomBytes(24).toString('hex');
    const config = testConfig((raw) => {
      raw.api = { host: '127.0.0.1', port: 0, tokens: [{ name: 'ops', token: { fromEnv: 'BATCH_TOKEN_OPS' }, roles: ['admin'] }] };
    });
    const api = await buildApi({ config, client: new Client({ connection }), env: { BATCH_TOKEN_OPS: token } });
    try {
      const res = await api.inject({ method: 'POST', url: '/api/anomalies/batch', headers: { authorization: `Bearer ${token}` }, payload: { anomalies: [anomaly(), { ...anomaly(), reason: '' }] } });
      expect(res.statusCode).toBe(207);
      const body = res.json<BatchAnswer>();
      expect(body).toMatchObject({ accepted: 0, rejected: 2 });
      expect(body.results[0]).toMatchObject({ index: 0, status: 503, error: { code: 'temporal_unavailable', message: expect.stringContaining('Check that the Temporal server is reachable') } });
      expect(body.results[1]).toMatchObject({ index: 1, status: 400, error: { code: 'invalid_anomaly' } });
    } finally {
      await api.close();
      await connection.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

