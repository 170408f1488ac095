// The whole path through the real processes: POST /api/anomalies -> Temporal -> the real worker
// and workflow -> alert card in the local chat served by this api -> REST, chat commands and
// buttons as Workflow Updates -> postmortem. Refusals must show in the incident's timeline.
import type { IncidentState } from '../../../workflows/definitions';
import type { LocalMessage } from '../../../platforms/local/shared/protocol';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
}, 120_000);
afterAll(async () => stack?.stop());

const enc = encodeURIComponent;
const json = async (res: Response): Promise<any> => res.json();

async function state(id: string): Promise<IncidentState> {
  const res = await stack.request(`/api/incidents/${enc(id)}`, { token: 'ops' });
  expect(res.status).toBe(200);
  return json(res);
}
async function channel(name: string): Promise<LocalMessage[]> {
  return (await json(await stack.request(`/local-chat/api/channels/${name}/messages`))).messages;
}
async function alertCard(id: string): Promise<LocalMessage | undefined> {
  return (await channel('incidents')).find((m) => m.incidentId === id && m.card && !m.threadId);
}
async function open(cluster: string): Promise<{ id: string; fingerprint: string }> {
  const a = anomaly({ cluster });
  const res = await stack.request('/api/anomalies', { token: 'ops', json: a });
  expect(res.status).toBe(202);
  return { id: (await json(res)).incidentId, fingerprint: a.fingerprint };
}

describe('incident lifecycle through the api', () => {
  it('turns one POST into one incident with one occurrence, an alert card and a page', async () => {
    const { id } = await open('life-one');
    const card = await eventually(() => alertCard(id), 'the alert card in #incidents');
    expect(card.card).toMatchObject({ incidentId: id, status: 'triggered', severity: 'error', actions: ['ack', 'handoff', 'resolve'] });
    await eventually(async () => (await channel('dm-alice')).some((m) => m.incidentId === id), 'the page to alice');
    const s = await state(id);
    expect(s.occurrences.count).toBe(1);
    expect(s.status).toBe('triggered');
  });

  it('adds repeated anomalies to the same incident', async () => {
    const a = anomaly({ cluster: 'life-repeat' });
    const first = await json(await stack.request('/api/anomalies', { token: 'ops', json: a }));
    const second = await json(await stack.request('/api/anomalies', { token: 'ops', json: { ...a, count: 3 } }));
    expect(second.incidentId).toBe(first.incidentId);
    expect(second.runId).toBe(first.runId);
    await eventually(async () => (await state(first.incidentId)).occurrences.count === 4, 'four occurrences');
  });

  it('acknowledges over REST once, answers "already" after, and updates the card', async () => {
    const { id } = await open('life-ack');
    const done = await stack.request(`/api/incidents/${enc(id)}/ack`, { token: 'alice', json: {} });
    expect(done.status).toBe(200);
    expect(await json(done)).toEqual({ outcome: 'done', message: 'Acknowledged by Alice Liddell. Escalation stopped.', status: 'acknowledged' });
    const again = await stack.request(`/api/incidents/${enc(id)}/ack`, { token: 'alice' , method: 'POST' });
    expect(await json(again)).toMatchObject({ outcome: 'already', status: 'acknowledged' });
    await eventually(async () => (await alertCard(id))?.card?.status === 'acknowledged', 'the card to show acknowledged');
    const listed = await eventually(async () => {
      const { incidents } = await json(await stack.request('/api/incidents?cluster=life-ack&status=acknowledged', { token: 'bob' }));
      return incidents[0];
    }, 'the list to show it acknowledged');
    expect(listed).toMatchObject({ id, status: 'acknowledged', assignee: 'alice' });
  });

  it('answers a refused handoff with 403 and records the refusal in the timeline', async () => {
    const { id } = await open('life-refuse');
    const res = await stack.request(`/api/incidents/${enc(id)}/handoff`, { token: 'bob', json: { to: '@zed', note: 'please' } });
    expect(res.status).toBe(403);
    const body = await json(res);
    expect(body.error.code).toBe('refused');
    expect(body.result.outcome).toBe('refused');
    const refused = (await state(id)).timeline.filter((e) => e.type === 'refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.text).toContain('api:bob');
  });

  it('refuses chat commands by people not on the roster and records who tried', async () => {
    const { id } = await open('life-mallory');
    const card = await eventually(() => alertCard(id), 'the alert card');
    const res = await json(await stack.request('/local-chat/api/command', { json: { user: 'mallory', channel: 'incidents', threadId: card.id, text: '/ack' } }));
    expect(res.reply).toMatchObject({ ephemeral: true, outcome: 'refused', incidentId: id });
    expect(res.posted).toEqual([]);
    const refused = (await state(id)).timeline.find((e) => e.type === 'refused');
    expect(refused?.text).toContain('local:mallory');
  });

  it('runs thread commands and buttons through to resolution, postmortem and a closed incident', async () => {
    const { id, fingerprint } = await open('life-full');
    const card = await eventually(() => alertCard(id), 'the alert card');

    const ack = await json(await stack.request('/local-chat/api/command', { json: { user: 'alice', channel: 'incidents', threadId: card.id, text: '/ack' } }));
    expect(ack.reply).toMatchObject({ ephemeral: false, outcome: 'done' });
    expect(ack.posted.map((m: LocalMessage) => [m.user, m.threadId])).toEqual([
      ['alice', card.id],
      ['bot', card.id],
    ]);

    const handoff = await json(await stack.request('/local-chat/api/command', { json: { user: 'alice', channel: 'incidents', threadId: card.id, text: '/handoff @bob going off shift' } }));
    expect(handoff.reply).toMatchObject({ outcome: 'done', text: expect.stringContaining('Handed off to Bob Marley') });
    expect((await state(id)).handoffPendingTo).toBe('bob');
    await eventually(async () => (await channel('dm-bob')).some((m) => m.incidentId === id), 'the handoff page to bob');
    const bobAck = await json(await stack.request('/local-chat/api/command', { json: { user: 'bob', channel: 'incidents', threadId: card.id, text: '/ack' } }));
    expect(bobAck.reply).toMatchObject({ outcome: 'done' });
    const afterAck = await state(id);
    expect(afterAck).toMatchObject({ status: 'acknowledged', assignee: 'bob' });
    expect(afterAck.handoffPendingTo).toBeUndefined();

    const show = await json(await stack.request('/local-chat/api/command', { json: { user: 'bob', channel: 'incidents', threadId: card.id, text: '/incident show' } }));
    expect(show.reply.text).toMatch(/Timeline:[\s\S]*handoff Alice Liddell: Handed off from Alice Liddell to Bob Marley by Alice Liddell: going off shift/);

    const resolved = await json(await stack.request('/local-chat/api/interact', { json: { user: 'bob', incidentId: id, action: 'resolve', summary: 'rolled back to v41' } }));
    expect(resolved.reply).toMatchObject({ outcome: 'done', ephemeral: false });

    const s = await eventually(async () => {
      const st = await state(id);
      return st.postmortemId ? st : undefined;
    }, 'the postmortem id');
    const pm = await eventually(async () => {
      const res = await stack.request(`/api/postmortems/${enc(s.postmortemId!)}`, { token: 'ops', headers: { accept: 'text/markdown' } });
      return res.status === 200 ? res.text() : undefined;
    }, 'the postmortem document');
    expect(pm).toContain('rolled back to v41');
    const viaPage = await stack.request(`/local-chat/api/postmortems/${enc(s.postmortemId!)}?user=alice`);
    expect(viaPage.status).toBe(200);

    // Once the workflow has finished, updates are refused by the api with 409.
    const closed = await eventually(async () => {
      const res = await stack.request(`/api/incidents/${enc(id)}/ack`, { token: 'carol', json: {} });
      return res.status === 409 ? json(res) : undefined;
    }, 'the incident to close');
    expect(closed.error).toEqual({ code: 'incident_closed', message: expect.stringContaining('is already resolved') });
    const { incidents } = await eventually(async () => {
      const r = await json(await stack.request('/api/incidents?cluster=life-full&status=resolved', { token: 'ops' }));
      return r.incidents.length ? r : undefined;
    }, 'the resolved incident in the list');
    expect(incidents[0]).toMatchObject({ id, status: 'resolved', execution: 'COMPLETED' });

    // The same problem again is a new incident (a new run under the same id).
    const again = await json(await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'life-full', fingerprint }) }));
    expect(again.incidentId).toBe(id);
    await eventually(async () => {
      const st = await state(id);
      return st.status === 'triggered' && st.occurrences.count === 1;
    }, 'a fresh incident under the same id');
  });
});
