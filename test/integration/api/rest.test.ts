// REST against a real Temporal dev server, without a worker: everything the api decides by itself
// (auth, validation, lists from visibility, unknown and closed incidents, postmortem files).
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { FilePostmortemStore } from '../../../activities/postmortem/file-store';
import type { PostmortemDoc } from '../../../activities/postmortem/compile';
import { buildApi } from '../../../api/server';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => stack?.stop());

const body = async (res: Response) => (await res.json()) as any;

describe('REST api without a worker', () => {
  it('answers /healthz and /readyz when Temporal is reachable', async () => {
    expect(await body(await stack.request('/healthz'))).toEqual({ status: 'ok' });
    const ready = await stack.request('/readyz');
    expect(ready.status).toBe(200);
    expect((await body(ready)).status).toBe('ready');
  });

  it('answers /readyz with 503 and the reason when Temporal is unreachable', async () => {
    const port = await closedPort();
    const connection = await Connection.lazy({ address: `127.0.0.1:${port}` });
    const config = { ...stack.config, api: { ...stack.config.api, tokens: [] }, platforms: { local: { enabled: false, url: stack.url } } };
    const app = await buildApi({ config, client: new Client({ connection }) });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.message).toMatch(new RegExp(`Temporal at .* did not answer within 2000 ms`));
    } finally {
      await app.close();
      await connection.close();
    }
  });

  it('refuses requests without a token with 401 and a WWW-Authenticate challenge', async () => {
    const res = await stack.request('/api/incidents');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="k8s-incident-flow"');
    expect((await body(res)).error).toEqual({ code: 'unauthorized', message: expect.stringContaining('Authorization: Bearer <token>') });
  });

  it('refuses an invalid token with 401 invalid_token', async () => {
    const res = await stack.request('/api/anomalies', { headers: { authorization: 'Bearer not-a-real-token' }, json: anomaly() });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect((await body(res)).error.code).toBe('invalid_token');
  });

  it('rejects a malformed anomaly with 400 and every field problem', async () => {
    const res = await stack.request('/api/anomalies', { token: 'ops', json: { ...anomaly(), severity: 'sev1', cluster: 'a/b', observedAt: 'yesterday', extra: 1 } });
    expect(res.status).toBe(400);
    const { error } = await body(res);
    expect(error.code).toBe('invalid_anomaly');
    expect(error.message).toBe('The anomaly is invalid: fix the fields listed and resend.');
    expect(error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['cluster', 'extra', 'observedAt', 'severity']);
    expect(error.fields.find((f: { path: string }) => f.path === 'severity').message).toBe('severity must be one of info, warning, error, critical');
  });

  it('rejects a body that is not JSON with a message saying so', async () => {
    const res = await stack.request('/api/anomalies', { token: 'ops', method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect((await body(res)).error.code).toBe('invalid_json');
    const broken = await fetch(`${stack.url}/api/anomalies`, { method: 'POST', headers: { authorization: `Bearer ${stack.tokens.ops}`, 'content-type': 'application/json' }, body: '{"cluster":' });
    expect(broken.status).toBe(400);
    expect((await body(broken)).error.message).toMatch(/not valid JSON/);
  });

  it('accepts an anomaly with 202 and lists the new incident from visibility, filtered', async () => {
    const a = anomaly({ cluster: 'rest-list', severity: 'critical' });
    const res = await stack.request('/api/anomalies', { token: 'ops', json: a });
    expect(res.status).toBe(202);
    const { incidentId } = await body(res);
    expect(incidentId).toBe(`incident/rest-list/${a.fingerprint}`);

    const listed = await eventually(async () => {
      const { incidents } = await body(await stack.request('/api/incidents?cluster=rest-list&status=triggered&severity=critical', { token: 'alice' }));
      return incidents.find((i: { id: string }) => i.id === incidentId);
    }, 'the incident in the list');
    expect(listed).toMatchObject({ id: incidentId, status: 'triggered', severity: 'critical', cluster: 'rest-list', namespace: 'shop', execution: 'RUNNING' });
    expect(Date.parse(listed.startedAt)).not.toBeNaN();

    const other = await body(await stack.request('/api/incidents?cluster=rest-list&status=acknowledged', { token: 'alice' }));
    expect(other.incidents).toEqual([]);
  });

  it('validates list parameters and lists the allowed statuses', async () => {
    const res = await stack.request('/api/incidents?status=closed', { token: 'ops' });
    expect(res.status).toBe(400);
    const { error } = await body(res);
    expect(error.fields).toEqual([{ path: 'status', message: 'status must be one of triggered, acknowledged, resolved, open' }]);
    const typo = await body(await stack.request('/api/incidents?stauts=open&limit=0', { token: 'ops' }));
    expect(typo.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['limit', 'stauts']);
    const injection = await stack.request(`/api/incidents?cluster=${encodeURIComponent('x" OR WorkflowType="other')}`, { token: 'ops' });
    expect(injection.status).toBe(400);
  });

  it('answers 404 incident_not_found for an unknown id and 400 for something that is not an id', async () => {
    const res = await stack.request(`/api/incidents/${encodeURIComponent('incident/nowhere/nothing')}`, { token: 'ops' });
    expect(res.status).toBe(404);
    expect((await body(res)).error).toEqual({ code: 'incident_not_found', message: expect.stringContaining('No incident "incident/nowhere/nothing"') });
    const raw = await stack.request('/api/incidents/incident/nowhere/nothing', { token: 'ops' });
    expect(raw.status).toBe(404);
    const bad = await stack.request('/api/incidents/checkout', { token: 'ops' });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.code).toBe('invalid_incident_id');
  });

  it('answers 404 to an action on an unknown incident', async () => {
    const res = await stack.request(`/api/incidents/${encodeURIComponent('incident/nowhere/nothing')}/ack`, { token: 'alice', json: {} });
    expect(res.status).toBe(404);
    expect((await body(res)).error.code).toBe('incident_not_found');
  });

  it('refuses actions by a service token, saying how to bind it to a person', async () => {
    const res = await stack.request(`/api/incidents/${encodeURIComponent('incident/nowhere/nothing')}/ack`, { token: 'ops', json: {} });
    expect(res.status).toBe(403);
    const { error } = await body(res);
    expect(error.code).toBe('person_required');
    expect(error.message).toMatch(/"person: <id>" under api\.tokens\[\]/);
  });

  it('validates action bodies with field errors', async () => {
    const id = encodeURIComponent('incident/nowhere/nothing');
    const handoff = await body(await stack.request(`/api/incidents/${id}/handoff`, { token: 'alice', json: { note: 'x' } }));
    expect(handoff.error).toEqual({
      code: 'invalid_body',
      message: 'The hand off request is invalid: fix the fields listed and retry.',
      fields: [{ path: 'to', message: 'to is required: the person to hand off to, e.g. "bob" or "@bob"' }],
    });
    const resolve = await stack.request(`/api/incidents/${id}/resolve`, { token: 'alice', json: { summary: '   ' } });
    expect(resolve.status).toBe(400);
    expect((await body(resolve)).error.fields).toEqual([{ path: 'summary', message: 'summary must not be empty: say what fixed it' }]);
    const unknown = await stack.request(`/api/incidents/${id}/page-everyone`, { token: 'alice', json: {} });
    expect(unknown.status).toBe(404);
    expect((await body(unknown)).error.code).toBe('unknown_action');
  });

  it('answers 409 to an action on an incident that is closed', async () => {
    const a = anomaly({ cluster: 'rest-closed' });
    const { incidentId } = await body(await stack.request('/api/anomalies', { token: 'ops', json: a }));
    await stack.client.workflow.getHandle(incidentId).terminate('test: closed by an operator');
    const res = await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}/ack`, { token: 'alice', json: {} });
    expect(res.status).toBe(409);
    expect((await body(res)).error).toEqual({ code: 'incident_closed', message: expect.stringContaining('was closed by an operator (terminated)') });
  });

  it('answers unknown routes with a JSON 404 that lists what exists', async () => {
    const res = await stack.request('/api/nothing', { token: 'ops' });
    expect(res.status).toBe(404);
    expect((await body(res)).error.message).toMatch(/The api serves \/api\/incidents/);
  });

  it('serves postmortems as JSON, Markdown or an HTML document by Accept, and 404 for unknown ones', async () => {
    const list0 = await body(await stack.request('/api/postmortems', { token: 'ops' }));
    expect(list0).toEqual({ postmortems: [] });
    const id = 'incident/rest-pm/deploy-x@2026-01-01T00:00:00.000Z';
    const doc = { id, incidentId: 'incident/rest-pm/deploy-x', title: 'CrashLoopBackOff: Deployment/x', cluster: 'rest-pm', severity: 'error', resolvedAt: '2026-01-01T01:00:00.000Z' };
    await new FilePostmortemStore(join(stack.config.dataDir, 'postmortems')).put(doc as PostmortemDoc, '# CrashLoopBackOff: Deployment/x\n');

    const json = await stack.request(`/api/postmortems/${encodeURIComponent(id)}`, { token: 'ops' });
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
    expect(await body(json)).toMatchObject({ id, title: doc.title });
    const md = await stack.request(`/api/postmortems/${encodeURIComponent(id)}`, { token: 'ops', headers: { accept: 'text/markdown' } });
    expect(md.headers.get('content-type')).toMatch(/text\/markdown/);
    expect(await md.text()).toBe('# CrashLoopBackOff: Deployment/x\n');
    const html = await stack.request(`/api/postmortems/${encodeURIComponent(id)}`, { token: 'ops', headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await html.text()).toContain('<article class="postmortem">\n<h1>CrashLoopBackOff: Deployment/x</h1>');
    expect((await body(await stack.request('/api/postmortems', { token: 'ops' }))).postmortems).toEqual([
      { id, title: doc.title, cluster: 'rest-pm', severity: 'error', resolvedAt: doc.resolvedAt },
    ]);
    const missing = await stack.request(`/api/postmortems/${encodeURIComponent('incident/x/y@z')}`, { token: 'ops' });
    expect(missing.status).toBe(404);
    const traversal = await stack.request(`/api/postmortems/${encodeURIComponent('../../etc/passwd')}`, { token: 'ops' });
    expect(traversal.status).toBe(400);
    expect((await stack.request('/api/postmortems')).status).toBe(401);
  });
});

/** A 127.0.0.1 port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
