// Issue 10, bug 1 on the real processes: Alice acks, hands off to Bob who never acks, then Alice
// resolves. The card, the state query and the incident list must all name Alice, as the
// postmortem does, and the timeline must say the hand-off was cancelled.
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
const state = async (id: string): Promise<IncidentState> => json(await stack.request(`/api/incidents/${enc(id)}`, { token: 'ops' }));
async function alertCard(id: string): Promise<LocalMessage | undefined> {
  const { messages } = (await json(await stack.request('/local-chat/api/channels/incidents/messages'))) as { messages: LocalMessage[] };
  return messages.find((m) => m.incidentId === id && m.card && !m.threadId);
}

describe('resolving while a hand-off is pending', () => {
  it('names the resolver as responder on the card, in the state and in the list, and records the cancelled hand-off', async () => {
    const a = anomaly({ cluster: 'handoff-resolve' });
    const opened = await stack.request('/api/anomalies', { token: 'ops', json: a });
    expect(opened.status).toBe(202);
    const id: string = (await json(opened)).incidentId;
    await eventually(() => alertCard(id), 'the alert card');

    expect((await stack.request(`/api/incidents/${enc(id)}/ack`, { token: 'alice', json: {} })).status).toBe(200);
    const handoff = await stack.request(`/api/incidents/${enc(id)}/handoff`, { token: 'alice', json: { to: 'bob', note: 'my shift ends' } });
    expect(await json(handoff)).toMatchObject({ outcome: 'done', status: 'triggered' });
    expect(await state(id)).toMatchObject({ assignee: 'bob', handoffPendingTo: 'bob' });
    const resolved = await stack.request(`/api/incidents/${enc(id)}/resolve`, { token: 'alice', json: { summary: 'rolled back to v41' } });
    expect(await json(resolved)).toMatchObject({ outcome: 'done', status: 'resolved' });

    const s = await state(id);
    expect(s).toMatchObject({ status: 'resolved', assignee: 'alice', resolvedBy: 'alice' });
    expect(s.handoffPendingTo).toBeUndefined();
    expect(s.timeline.find((e) => e.data?.handoffCancelled === 'bob')?.text).toMatch(/^Hand-off to Bob Marley cancelled: Alice Liddell resolved the incident/);

    const card = await eventually(async () => {
      const c = await alertCard(id);
      return c?.card?.status === 'resolved' ? c.card : undefined;
    }, 'the card to show resolved');
    expect(card.assignee).toBe('Alice Liddell');

    const listed = await eventually(async () => {
      const { incidents } = await json(await stack.request('/api/incidents?cluster=handoff-resolve&status=resolved', { token: 'ops' }));
      return incidents.find((i: { id: string }) => i.id === id);
    }, 'the list to show it resolved');
    expect(listed).toMatchObject({ status: 'resolved', assignee: 'alice' });
  });
});
