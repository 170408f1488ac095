// The commands on-call people reach for (issue 14 item 5) from the local chat and over REST, on the
// real stack: Temporal dev server, worker, api. Each works for a roster person, is refused (and
// audited where it touches an incident) for someone off the roster, and says what to do when it cannot.
import { startStack, eventually, type Stack } from '../../helpers/stack';
import { anomaly } from '../../helpers/anomaly';
import type { IncidentState } from '../../../workflows/definitions';

const RUNBOOK = 'https://runbooks.example/general';
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    worker: true,
    config: (raw) => {
      raw.incidents = { flapWindow: '10m' };
      raw.routing.default.runbook = RUNBOOK;
    },
  });
}, 90_000);
afterAll(async () => stack?.stop());

interface Reply {
  text: string;
  ephemeral: boolean;
  outcome?: string;
}
/** A command typed in the local chat page by `user`. */
async function say(user: string, text: string, channel = 'incidents'): Promise<Reply> {
  const res = await stack.request('/local-chat/api/command', { json: { user, channel, text } });
  const body = (await res.json()) as { ok: boolean; reply: Reply };
  expect(body.ok).toBe(true);
  return body.reply;
}
async function state(id: string): Promise<IncidentState> {
  return (await (await stack.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' })).json()) as IncidentState;
}
async function report(overrides = {}): Promise<string> {
  const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly(overrides) });
  expect(res.status).toBe(202);
  const id = ((await res.json()) as { incidentId: string }).incidentId;
  await eventually(async () => (await state(id)).pagedFor === 'L1R0', 'alice paged at level 1');
  return id;
}
const dms = async (user: string) => ((await (await stack.request(`/local-chat/api/channels/dm-${user}/messages`)).json()) as { messages?: { text: string; key?: string }[] }).messages ?? [];
const refusedIn = (s: IncidentState, via: string) => s.timeline.some((e) => e.type === 'refused' && e.text.includes(via));

describe('local chat', () => {
  let id: string;
  beforeAll(async () => {
    id = await report();
  }, 30_000);

  it('answers /incident oncall with who is on call now, and refuses someone off the roster', async () => {
    expect(await say('alice', '/incident oncall')).toMatchObject({ ephemeral: true, text: expect.stringMatching(/^primary: Alice Liddell now; no change in the next 28 days$/) });
    expect((await say('alice', '/incident oncall nightly')).text).toMatch(/There is no schedule "nightly"\. Schedules: primary\./);
    expect((await say('mallory', '/incident oncall')).text).toMatch(/You \(local:mallory\) are not on the roster/);
  });

  it('changes the severity with /incident severity: state, search attribute, card; off the roster it is refused and audited', async () => {
    const refused = await say('mallory', `/incident severity ${id} critical`);
    expect(refused).toMatchObject({ outcome: 'refused', ephemeral: true });
    expect(refusedIn(await state(id), 'local:mallory')).toBe(true);
    const done = await say('bob', `/incident severity ${id} critical`);
    expect(done).toMatchObject({ outcome: 'done', ephemeral: false, text: 'Severity set to critical (was error) by Bob Marley.' });
    const s = await state(id);
    expect(s.severity).toBe('critical');
    expect(s.timeline.at(-1)).toMatchObject({ type: 'severity', actor: 'bob' });
    await eventually(async () => {
      const messages = ((await (await stack.request('/local-chat/api/channels/incidents/messages')).json()) as { messages: { incidentId?: string; card?: { severity?: string } }[] }).messages;
      return messages.some((m) => m.incidentId === id && m.card?.severity === 'critical');
    }, 'the alert card showing the new severity');
    const listed = await eventually(async () => {
      const res = await stack.request('/api/incidents?severity=critical&status=open', { token: 'ops' });
      const { incidents } = (await res.json()) as { incidents: { id: string }[] };
      return incidents.some((i) => i.id === id);
    }, 'the incident listed as critical (search attribute)');
    expect(listed).toBe(true);
  });

  it('pages the next level at once with /incident escalate, and refuses someone off the roster', async () => {
    expect((await say('mallory', `/incident escalate ${id}`)).outcome).toBe('refused');
    expect((await state(id)).level).toBe(1);
    const done = await say('bob', `/incident escalate ${id}`);
    expect(done).toMatchObject({ outcome: 'done', text: 'Escalated to level 2 by Bob Marley: paging it now.' });
    await eventually(async () => (await dms('carol')).some((m) => m.key?.startsWith(`${id}@`) && /you are paged/.test(m.text)), 'carol paged by DM');
    // The DM is out while the page activity is still completing: the workflow records the page after it.
    const s = await eventually(async () => {
      const now = await state(id);
      return now.pagedFor === 'L2R0' ? now : undefined;
    }, 'the level-2 page recorded');
    expect(s).toMatchObject({ level: 2, pagedFor: 'L2R0' });
    expect(s.timeline.find((e) => e.type === 'escalated' && e.actor === 'bob')?.text).toBe('Escalated by Bob Marley (local:bob) from level 1 to level 2');
  });

  it('snoozes escalation with /incident snooze (bounded), and an ack ends the snooze', async () => {
    expect((await say('alice', `/incident snooze ${id} 2d`)).text).toMatch(/A snooze lasts from 1m to 1d/);
    expect((await say('mallory', `/incident snooze ${id} 30m`)).outcome).toBe('refused');
    const before = Date.now();
    const done = await say('alice', `/incident snooze ${id} 30m`);
    expect(done).toMatchObject({ outcome: 'done', text: expect.stringMatching(/^Escalation snoozed for 30m, until /) });
    const s = await state(id);
    expect(s.snooze!.untilMs).toBeGreaterThanOrEqual(before + 29 * 60_000);
    expect(s.timeline.at(-1)).toMatchObject({ type: 'snoozed', actor: 'alice' });
    expect((await say('carol', `/ack ${id}`)).outcome).toBe('done');
    const acked = await state(id);
    expect(acked.snooze).toBeUndefined();
    expect(acked.timeline.some((e) => e.data?.snoozeEnded && /ended: acknowledged/.test(e.text))).toBe(true);
    expect((await say('alice', `/incident escalate ${id}`)).text).toMatch(/Carol Danvers acknowledged this incident, so escalation is stopped/);
  });

  it('answers /incident runbook from the routing config, or from the alert annotation', async () => {
    expect(await say('alice', `/incident runbook ${id}`)).toMatchObject({ ephemeral: false, text: `Runbook for ${id}: ${RUNBOOK} (from the default route)` });
    expect((await say('mallory', `/incident runbook ${id}`)).text).toMatch(/not on the roster/);
    const annotated = await report({ annotations: { runbookUrl: 'https://wiki.example/crashloop' } });
    expect((await say('bob', `/incident runbook ${annotated}`)).text).toBe(`Runbook for ${annotated}: https://wiki.example/crashloop (from the alert's runbook_url annotation)`);
  });

  it('reopens a resolved incident within its flap window with /incident reopen; off the roster it is refused', async () => {
    expect((await say('carol', `/resolve ${id} restarted the pods`)).outcome).toBe('done');
    await eventually(async () => (await state(id)).postmortemId, 'the postmortem written before the flap window');
    expect((await say('mallory', `/incident reopen ${id}`)).outcome).toBe('refused');
    const done = await say('bob', `/incident reopen ${id} errors are back`);
    expect(done).toMatchObject({ outcome: 'done', text: expect.stringMatching(/^Reopened by Bob Marley, who is now its responder/) });
    const s = await state(id);
    expect(s).toMatchObject({ status: 'acknowledged', assignee: 'bob', reopenCount: 1 });
    expect(s.timeline.at(-1)).toMatchObject({ type: 'reopened', text: 'Reopened by Bob Marley (local:bob): errors are back' });
    expect((await say('bob', `/resolve ${id} really fixed`)).outcome).toBe('done');
  });
});

describe('REST', () => {
  let id: string;
  beforeAll(async () => {
    id = await report();
  }, 30_000);
  const post = (action: string, json: unknown, token: 'alice' | 'bob' | 'ops' = 'bob') => stack.request(`/api/incidents/${encodeURIComponent(id)}/${action}`, { token, json });

  it('changes the severity, escalates and snoozes for a person; a service token is refused', async () => {
    const sev = await post('severity', { severity: 'warning' });
    expect(sev.status).toBe(200);
    expect(await sev.json()).toMatchObject({ outcome: 'done', message: 'Severity set to warning (was error) by Bob Marley.' });
    const esc = await post('escalate', {});
    expect(await esc.json()).toMatchObject({ outcome: 'done', message: expect.stringContaining('level 2') });
    const snooze = await post('snooze', { duration: '1h' }, 'alice');
    expect(snooze.status).toBe(200);
    expect((await state(id)).snooze?.by).toBe('alice');
    const service = await post('severity', { severity: 'info' }, 'ops');
    expect(service.status).toBe(403);
    expect(await service.json()).toMatchObject({ error: { code: 'person_required', message: expect.stringContaining('only a person may ask for a severity change') } });
  });

  it('names the fields to fix in a bad body', async () => {
    const res = await post('snooze', { duration: '3d' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_body', fields: [{ path: 'duration', message: expect.stringContaining('from 1m to 1d') }] } });
    const unknown = await post('page-everyone', {});
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('severity, escalate, snooze, reopen');
  });

  it('reopens within the flap window; after the run closed it says what to do instead', async () => {
    expect((await post('resolve', { summary: 'rolled back' })).status).toBe(200);
    // At once: while the postmortem is written the reopen waits for the flap window, not "too late".
    const reopened = await post('reopen', { reason: 'not fixed' }, 'alice');
    expect(await reopened.json()).toMatchObject({ outcome: 'done', status: 'acknowledged' });
    expect((await post('resolve', { summary: 'fixed now' }, 'alice')).status).toBe(200);
    await stack.client.workflow.getHandle(id).terminate('test: the run closes');
    const closed = await post('reopen', {}, 'alice');
    expect(closed.status).toBe(409);
    expect(((await closed.json()) as { error: { message: string } }).error.message).toMatch(/is closed, so it cannot be reopened\. If the problem is back it opens again as a new incident/);
  });
});
