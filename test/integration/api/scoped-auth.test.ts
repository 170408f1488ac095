// Scoped roles and workspace pinning end to end: bob is a responder for cluster a only, carol an
// admin for cluster a only. A cluster-b incident refuses bob from Slack, REST and the local chat,
// and each refusal is in the incident's timeline; carol acts in cluster a. A validly signed Slack
// request from another workspace is refused and changes nothing. Real Temporal, worker and api.
import { startSlackStack, USERS, type SlackStack } from '../slack/slack-stack';
import { eventually } from '../../helpers/stack';
import type { IncidentState } from '../../../workflows/definitions';

let s: SlackStack;
beforeAll(async () => {
  s = await startSlackStack(['scoped-a', 'scoped-b', 'pinned', 'scoped-read'], {
    config: (raw) => {
      const bob = raw.people.find((p: any) => p.id === 'bob');
      delete bob.roles;
      bob.grants = [{ roles: ['responder'], clusters: ['a'] }];
      const carol = raw.people.find((p: any) => p.id === 'carol');
      delete carol.roles;
      carol.grants = [{ roles: ['responder', 'admin'], clusters: ['a'] }];
    },
  });
}, 90_000);
afterAll(async () => s?.stop());

const BOB_REFUSED = 'You (bob) may act on incidents of cluster a only; this one is in cluster b. Ask an admin to add cluster b to people[bob].grants.';
const refusals = (st: IncidentState, via: string) => st.timeline.filter((t) => t.type === 'refused' && t.text.includes(via));
const json = async (res: Response) => (await res.json()) as Record<string, any>;

describe('a responder scoped to cluster a, on a cluster-b incident', () => {
  let id: string;
  beforeAll(async () => {
    id = await s.report('scoped-b', { cluster: 'b' });
    await s.alert(s.channels['scoped-b']!);
  });

  it('is refused from Slack with the missing scope, and the refusal is recorded', async () => {
    const channel = s.channels['scoped-b']!;
    const alert = await s.alert(channel);
    expect((await s.inbound.click(USERS.bob, channel, alert.ts, 'incident:ack')).status).toBe(200);
    await eventually(async () => s.fake.ephemerals.find((e) => e.user === USERS.bob && e.text.includes('may act on incidents of cluster a only')), 'the refusal to bob');
    const st = await eventually(async () => {
      const x = await s.state(id);
      return refusals(x, `slack:${USERS.bob}`).length ? x : undefined;
    }, 'the Slack refusal in the timeline');
    expect(refusals(st, `slack:${USERS.bob}`)[0]!.text).toContain(BOB_REFUSED);
    expect(st.status).toBe('triggered');
  });

  it('is refused with the REST token, and the refusal is recorded', async () => {
    const res = await s.stack.request(`/api/incidents/${encodeURIComponent(id)}/ack`, { method: 'POST', token: 'bob', json: {} });
    const viaToken = BOB_REFUSED.replace('people[bob].grants.', 'people[bob].grants or api.tokens[bob].grants.');
    expect((await json(res)).error).toEqual({ code: 'refused', message: viaToken });
    const st = await s.state(id);
    expect(refusals(st, 'api:bob')[0]!.text).toContain(viaToken);
    expect(st.status).toBe('triggered');
  });

  it('is refused from the local chat, and the refusal is recorded', async () => {
    const res = await json(await s.stack.request('/local-chat/api/interact', { json: { user: 'bob', incidentId: id, action: 'ack' } }));
    expect(JSON.stringify(res)).toContain(BOB_REFUSED);
    const st = await s.state(id);
    expect(refusals(st, 'local:bob')[0]!.text).toContain(BOB_REFUSED);
    expect(st.status).toBe('triggered');
  });

  it('is refused for the admin scoped to cluster a too', async () => {
    const res = await s.stack.request(`/api/incidents/${encodeURIComponent(id)}/resolve`, { method: 'POST', token: 'carol', json: { summary: 'not mine' } });
    expect(JSON.stringify(await json(res))).toContain('You (carol) may act on incidents of cluster a only; this one is in cluster b.');
    expect((await s.state(id)).status).toBe('triggered');
  });
});

describe('what a responder scoped to cluster a may read', () => {
  it('lists only cluster-a incidents and is refused a cluster-b one, with the missing scope', async () => {
    const inA = await s.report('scoped-read', { cluster: 'a' });
    const inB = await s.report('scoped-read', { cluster: 'b' });
    const listed = await eventually(async () => {
      const all = (await json(await s.stack.request('/api/incidents?limit=200', { token: 'alice' }))).incidents as { id: string }[];
      return all.some((i) => i.id === inA) && all.some((i) => i.id === inB) && all;
    }, 'both incidents listed for alice');
    expect(listed.length).toBeGreaterThan(1);
    const bobs = (await json(await s.stack.request('/api/incidents?limit=200', { token: 'bob' }))).incidents as { id: string; cluster: string }[];
    expect(bobs.map((i) => i.id)).toContain(inA);
    expect(bobs.filter((i) => i.cluster !== 'a')).toEqual([]);
    const res = await s.stack.request(`/api/incidents/${encodeURIComponent(inB)}`, { token: 'bob' });
    expect(res.status).toBe(403);
    expect((await json(res)).error.message).toContain('You (bob) may read incidents of cluster a only; this one is in cluster b. Ask an admin to add cluster b to people[bob].grants or api.tokens[bob].grants.');
    expect((await s.stack.request(`/api/incidents/${encodeURIComponent(inA)}`, { token: 'bob' })).status).toBe(200);
  });
});

describe('handing a cluster-b incident to someone scoped to cluster a', () => {
  it('is refused with what to do, the refusal is recorded, and the incident stays with its responder', async () => {
    const id = await s.report('scoped-b', { cluster: 'b' });
    expect((await s.stack.request(`/api/incidents/${encodeURIComponent(id)}/ack`, { method: 'POST', token: 'alice', json: {} })).status).toBe(200);
    const res = await s.stack.request(`/api/incidents/${encodeURIComponent(id)}/handoff`, { method: 'POST', token: 'alice', json: { to: 'bob' } });
    const refusal = 'bob may not act on incidents in namespace scoped-b of cluster b, so they could not acknowledge or resolve this one. Hand it to someone whose roles cover it, or ask an admin to add a grant to people[bob].grants.';
    expect((await json(res)).error).toEqual({ code: 'refused', message: refusal });
    const st = await s.state(id);
    expect(refusals(st, 'api:alice')[0]!.text).toContain(refusal);
    expect(st).toMatchObject({ status: 'acknowledged', assignee: 'alice' });
  });
});

describe('an admin scoped to cluster a, on a cluster-a incident', () => {
  it('acknowledges, and resolves an incident bob acknowledged (an admin act) from Slack', async () => {
    const channel = s.channels['scoped-a']!;
    const id = await s.report('scoped-a', { cluster: 'a' });
    const alert = await s.alert(channel);
    expect((await s.inbound.click(USERS.bob, channel, alert.ts, 'incident:ack')).status).toBe(200);
    await eventually(async () => (await s.state(id)).assignee === 'bob', 'acknowledged by bob in his cluster');
    const res = await s.stack.request(`/api/incidents/${encodeURIComponent(id)}/resolve`, { method: 'POST', token: 'carol', json: { summary: 'rolled back' } });
    expect(res.status).toBe(200);
    const st = await eventually(async () => {
      const x = await s.state(id);
      return x.status === 'resolved' ? x : undefined;
    }, 'resolved by carol');
    expect(st.resolvedBy).toBe('carol');
  });
});

describe('Slack workspace pinning', () => {
  it('refuses a validly signed click from another workspace, and changes nothing', async () => {
    const channel = s.channels.pinned!;
    const id = await s.report('pinned');
    const alert = await s.alert(channel);
    const res = await s.inbound.click(USERS.alice, channel, alert.ts, 'incident:ack', { teamId: 'T0OTHERTEAM' });
    expect(res.status).toBe(403);
    expect(await json(res)).toEqual({ error: { code: 'wrong_workspace', message: expect.stringContaining('this request came from workspace T0OTHERTEAM, so nothing was changed') } });
    const cmd = await s.inbound.command(USERS.alice, channel, '/ack', '', { teamId: 'T0OTHERTEAM' });
    expect(await json(cmd)).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('This app serves Slack workspace') });
    const after = await s.state(id);
    expect(after.status).toBe('triggered');
    expect(after.timeline.filter((t) => t.text.includes(`slack:${USERS.alice}`) || t.actor === 'alice')).toEqual([]);
    expect(s.fake.ephemerals.filter((e) => e.user === USERS.alice)).toEqual([]);
    // The same click from the pinned workspace goes through.
    expect((await s.inbound.click(USERS.alice, channel, alert.ts, 'incident:ack')).status).toBe(200);
    await eventually(async () => (await s.state(id)).status === 'acknowledged', 'acknowledged from the pinned workspace');
  });
});
