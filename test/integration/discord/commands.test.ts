// Discord slash commands end to end: /handoff, /ack, /resolve, /incident list|help, typed in the
// alert's thread (the incident is implied), in the channel, or in the page DM, all signed, all run
// as the Discord user the interaction names, through the shared command language.
import { eventually } from '../../helpers/stack';
import { buttonsOf, fieldsOf } from '../../fakes/discord/client';
import { startDiscordStack, str, subcommand, user, type DiscordStack } from './discord-stack';

let s: DiscordStack;
beforeAll(async () => {
  s = await startDiscordStack(['commands']);
}, 120_000);
afterAll(async () => s?.stop());

describe('Discord slash commands', () => {
  let id: string;
  let channel: string;
  let thread: string;

  it('hands off with /handoff in the alert thread: the incident is implied and the second responder is paged by DM', async () => {
    channel = s.channels.commands!;
    id = await s.report('commands');
    const alert = await s.alert(channel);
    await eventually(async () => (await s.state(id)).pagedFor === 'L1R0', 'alice paged at level 1');
    thread = await eventually(async () => s.fake.channels.get(alert.id)?.id, 'the alert thread');
    const answer = await s.client.command(s.users.alice, thread, 'handoff', [user('user', s.users.bob), str('note', 'taking over')]);
    const seen = await s.client.seen(answer);
    expect(seen.ephemeral ? seen.announced : seen.content).toMatch(/Handed off to Bob Marley/);
    await eventually(async () => s.fake.dms(s.users.bob.id).some((m) => /you are paged/.test(m.content)), 'a DM paging bob');
    const st = await s.state(id);
    expect(st).toMatchObject({ status: 'triggered', assignee: 'bob', handoffPendingTo: 'bob' });
    expect(st.timeline.find((t) => t.type === 'handoff')?.text).toMatch(/to Bob Marley by Alice Liddell: taking over/);
  });

  it('answers help, lists and unknown users only to the caller', async () => {
    const help = await s.client.seen(await s.client.command(s.users.carol, channel, 'incident', [subcommand('help')]));
    expect(help).toMatchObject({ ephemeral: true, content: expect.stringContaining('Incident commands:') });
    const list = await s.client.seen(await s.client.command(s.users.carol, channel, 'incident', [subcommand('list')]));
    expect(list).toMatchObject({ ephemeral: true, content: expect.stringContaining(id) });
    const refused = await s.client.seen(await s.client.command(s.users.mallory, thread, 'ack'));
    expect(refused).toMatchObject({ ephemeral: true, content: expect.stringMatching(/not on the roster/) });
    expect((await s.state(id)).status).toBe('triggered');
  });

  it('takes /ack typed in the page DM as an ack of the incident that DM paged for', async () => {
    const dm = s.fake.dmChannel(s.users.bob.id)!.id;
    const seen = await s.client.seen(await s.client.command(s.users.bob, dm, 'ack'));
    expect(seen.ephemeral ? seen.announced : seen.content).toMatch(/Acknowledged by Bob Marley/);
    expect(await s.state(id)).toMatchObject({ status: 'acknowledged', assignee: 'bob' });
    await eventually(async () => fieldsOf(s.fake.messages(channel)[0]!)['Acknowledged by'] === 'Bob Marley', 'the alert showing bob');
  });

  it('resolves with /resolve fixed image tag in the channel: the alert is updated and the postmortem produced and linked', async () => {
    const seen = await s.client.seen(await s.client.command(s.users.bob, channel, 'resolve', [str('summary', 'fixed image tag')]));
    expect(seen.ephemeral ? seen.announced : seen.content).toMatch(/Resolved/);
    const st = await eventually(async () => {
      const x = await s.state(id);
      return x.postmortemId ? x : undefined;
    }, 'the postmortem', 30_000);
    expect(st).toMatchObject({ status: 'resolved', resolvedBy: 'bob', summary: 'fixed image tag' });
    expect((await s.stack.request(`/api/postmortems/${encodeURIComponent(st.postmortemId!)}`, { token: 'ops' })).status).toBe(200);
    const alert = await eventually(async () => {
      const m = s.fake.messages(channel)[0]!;
      return m.components.flatMap((r: any) => r.components).some((b: any) => b.label === 'Postmortem') ? m : undefined;
    }, 'the alert with the postmortem link');
    expect(buttonsOf(alert)).toEqual([]);
    expect(fieldsOf(alert).Resolution).toBe('fixed image tag');
    await eventually(async () => s.fake.messages(thread).some((m) => m.content.startsWith('Resolved. Postmortem')), 'the postmortem reply in the thread');
  });

  it('says so when an incident is named that does not exist, and when a closed incident is acted on', async () => {
    const unknown = await s.client.seen(await s.client.command(s.users.alice, channel, 'ack', [str('incident', 'incident/nowhere/nothing')]));
    expect(unknown).toMatchObject({ ephemeral: true, content: expect.stringMatching(/No incident "incident\/nowhere\/nothing"/) });
    const closed = await s.client.seen(await s.client.command(s.users.alice, thread, 'ack'));
    expect(closed).toMatchObject({ ephemeral: true, content: expect.stringMatching(/already resolved/) });
  });
});
