// Slack end to end: anomaly -> alert with buttons in Slack -> people act through signed button
// clicks, slash commands, modals and thread mentions -> the workflow changes and the alert is
// updated in place. Real Temporal, real worker, real api; only Slack is the strict fake.
import { buttonsOf, startSlackStack, USERS, type SlackStack } from './slack-stack';
import { eventually } from '../../helpers/stack';
import { expectedSignature } from '../../../platforms/slack/inbound/verify';

let s: SlackStack;
beforeAll(async () => {
  s = await startSlackStack(['acks', 'commands', 'modals']);
}, 90_000);
afterAll(async () => s?.stop());

const text = (blocks: unknown) => JSON.stringify(blocks);
const ephemeralFor = (user: string, pattern: RegExp) => eventually(async () => s.fake.ephemerals.find((e) => e.user === user && pattern.test(e.text)), `an ephemeral answer to ${user} matching ${pattern}`);

describe('Slack alert and buttons', () => {
  let id: string;
  let channel: string;

  it('posts the alert with Ack, Hand off and Resolve and pages the on-call person by DM and thread mention', async () => {
    channel = s.channels.acks!;
    id = await s.report('acks');
    const alert = await s.alert(channel);
    expect(buttonsOf(alert)).toEqual(['Ack', 'Hand off', 'Resolve']);
    expect(alert.metadata).toEqual({ event_type: 'incident_alert', event_payload: { incident_id: id, key: expect.stringMatching(/\/alert$/) } });
    await eventually(async () => s.fake.dms(USERS.alice).some((m) => /you are paged/.test(m.text)), 'a DM paging alice');
    await eventually(async () => s.fake.replies(channel, alert.ts).some((m) => m.text.startsWith(`<@${USERS.alice}>`)), 'a mention of alice in the thread');
    // Paging and diagnostics are news for the alert too: it is updated in place with both.
    await eventually(async () => {
      const t = text(s.fake.messages(channel)[0]!.blocks);
      return /\*Paging\*\\nAlice Liddell.*\*Escalation level\*\\n1/.test(t) && t.includes('*Diagnostics*');
    }, 'the alert naming alice at level 1, with the diagnostics digest');
  });

  it('answers 401 to a forged signature and to a correctly signed request older than five minutes', async () => {
    const alert = await s.alert(channel);
    expect((await s.inbound.click(USERS.alice, channel, alert.ts, 'incident:ack', { signature: `v0=${'0'.repeat(64)}` })).status).toBe(401);
    expect((await s.inbound.click(USERS.alice, channel, alert.ts, 'incident:ack', { secret: 'not-the-signing-secret' })).status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await s.inbound.click(USERS.alice, channel, alert.ts, 'incident:ack', { timestamp: old });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'invalid_signature', message: expect.stringMatching(/five minutes/) } });
    expect((await s.state(id)).status).toBe('triggered');
  });

  it('refuses a click by someone not on the roster with an ephemeral answer, records it, and changes nothing', async () => {
    const alert = await s.alert(channel);
    const before = text(alert.blocks);
    expect((await s.inbound.click(USERS.mallory, channel, alert.ts, 'incident:ack')).status).toBe(200);
    const e = await ephemeralFor(USERS.mallory, /not on the roster/);
    expect(e.channel).toBe(channel);
    const state = await eventually(async () => {
      const st = await s.state(id);
      return st.timeline.some((t) => t.type === 'refused' && t.text.includes(`slack:${USERS.mallory}`)) ? st : undefined;
    }, 'the refusal in the timeline');
    expect(state.status).toBe('triggered');
    // The refusal is audited; the alert may be refreshed, but it shows exactly what it showed.
    expect(text(s.fake.messages(channel)[0]!.blocks)).toBe(before);
  });

  it('acknowledges a signed Ack click by the roster person and updates the alert to show who acked', async () => {
    const alert = await s.alert(channel);
    const res = await s.inbound.click(USERS.alice, channel, alert.ts, 'incident:ack');
    expect(res.status).toBe(200);
    await eventually(async () => (await s.state(id)).status === 'acknowledged', 'acknowledged');
    const updated = await eventually(async () => {
      const m = s.fake.messages(channel)[0]!;
      return text(m.blocks).includes('*Acknowledged by*\\nAlice Liddell') ? m : undefined;
    }, 'the alert showing who acknowledged');
    expect(buttonsOf(updated)).toEqual(['Hand off', 'Resolve']);
    expect(s.fake.messages(channel)).toHaveLength(1); // updated in place, not reposted
    const st = await s.state(id);
    expect(st.assignee).toBe('alice');
    expect(st.timeline.find((t) => t.type === 'acknowledged')?.text).toContain(`slack:${USERS.alice}`);
    // The channel sees who took it: a line in the alert's thread, not only an ephemeral answer.
    await eventually(async () => s.fake.replies(channel, alert.ts).some((m) => m.text === 'Acknowledged by Alice Liddell. Escalation stopped.'), 'the ack line in the thread');
  });
});

describe('Slack slash commands', () => {
  let id: string;
  let channel: string;

  it('hands off with /handoff @second-responder: they are paged by DM and escalation restarts for them', async () => {
    channel = s.channels.commands!;
    id = await s.report('commands');
    await s.alert(channel);
    await eventually(async () => (await s.state(id)).pagedFor === 'L1R0', 'alice paged at level 1');
    const before = Date.now();
    const res = await s.inbound.command(USERS.alice, channel, '/handoff', `<@${USERS.bob}|bob> taking over`);
    expect(res.status).toBe(200);
    const answer = await eventually(async () => s.fake.responses.find((r) => r.body.user === USERS.alice && /Handed off/.test(String(r.body.text))), 'the in-channel answer');
    expect(answer.body.response_type).toBe('in_channel');
    await eventually(async () => s.fake.dms(USERS.bob).some((m) => /you are paged/.test(m.text)), 'a DM paging bob');
    const st = await eventually(async () => {
      const x = await s.state(id);
      return x.pagedFor === 'handoff1' ? x : undefined;
    }, 'the escalation wait restarted for bob');
    expect(st).toMatchObject({ status: 'triggered', assignee: 'bob', handoffPendingTo: 'bob' });
    expect(st.escalateAtMs!).toBeGreaterThanOrEqual(before + 4 * 60_000); // a fresh level delay (5m) from the handoff
    expect(st.timeline.find((t) => t.type === 'handoff')?.text).toMatch(/to Bob Marley by Alice Liddell: taking over/);
  });

  it('answers help, lists and unknown commands only to the caller', async () => {
    await s.inbound.command(USERS.carol, channel, '/incident', 'help');
    await s.inbound.command(USERS.carol, channel, '/incident', 'bogus');
    const answers = await eventually(async () => {
      const mine = s.fake.responses.filter((r) => r.body.user === USERS.carol);
      return mine.length >= 2 ? mine : undefined;
    }, 'two answers to carol');
    expect(answers.map((a) => a.body.response_type)).toEqual(['ephemeral', 'ephemeral']);
    expect(answers.map((a) => String(a.body.text))).toEqual([expect.stringContaining('Incident commands:'), expect.stringContaining('Unknown subcommand')]);
  });

  it('takes /ack typed in the page DM as an ack of the incident that DM paged for', async () => {
    const dm = s.fake.dmChannel(USERS.bob)!.id;
    await s.inbound.command(USERS.bob, dm, '/ack', '');
    await eventually(async () => (await s.state(id)).status === 'acknowledged', 'acknowledged by bob');
    expect((await s.state(id)).assignee).toBe('bob');
  });

  it('resolves with /resolve <summary>: the alert is updated and the postmortem produced and linked', async () => {
    const res = await s.inbound.command(USERS.bob, channel, '/resolve', 'fixed image tag');
    expect(res.status).toBe(200);
    const st = await eventually(async () => {
      const x = await s.state(id);
      return x.postmortemId ? x : undefined;
    }, 'the postmortem', 30_000);
    expect(st).toMatchObject({ status: 'resolved', resolvedBy: 'bob', summary: 'fixed image tag' });
    const alert = await eventually(async () => {
      const m = s.fake.messages(channel)[0]!;
      return text(m.blocks).includes('|Postmortem>') ? m : undefined;
    }, 'the alert with the postmortem link');
    expect(buttonsOf(alert)).toEqual([]);
    expect(text(alert.blocks)).toContain('*Resolution*\\nfixed image tag');
    await eventually(async () => s.fake.replies(channel, alert.ts).some((m) => m.text.startsWith('Resolved. Postmortem')), 'the postmortem reply in the thread');
  });
});

describe('Slack modals and thread mentions', () => {
  let id: string;
  let channel: string;
  const lastView = (user: string, callback: string) => eventually(async () => s.fake.views().filter((v) => v.user === user && v.callbackId === callback).at(-1), `a ${callback} modal for ${user}`);

  it('hands off through the Hand off button and its user picker; a pick off the roster is refused in the form', async () => {
    channel = s.channels.modals!;
    id = await s.report('modals');
    const alert = await s.alert(channel);
    expect((await s.inbound.click(USERS.alice, channel, alert.ts, 'incident:handoff')).status).toBe(200);
    const view = await lastView(USERS.alice, 'incident_handoff');
    const refused = await s.inbound.submitView(view.id, { handoff_to: USERS.mallory });
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { handoff_to: expect.stringContaining('not on the incident roster') } });
    expect((await s.inbound.submitView(view.id, { handoff_to: USERS.carol, handoff_note: 'db expert' })).status).toBe(200);
    await eventually(async () => (await s.state(id)).handoffPendingTo === 'carol', 'handed off to carol');
    await ephemeralFor(USERS.alice, /Handed off to Carol Danvers/);
    await eventually(
      async () => s.fake.replies(channel, alert.ts).some((m) => m.text.startsWith('Alice Liddell: Handed off to Carol Danvers') && m.text.endsWith('\nNote: db expert')),
      'the hand-off line with its note in the thread',
    );
  });

  it('takes "@bot ack" in the alert thread as an ack of that incident by the person who wrote it', async () => {
    const alert = await s.alert(channel);
    const res = await s.inbound.event({ type: 'app_mention', user: USERS.carol, channel, text: '<@U0BOT0001> ack', ts: `${Date.now() / 1000}`, thread_ts: alert.ts });
    expect(res.status).toBe(200);
    await eventually(async () => (await s.state(id)).status === 'acknowledged', 'acknowledged by carol');
    expect((await s.state(id)).assignee).toBe('carol');
    await eventually(async () => s.fake.replies(channel, alert.ts).some((m) => /Acknowledged by Carol Danvers/.test(m.text)), 'the answer in the thread');
  });

  it('resolves through the Resolve button and its summary form', async () => {
    const alert = await s.alert(channel);
    await s.inbound.click(USERS.carol, channel, alert.ts, 'incident:resolve');
    const view = await lastView(USERS.carol, 'incident_resolve');
    expect((await s.inbound.submitView(view.id, { resolve_summary: 'restarted the database' })).status).toBe(200);
    await eventually(async () => (await s.state(id)).status === 'resolved', 'resolved');
    expect((await s.state(id)).summary).toBe('restarted the database');
    await eventually(async () => s.fake.replies(channel, alert.ts).some((m) => m.text.startsWith('Resolved by Carol Danvers.') && m.text.endsWith('\nSummary: restarted the database')), 'the resolve line in the thread');
  });

  it('refuses a request whose signature was made for another body', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const res = await s.inbound.send('command=%2Fack&user_id=U0ALICE01', 'application/x-www-form-urlencoded', { timestamp: ts, signature: expectedSignature(s.signingSecret, String(ts), 'command=%2Fack&user_id=U0MALLORY') });
    expect(res.status).toBe(401);
  });
});
