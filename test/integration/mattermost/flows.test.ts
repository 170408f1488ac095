// Mattermost end to end: anomaly -> alert with buttons in Mattermost -> people act through button
// clicks, slash commands and dialogs that the fake server relays exactly as Mattermost does -> the
// workflow changes and the alert is updated in place. Real Temporal, real worker, real api; only
// Mattermost is the strict fake.
import { actionToken } from '../../../platforms/mattermost/shared/actions';
import { eventually } from '../../helpers/stack';
import { attachmentOf, buttonsOf, fieldsOf, startMattermostStack, type MattermostStack } from './mattermost-stack';

let s: MattermostStack;
beforeAll(async () => {
  s = await startMattermostStack(['acks', 'commands', 'dialogs']);
}, 90_000);
afterAll(async () => s?.stop());

const ephemeralFor = (user: string, pattern: RegExp) =>
  eventually(async () => s.fake.ephemerals.find((e) => e.user_id === user && pattern.test(e.message)), `an ephemeral answer to ${user} matching ${pattern}`);
const post = (path: string, json: unknown) => fetch(`${s.stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });

describe('Mattermost alert and buttons', () => {
  let id: string;
  let channel: string;

  it('posts the alert with Ack, Hand off and Resolve in the routed channel and pages the on-call person by DM and @mention in the thread', async () => {
    channel = s.channels.acks!;
    id = await s.report('acks');
    const alert = await s.alert(channel);
    expect(buttonsOf(alert)).toEqual(['Ack', 'Hand off', 'Resolve']);
    expect(alert.props).toMatchObject({ incident_id: id, incident_key: expect.stringMatching(/\/alert$/) });
    await eventually(async () => s.fake.dms(s.users.alice.id).some((m) => /you are paged/.test(m.message)), 'a DM paging alice');
    await eventually(async () => s.fake.replies(alert.id).some((m) => m.message.startsWith('@alice.liddell you are paged')), 'an @alice.liddell mention in the thread');
    const updated = await eventually(async () => {
      const f = fieldsOf(s.fake.post(alert.id)!);
      return f.Paging === 'Alice Liddell' && f['Escalation level'] === '1' && f.Diagnostics ? f : undefined;
    }, 'the alert naming alice at level 1, with the diagnostics digest');
    expect(updated.Severity).toBe('ERROR');
  });

  it('answers 401 to a button callback whose token was not made with the action secret, and changes nothing', async () => {
    const alert = await s.alert(channel);
    const click = (context: Record<string, unknown>) => post('/mattermost/actions', { user_id: s.users.alice.id, channel_id: channel, post_id: alert.id, trigger_id: 'x', context });
    const forged = await click({ action: 'ack', incident_id: id, token: actionToken('not-the-action-secret', 'ack', id) });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: { code: 'invalid_action_token', message: expect.stringContaining('actionSecret') } });
    expect((await click({ action: 'ack', incident_id: id })).status).toBe(401);
    // A real token for another incident does not work for this one.
    expect((await click({ action: 'ack', incident_id: id, token: actionToken(s.actionSecret, 'ack', `${id}-other`) })).status).toBe(401);
    expect((await s.state(id)).status).toBe('triggered');
    expect(s.fake.ephemerals.filter((e) => e.user_id === s.users.alice.id)).toEqual([]);
  });

  it('refuses a click by someone not on the roster with an ephemeral answer, records it, and changes nothing', async () => {
    const alert = await s.alert(channel);
    const before = JSON.stringify(attachmentOf(s.fake.post(alert.id)!));
    expect((await s.inbound.click(s.users.mallory.id, alert.id, 'ack')).status).toBe(200);
    const e = await ephemeralFor(s.users.mallory.id, /not on the roster/);
    expect(e.channel_id).toBe(channel);
    const state = await eventually(async () => {
      const st = await s.state(id);
      return st.timeline.some((t) => t.type === 'refused' && t.text.includes(`mattermost:${s.users.mallory.id}`)) ? st : undefined;
    }, 'the refusal in the timeline');
    expect(state.status).toBe('triggered');
    expect(JSON.stringify(attachmentOf(s.fake.post(alert.id)!))).toBe(before);
  });

  it('refuses a click and a command from another team on the same server only to the person, and changes nothing', async () => {
    const other = 'otherteam0000000000000000b';
    const alert = await s.alert(s.channels.acks!);
    const click = await s.inbound.click(s.users.alice.id, alert.id, 'ack', { teamId: other });
    expect(click.body).toEqual({ ephemeral_text: expect.stringContaining(`this request came from team ${other}, so nothing was changed`) });
    const cmd = await s.inbound.command(s.users.alice.id, s.channels.acks!, `/ack ${id}`, { teamId: other });
    expect(cmd.body).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/^This integration serves Mattermost team \w+ only/) });
    const st = await s.state(id);
    expect(st.status).toBe('triggered');
    expect(st.timeline.filter((t) => t.type === 'refused' && t.text.includes(`mattermost:${s.users.alice.id}`))).toEqual([]);
  });

  it('acknowledges an Ack click by the roster person and updates the alert to show who acked', async () => {
    const alert = await s.alert(channel);
    expect((await s.inbound.click(s.users.alice.id, alert.id, 'ack')).status).toBe(200);
    await ephemeralFor(s.users.alice.id, /Acknowledged/);
    expect((await s.state(id)).status).toBe('acknowledged');
    const updated = await eventually(async () => {
      const p = s.fake.post(alert.id)!;
      return fieldsOf(p)['Acknowledged by'] === 'Alice Liddell' ? p : undefined;
    }, 'the alert showing who acknowledged');
    expect(buttonsOf(updated)).toEqual(['Hand off', 'Resolve']);
    expect(updated.updates).toBeGreaterThan(0);
    expect(s.fake.botPosts(channel)).toHaveLength(1); // updated in place, not reposted
    const st = await s.state(id);
    expect(st.assignee).toBe('alice');
    expect(st.timeline.find((t) => t.type === 'acknowledged')?.text).toContain(`mattermost:${s.users.alice.id}`);
    // The channel sees who took it: a reply in the alert's thread, not only the ephemeral answer.
    expect(s.fake.replies(alert.id).map((p) => p.message)).toContain('Acknowledged by Alice Liddell. Escalation stopped.');
  });
});

describe('Mattermost slash commands', () => {
  let id: string;
  let channel: string;

  it('answers 401 to a slash command with a wrong token, and changes nothing', async () => {
    channel = s.channels.commands!;
    id = await s.report('commands');
    await s.alert(channel);
    const res = await s.inbound.command(s.users.alice.id, channel, `/ack ${id}`, { token: 'not-a-command-token' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'invalid_command_token', message: expect.stringContaining('commandTokens') } });
    expect((await s.state(id)).status).toBe('triggered');
  });

  it('hands off with /handoff @second-responder in the alert thread: the answer lands in the thread and they are paged by DM', async () => {
    const alert = await s.alert(channel);
    await eventually(async () => (await s.state(id)).pagedFor === 'L1R0', 'alice paged at level 1');
    const res = await s.inbound.command(s.users.alice.id, channel, '/handoff @bob.marley taking over', { rootId: alert.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: 'in_channel', text: expect.stringMatching(/Handed off to Bob Marley/) });
    expect(s.fake.replies(alert.id).some((p) => p.user_id === s.users.alice.id && /Handed off/.test(p.message))).toBe(true);
    await eventually(async () => s.fake.dms(s.users.bob.id).some((m) => /you are paged/.test(m.message)), 'a DM paging bob');
    await eventually(async () => s.fake.replies(alert.id).some((m) => m.message.startsWith('@bob.marley you are paged')), 'an @bob.marley mention in the thread');
    const st = await s.state(id);
    expect(st).toMatchObject({ status: 'triggered', assignee: 'bob', handoffPendingTo: 'bob' });
    expect(st.timeline.find((t) => t.type === 'handoff')?.text).toMatch(/to Bob Marley by Alice Liddell: taking over/);
  });

  it('answers help and unknown commands only to the caller', async () => {
    const help = await s.inbound.command(s.users.carol.id, channel, '/incident help');
    const bogus = await s.inbound.command(s.users.carol.id, channel, '/incident bogus');
    expect([help.body.response_type, bogus.body.response_type]).toEqual(['ephemeral', 'ephemeral']);
    expect(help.body.text).toContain('Incident commands:');
    expect(bogus.body.text).toContain('Unknown subcommand');
    expect(s.fake.ephemerals.filter((e) => e.user_id === s.users.carol.id)).toHaveLength(2);
  });

  it('takes /ack typed in the page DM as an ack of the incident that DM paged for', async () => {
    const dm = s.fake.dmChannel(s.users.bob.id)!.id;
    const res = await s.inbound.command(s.users.bob.id, dm, '/ack');
    expect(res.body.response_type).toBe('in_channel');
    await eventually(async () => (await s.state(id)).status === 'acknowledged', 'acknowledged by bob');
    expect((await s.state(id)).assignee).toBe('bob');
  });

  it('resolves with /resolve <summary>: the alert is updated and the postmortem produced and linked', async () => {
    const res = await s.inbound.command(s.users.bob.id, channel, '/resolve fixed image tag');
    expect(res.status).toBe(200);
    const st = await eventually(async () => {
      const x = await s.state(id);
      return x.postmortemId ? x : undefined;
    }, 'the postmortem', 30_000);
    expect(st).toMatchObject({ status: 'resolved', resolvedBy: 'bob', summary: 'fixed image tag' });
    const alert = await eventually(async () => {
      const p = (await s.alert(channel))!;
      return /\[Postmortem\]/.test(fieldsOf(p).Links ?? '') ? p : undefined;
    }, 'the alert with the postmortem link');
    expect(buttonsOf(alert)).toEqual([]);
    expect(fieldsOf(alert).Resolution).toBe('fixed image tag');
    await eventually(async () => s.fake.replies(alert.id).some((m) => m.message.startsWith('Resolved. Postmortem')), 'the postmortem reply in the thread');
  });
});

describe('Mattermost dialogs', () => {
  let id: string;
  let channel: string;
  const dialogFor = (user: string, callback: string) =>
    eventually(async () => s.fake.dialogs.filter((d) => d.user_id === user && d.dialog.callback_id === callback && !d.closed).at(-1), `an open ${callback} dialog for ${user}`);

  it('hands off through the Hand off button and its dialog of roster people', async () => {
    channel = s.channels.dialogs!;
    id = await s.report('dialogs');
    const alert = await s.alert(channel);
    expect((await s.inbound.click(s.users.alice.id, alert.id, 'handoff')).status).toBe(200);
    const dialog = await dialogFor(s.users.alice.id, 'incident_handoff');
    expect(dialog.dialog.elements[0].options.map((o: { value: string }) => o.value)).toEqual(['alice', 'bob', 'carol']);
    const res = await s.inbound.submitDialog(dialog, { to: 'carol', note: 'db expert' });
    expect(res).toMatchObject({ status: 200, body: {} });
    expect(dialog.closed).toBe(true);
    await eventually(async () => (await s.state(id)).handoffPendingTo === 'carol', 'handed off to carol');
    expect(s.fake.replies(alert.id).map((p) => p.message)).toContain('Alice Liddell: Handed off to Carol Danvers; they are being paged and must acknowledge.\nNote: db expert');
  });

  it('refuses a dialog submission whose state was not signed for that user, and keeps the refusal in the dialog for someone off the roster', async () => {
    const alert = await s.alert(channel);
    await s.inbound.click(s.users.mallory.id, alert.id, 'resolve');
    const dialog = await dialogFor(s.users.mallory.id, 'incident_resolve');
    // The same signed state presented for another user is not accepted.
    const stolen = await post('/mattermost/dialogs', { type: 'dialog_submission', callback_id: 'incident_resolve', state: dialog.dialog.state, user_id: s.users.carol.id, channel_id: channel, submission: { summary: 'x' }, cancelled: false });
    expect(stolen.status).toBe(401);
    const refused = await s.inbound.submitDialog(dialog, { summary: 'not mine to resolve' });
    expect(refused.body).toEqual({ error: expect.stringMatching(/not on the roster/) });
    expect(dialog.closed).toBe(false);
    expect((await s.state(id)).status).toBe('triggered');
  });

  it('resolves through the Resolve button and its summary dialog', async () => {
    const alert = await s.alert(channel);
    await s.inbound.command(s.users.carol.id, channel, '/ack');
    await eventually(async () => (await s.state(id)).status === 'acknowledged', 'acknowledged by carol');
    await s.inbound.click(s.users.carol.id, alert.id, 'resolve');
    const dialog = await dialogFor(s.users.carol.id, 'incident_resolve');
    expect((await s.inbound.submitDialog(dialog, { summary: 'restarted the database' })).status).toBe(200);
    await eventually(async () => (await s.state(id)).status === 'resolved', 'resolved');
    expect((await s.state(id)).summary).toBe('restarted the database');
    expect(s.fake.replies(alert.id).map((p) => p.message)).toContain('Resolved by Carol Danvers. A postmortem is being compiled.\nSummary: restarted the database');
  });
});
