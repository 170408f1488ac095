// Issue 10, item 10: the small edges of the REST api answer with what to do. Real api on a real
// Temporal dev server, no worker (nothing here reaches a workflow).
import { anomaly } from '../../helpers/anomaly';
import { startStack, type Stack } from '../../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => stack?.stop());

const body = async (res: Response) => (await res.json()) as { error: { code: string; message: string; fields?: { path: string; message: string }[] } };
const id = encodeURIComponent('incident/nowhere/nothing');

describe('REST edges', () => {
  it('answers a text/plain body with 415, like a body without a Content-Type', async () => {
    const send = (headers: Record<string, string>) =>
      fetch(`${stack.url}/api/anomalies`, { method: 'POST', headers: { authorization: `Bearer ${stack.tokens.ops}`, ...headers }, body: JSON.stringify(anomaly()) });
    const plain = await send({ 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    const none = await send({});
    expect(none.status).toBe(415);
    expect(await body(plain)).toEqual(await body(none));
    expect((await body(await send({ 'content-type': 'text/plain; charset=utf-8' }))).error).toEqual({
      code: 'unsupported_media_type',
      message: 'Send the body as JSON with "Content-Type: application/json".',
    });
  });

  it('tells a caller using the Basic scheme to send a Bearer token', async () => {
    const basic = `Basic ${Buffer.from(`ops:${stack.tokens.ops}`).toString('base64')}`;
    const res = await stack.request('/api/incidents', { headers: { authorization: basic } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="k8s-incident-flow"/);
    const { error } = await body(res);
    expect(error.code).toBe('unsupported_auth_scheme');
    expect(error.message).toContain('uses the "Basic" scheme');
    expect(error.message).toContain('"Authorization: Bearer <token>"');
  });

  it('says "to must be a string" for a hand-off to a number, and still "is required" when missing', async () => {
    const wrong = await body(await stack.request(`/api/incidents/${id}/handoff`, { token: 'alice', json: { to: 42 } }));
    expect(wrong.error.fields).toEqual([{ path: 'to', message: 'to must be a string naming a person, e.g. "bob" or "@bob"' }]);
    const missing = await body(await stack.request(`/api/incidents/${id}/handoff`, { token: 'alice', json: {} }));
    expect(missing.error.fields).toEqual([{ path: 'to', message: 'to is required: the person to hand off to, e.g. "bob" or "@bob"' }]);
    const note = await body(await stack.request(`/api/incidents/${id}/handoff`, { token: 'alice', json: { to: 'bob', note: 7 } }));
    expect(note.error.fields).toEqual([{ path: 'note', message: 'note must be a string' }]);
  });

  it('says "summary must be a string" for a resolve with a number', async () => {
    const wrong = await body(await stack.request(`/api/incidents/${id}/resolve`, { token: 'alice', json: { summary: 1 } }));
    expect(wrong.error.fields).toEqual([{ path: 'summary', message: 'summary must be a string: say what fixed it' }]);
  });
});
