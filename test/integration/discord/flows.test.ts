// Discord end to end: anomaly -> alert with buttons in Discord -> people act through signed button
// clicks and the forms behind them -> the workflow changes and the alert is updated in place.
// Real Temporal, real worker, real api; only Discord is the strict fake, and every interaction is
// signed with the Ed25519 key the config trusts (or deliberately not).
import { generateKeyPairSync } from 'node:crypto';
import { eventually } from '../../helpers/stack';
import { buttonsOf, fieldsOf } from '../../fakes/discord/client';
import { startDiscordStack, type DiscordStack } from './discord-stack';

let s: DiscordStack;
beforeAll(async () => {
  s = await startDiscordStack(['acks', 'modals']);
}, 120_000);
afterAll(async () => s?.stop());

const embedOf = (channel: string) => JSON.stringify(s.fake.messages(channel)[0]!.embeds);

describe('the Discord alert and its buttons', () => {
  let id: string;
  let channel: string;

  it('posts the alert with Ack, Hand off and Resolve, and pages the on-call person by DM and a mention in the alert thread', async () => {
    channel = s.channels.acks!;
    id = await s.report('acks');
    const alert = await s.alert(channel);
    expect(buttonsOf(alert)).toEqual(['Ack', 'Hand off', 'Resolve']);
    expect(alert.embeds[0].footer.text).toMatch(new RegExp(`^${id} · ref [0-9a-f]{16}$`));
    await eventually(async () => s.fake.dms(s.users.alice.id).some((m) => /you are paged/.test(m.content)), 'a DM paging alice');
    // The page's mention sits in a thread started from the alert, and Discord notifies alice.
    const mention = await eventually(async () => s.fake.messages(alert.id).find((m) => m.content.startsWith(`<@${s.users.alice.id}>`)), 'a mention of alice in the alert thread');
    expect(mention.mentions).toEqual([s.users.alice.id]);
    expect(s.fake.channel(alert.id)).toMatchObject({ type: 11, parent_id: channel });
    await eventually(async () => {
      const f = fieldsOf(s.fake.messages(channel)[0]!);
      return f.Paging === 'Alice Liddell' && f['Escalation level'] === '1' && f.Diagnostics !== undefined;
    }, 'the alert naming alice at level 1, with the diagnostics digest');
  });

  it('answers PING with PONG, and 401 to a forged, foreign, missing or stale signature, changing nothing', async () => {
    expect((await s.client.ping()).body).toEqual({ type: 1 });
    const alert = await s.alert(channel);
    const foreign = generateKeyPairSync('ed25519').privateKey;
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    for (const opts of [{ signature: 'ab'.repeat(64) }, { key: foreign }, { signature: null }, { timestamp: stale }]) {
      const res = await s.client.click(s.users.alice, channel, alert.id, 'incident:ack', opts);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_signature');
    }
    expect((await s.client.click(s.users.alice, channel, alert.id, 'incident:ack', { timestamp: stale })).body.error.message).toMatch(/five minutes/);
    const st = await s.state(id);
    expect(st.status).toBe('triggered');
    expect(st.timeline.some((e) => e.type === 'acknowledged' || e.type === 'refused')).toBe(false);
  });

  it('refuses a click by someone not on the roster with an ephemeral answer, records it, and changes nothing', async () => {
    const alert = await s.alert(channel);
    const before = embedOf(channel);
    const answer = await s.client.click(s.users.mallory, channel, alert.id, 'incident:ack');
    expect(answer.status).toBe(200);
    const seen = await s.client.seen(answer);
    expect(seen).toMatchObject({ ephemeral: true, content: expect.stringMatching(/not on the roster/) });
    const st = await eventually(async () => {
      const x = await s.state(id);
      return x.timeline.some((t) => t.type === 'refused' && t.text.includes(`discord:${s.users.mallory.id}`)) ? x : undefined;
    }, 'the refusal in the timeline');
    expect(st.status).toBe('triggered');
    expect(embedOf(channel)).toBe(before);
  });

  it('refuses a signed Ack click from another server only to the person, records nothing in the incident and changes nothing', async () => {
    const alert = await s.alert(channel);
    const other = '100000000000000042';
    const answer = await s.client.click(s.users.alice, channel, alert.id, 'incident:ack', { guildId: other });
    expect(await s.client.seen(answer)).toMatchObject({
      ephemeral: true,
      content: `This app serves Discord server ${s.fake.guildId} only; this request came from server ${other}, so nothing was changed.`,
    });
    const st = await s.state(id);
    expect(st.status).toBe('triggered');
    expect(st.timeline.some((t) => t.text.includes(`discord:${s.users.alice.id}`))).toBe(false);
  });

  it('acknowledges a signed Ack click by the roster person, announces it, and updates the alert to show who acked', async () => {
    const alert = await s.alert(channel);
    const seen = await s.client.seen(await s.client.click(s.users.alice, channel, alert.id, 'incident:ack'));
    expect(seen.ephemeral ? seen.announced : seen.content).toMatch(/Acknowledged by Alice Liddell/);
    expect((await s.state(id)).status).toBe('acknowledged');
    const updated = await eventually(async () => {
      const m = s.fake.messages(channel)[0]!;
      return fieldsOf(m)['Acknowledged by'] === 'Alice Liddell' ? m : undefined;
    }, 'the alert showing who acknowledged');
    expect(buttonsOf(updated)).toEqual(['Hand off', 'Resolve']);
    expect(s.fake.messages(channel)).toHaveLength(1); // updated in place, not reposted
    expect((await s.state(id)).timeline.find((t) => t.type === 'acknowledged')?.text).toContain(`discord:${s.users.alice.id}`);
  });
});

describe('the Hand off and Resolve forms', () => {
  let id: string;
  let channel: string;

  it('hands off through the Hand off button and its form; the new responder is paged by DM', async () => {
    channel = s.channels.modals!;
    id = await s.report('modals');
    const alert = await s.alert(channel);
    const form = await s.client.click(s.users.alice, channel, alert.id, 'incident:handoff');
    expect(form.body).toMatchObject({ type: 9, data: { title: 'Hand off incident', custom_id: `incident:handoff:${id}` } });
    const seen = await s.client.seen(await s.client.submit(form, { to: 'carol', note: 'db expert' }));
    // Public, naming who handed off and with the note: the channel sees the hand-off.
    expect(seen).toMatchObject({ ephemeral: false, content: 'Alice Liddell: Handed off to Carol Danvers; they are being paged and must acknowledge.\nNote: db expert' });
    expect(await s.state(id)).toMatchObject({ assignee: 'carol', handoffPendingTo: 'carol' });
    await eventually(async () => s.fake.dms(s.users.carol.id).some((m) => /you are paged/.test(m.content)), 'a DM paging carol');
  });

  it('refuses a hand-off to someone off the roster, only to the person who asked', async () => {
    const alert = await s.alert(channel);
    const form = await s.client.click(s.users.carol, channel, alert.id, 'incident:handoff');
    const seen = await s.client.seen(await s.client.submit(form, { to: s.users.mallory.id }));
    expect(seen).toEqual({ ephemeral: true, content: `Cannot hand off to "${s.users.mallory.id}": no such person on the roster.` });
    expect((await s.state(id)).assignee).toBe('carol');
  });

  it('resolves through the Resolve button and its summary form, and the alert loses its action buttons', async () => {
    const alert = await s.alert(channel);
    const form = await s.client.click(s.users.carol, channel, alert.id, 'incident:resolve');
    expect(form.body.data.components[0].components[0]).toMatchObject({ custom_id: 'summary', required: true });
    const seen = await s.client.seen(await s.client.submit(form, { summary: 'restarted the database' }));
    expect(seen).toMatchObject({ ephemeral: false, content: 'Resolved by Carol Danvers. A postmortem is being compiled.\nSummary: restarted the database' });
    expect(await s.state(id)).toMatchObject({ status: 'resolved', summary: 'restarted the database', resolvedBy: 'carol' });
    await eventually(async () => buttonsOf(s.fake.messages(channel)[0]!).length === 0 && fieldsOf(s.fake.messages(channel)[0]!).Resolution === 'restarted the database', 'the resolved alert');
  });
});
