// Silences over REST and from the local chat against the real api, worker and Temporal dev server:
// the same workflow answers both, and refusals say what to do.
import { startStack, eventually, type Stack } from '../../helpers/stack';
import { anomaly } from '../../helpers/anomaly';
import type { IncidentState } from '../../../workflows/definitions';

const REFRESH_MS = 200;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: true, config: (raw) => void (raw.silences = { refreshInterval: `${REFRESH_MS}ms` }) });
}, 120_000);
afterAll(async () => stack?.stop());

async function say(user: string, text: string): Promise<{ text: string; ephemeral: boolean }> {
  const res = await stack.request('/local-chat/api/command', { json: { user, channel: 'incidents', text } });
  const body = (await res.json()) as { ok: boolean; reply: { text: string; ephemeral: boolean } };
  expect(body.ok).toBe(true);
  return body.reply;
}

describe('silences over REST', () => {
  it('creates, lists and removes a silence; only its creator or an admin removes it', async () => {
    const created = await stack.request('/api/silences', { token: 'alice', json: { matcher: '{namespace="rest-shop", kind=~"Pod|Deployment"}', duration: '2h', reason: 'migration' } });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { outcome: string; silence: { id: string; matcher: string; createdBy: string } };
    expect(body).toMatchObject({ outcome: 'done', silence: { matcher: '{namespace="rest-shop", kind=~"Pod|Deployment"}', createdBy: 'alice' } });
    const id = body.silence.id;

    const listed = (await (await stack.request('/api/silences', { token: 'ops' })).json()) as { silences: { id: string }[] };
    expect(listed.silences.map((s) => s.id)).toContain(id);

    const byBob = await stack.request(`/api/silences/${id}`, { token: 'bob', method: 'DELETE' });
    expect(byBob.status).toBe(403);
    expect(((await byBob.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'refused', message: expect.stringContaining('Only alice') });
    expect((await stack.request(`/api/silences/${id}`, { token: 'alice', method: 'DELETE' })).status).toBe(200);
    expect((await stack.request(`/api/silences/${id}`, { token: 'alice', method: 'DELETE' })).status).toBe(404);
    await eventually(async () => !((await (await stack.request('/api/silences', { token: 'ops' })).json()) as { silences: { id: string }[] }).silences.some((s) => s.id === id), 'the silence gone from the list');
  });

  it('refuses a service token and names the fields of a malformed request', async () => {
    const service = await stack.request('/api/silences', { token: 'ops', json: { matcher: '{namespace="shop"}', duration: '1h' } });
    expect(service.status).toBe(403);
    expect(await service.text()).toContain('person_required');
    const bad = await stack.request('/api/silences', { token: 'alice', json: { matcher: '{namespace="shop"', duration: 'soon' } });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { fields: { path: string; message: string }[] } }).error.fields;
    expect(fields.map((f) => f.path).sort()).toEqual(['duration', 'matcher']);
    expect(fields.find((f) => f.path === 'matcher')!.message).toContain('unbalanced braces');
    expect((await stack.request('/api/silences/nope', { token: 'alice', method: 'DELETE' })).status).toBe(400);
  });
});

describe('silences from the local chat', () => {
  it('silences, lists and unsilences; a person off the roster is refused', async () => {
    const created = await say('alice', '/incident silence {namespace="chat-shop"} 30m rollout');
    expect(created.ephemeral).toBe(false); // announced in the channel
    const id = /as (s-\d+)/.exec(created.text)![1]!;
    expect((await say('bob', '/incident silences')).text).toContain(`${id} {namespace="chat-shop"}`);
    const stranger = await say('mallory', '/incident silence {namespace="chat-shop"} 30m');
    expect(stranger).toMatchObject({ ephemeral: true, text: expect.stringContaining('not on the roster') });
    expect((await say('alice', `/incident unsilence ${id}`)).text).toContain('removed');
  });
});

describe('a silence in the running worker', () => {
  it('holds back an incident reported while it matches, and alerts it when the silence is removed', async () => {
    const created = await say('alice', '/incident silence {namespace="held-shop"} 1h maintenance');
    const id = /as (s-\d+)/.exec(created.text)![1]!;
    // The worker re-reads silences every refreshInterval (its timer, no call per incident), later on a
    // loaded machine: report problems (a new pod each time) until one is routed after the refresh.
    const stateOf = async (incidentId: string) => (await (await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}`, { token: 'ops' })).json()) as IncidentState;
    let n = 0;
    const incidentId = await eventually(async () => {
      await new Promise((r) => setTimeout(r, REFRESH_MS));
      const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ resource: { kind: 'Pod', name: `held-${++n}`, namespace: 'held-shop' }, owner: undefined }) });
      expect(res.status).toBe(202);
      const reported = ((await res.json()) as { incidentId: string }).incidentId;
      // Routed: either held back (silenced) or alerted because the silence had not reached the worker yet.
      const routed = await eventually(async () => {
        const s = await stateOf(reported);
        return s.silenced || s.messages.length > 0 ? s : undefined;
      }, `the routing of ${reported}`);
      return routed.silenced?.id === id ? reported : undefined;
    }, 'an incident held back by the silence');
    const state = () => stateOf(incidentId);
    expect((await state()).messages).toEqual([]);
    await say('alice', `/incident unsilence ${id}`);
    await eventually(async () => (await state()).messages.length === 1 && (await state()).pagedFor === 'L1R0', 'the alert and page after the removal');
    const after = await state();
    expect(after.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['silenced', 'unsilenced', 'alerted', 'paged']));
    expect(after.timeline.find((e) => e.type === 'unsilenced')?.text).toContain('removed by Alice Liddell (local:alice)');
  });

  it('closes an incident resolved during its silence quietly: no alert, no page', async () => {
    const created = await say('alice', '/incident silence {namespace="quiet-shop"} 1h');
    const id = /as (s-\d+)/.exec(created.text)![1]!;
    await new Promise((r) => setTimeout(r, 3 * REFRESH_MS));
    const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ resource: { kind: 'Pod', name: 'quiet-1', namespace: 'quiet-shop' }, owner: undefined }) });
    const incidentId = ((await res.json()) as { incidentId: string }).incidentId;
    const state = async () => (await (await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}`, { token: 'ops' })).json()) as IncidentState;
    await eventually(async () => (await state()).silenced?.id === id, 'the incident held back by the silence');
    const resolved = await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}/resolve`, { token: 'bob', json: { summary: 'false alarm during maintenance' } });
    expect(resolved.status).toBe(200);
    await eventually(async () => (await state()).timeline.some((e) => e.type === 'postmortem'), 'the postmortem');
    const s = await state();
    expect(s.messages).toEqual([]);
    expect(s.timeline.map((e) => e.type)).not.toContain('paged');
    await say('alice', `/incident unsilence ${id}`);
  });
});
