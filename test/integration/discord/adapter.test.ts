// The Discord adapter (fetch against the strict fake Discord on 127.0.0.1): alerts with buttons,
// thread replies that notify, DMs, in-place updates, idempotent posts (nonce, and the retry lookup
// after a late answer), and every failure mapped to the typed failure the retry policy acts on.
import { ApplicationFailure } from '@temporalio/common';
import { buildIncidentMessage, renderText } from '../../../activities/chat/message';
import { createDiscordChat } from '../../../platforms/discord/outbound/adapter';
import { nonceFor, postMark, readMarks } from '../../../platforms/discord/shared/ids';
import { DiscordRest } from '../../../platforms/discord/shared/rest';
import type { ChatPlatform } from '../../../activities/chat/platform';
import { FakeDiscord, type FakeUser } from '../../fakes/discord/server';
import { buttonsOf, fieldsOf } from '../../fakes/discord/client';
import { CONTEXT, baseState } from '../../unit/platforms/slack/fixtures';

let fake: FakeDiscord;
let discord: ChatPlatform;
let alice: FakeUser;
let channel: string;
let seq = 0;
beforeAll(async () => {
  fake = await FakeDiscord.start();
  alice = fake.addUser('alice');
  // Generous: 500 ms timed out a request on a loaded fresh-clone run (a 50013 read as Unavailable);
  // the one test that needs the client to give up builds its own impatient client.
  discord = createDiscordChat({ token: fake.botToken, apiUrl: fake.apiUrl, timeoutMs: 5_000 });
});
afterAll(async () => fake?.stop());
beforeEach(() => {
  channel = fake.addChannel(`incidents-${++seq}`);
});

const INCIDENT = baseState().id;
const card = () => buildIncidentMessage(baseState(), CONTEXT);
const alert = (key = `${INCIDENT}@t/alert`) => ({ channel, text: renderText(card()), card: card(), key, incidentId: INCIDENT });
const posts = (ch: string) => fake.requestsTo('POST', new RegExp(`^/channels/${ch}/messages$`));

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('Discord adapter', () => {
  it('posts the alert as an embed with Ack, Hand off and Resolve, marked with its key and sent with a nonce', async () => {
    const { id, meta } = await discord.post(alert());
    const [m] = fake.messages(channel);
    expect(m!.id).toBe(id);
    expect(buttonsOf(m!)).toEqual(['Ack', 'Hand off', 'Resolve']);
    expect(fieldsOf(m!)).toMatchObject({ Severity: 'ERROR', Paging: 'Alice Liddell' });
    expect(readMarks(m!)).toEqual({ incidentId: INCIDENT, mark: postMark(`${INCIDENT}@t/alert`) });
    expect(posts(channel)[0]!.body).toMatchObject({ nonce: nonceFor(channel, `${INCIDENT}@t/alert`), enforce_nonce: true, allowed_mentions: { parse: [] } });
    expect(meta).toEqual({ key: `${INCIDENT}@t/alert`, thread: 'CrashLoopBackOff: Deployment/checkout' });
  });

  it('gets the first message back from Discord when the same key is posted again', async () => {
    const a = await discord.post(alert());
    const b = await discord.post(alert());
    expect(b.id).toBe(a.id);
    expect(fake.messages(channel)).toHaveLength(1);
    expect(posts(channel)).toHaveLength(2); // Discord deduplicated by nonce
  });

  it('replies in a thread started from the alert, once per key, and a page mention notifies the person', async () => {
    const { id: root, meta } = await discord.post(alert());
    const page = { channel, threadId: root, meta, text: `@${alice.id} you are paged`, key: `${INCIDENT}@t/page/L1R0/alice/mention`, incidentId: INCIDENT, mentions: [alice.id] };
    // Two replies at once (a page and the diagnostics): one opens the thread, the other finds it open.
    const [first] = await Promise.all([discord.post(page), discord.post({ channel, threadId: root, meta, text: 'Diagnostics: ok', key: `${INCIDENT}@t/diagnostics`, incidentId: INCIDENT })]);
    expect((await discord.post(page)).id).toBe(first.id);
    const thread = fake.channel(root);
    expect(thread).toMatchObject({ type: 11, parent_id: channel, name: 'CrashLoopBackOff: Deployment/checkout' });
    const replies = fake.messages(root);
    expect(replies).toHaveLength(2);
    const mention = replies.find((m) => m.id === first.id)!;
    expect(mention.content.split('\n')[0]).toBe(`<@${alice.id}> you are paged`);
    expect(mention.mentions).toEqual([alice.id]);
    expect(fake.messages(channel)).toHaveLength(1); // the channel keeps one line per incident
  });

  it('sends a direct message through a DM channel, once per key', async () => {
    const a = await discord.directMessage(alice.id, 'you are paged', `${INCIDENT}@t/page/dm`, INCIDENT);
    const b = await discord.directMessage(alice.id, 'you are paged', `${INCIDENT}@t/page/dm`, INCIDENT);
    expect(b.id).toBe(a.id);
    expect(fake.dms(alice.id).map((m) => m.content.split('\n')[0])).toEqual(['you are paged']);
    expect(readMarks(fake.dms(alice.id)[0]!).incidentId).toBe(INCIDENT);
  });

  it('updates the alert in place, keeping its mark', async () => {
    const { id, meta } = await discord.post(alert());
    const acked = buildIncidentMessage({ ...baseState(), status: 'acknowledged' }, CONTEXT);
    await discord.update(channel, id, renderText(acked), acked, meta);
    const [m] = fake.messages(channel);
    expect(m!.updates).toBe(1);
    expect(fieldsOf(m!)['Acknowledged by']).toBe('Alice Liddell');
    expect(buttonsOf(m!)).toEqual(['Hand off', 'Resolve']);
    expect(readMarks(m!).mark).toBe(postMark(`${INCIDENT}@t/alert`));
  });

  it('finds the message Discord stored when its answer came too late, so the retry posts nothing new', async () => {
    const impatient = createDiscordChat({ token: fake.botToken, apiUrl: fake.apiUrl, timeoutMs: 500 });
    fake.answerLate(1_500);
    const since = Date.now();
    expect(await failure(impatient.post(alert('late/alert')))).toMatchObject({ type: 'Unavailable', nonRetryable: false });
    expect(fake.messages(channel)).toHaveLength(1); // Discord stored it before the client gave up
    const retried = await discord.post({ ...alert('late/alert'), retrySince: since });
    expect(retried.id).toBe(fake.messages(channel)[0]!.id);
    expect(fake.messages(channel)).toHaveLength(1);
    expect(posts(channel)).toHaveLength(1); // found by the lookup, not even re-sent
  });

  it('posts anyway when a retry cannot read the channel history, and says so in the log', async () => {
    const warnings: string[] = [];
    const withLog = createDiscordChat({ token: fake.botToken, apiUrl: fake.apiUrl, timeoutMs: 5_000, warn: (m) => warnings.push(m) });
    fake.failNext('GET', new RegExp(`^/channels/${channel}/messages$`), 403);
    const posted = await withLog.post({ ...alert(`${INCIDENT}@t/alert-history-refused`), retrySince: Date.now() });
    expect(fake.messages(channel).map((m) => m.id)).toEqual([posted.id]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not check for an earlier copy, posting anyway/);
  });

  it('turns a 429 into a retryable RateLimited failure with Discord\'s retry_after, after a single request', async () => {
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, 429, { retryAfter: 2.5 });
    const f = await failure(discord.post(alert()));
    expect(f).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 2500 });
    expect(f.message).toMatch(/scope user/);
    expect(posts(channel)).toHaveLength(1);
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, 429, { retryAfter: 7, global: true });
    expect(await failure(discord.post(alert()))).toMatchObject({ type: 'RateLimited', nextRetryDelay: 7000, message: expect.stringMatching(/global limit/) });
  });

  it('retries server errors', async () => {
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, 502);
    expect(await failure(discord.post(alert()))).toMatchObject({ type: 'Unavailable', nonRetryable: false });
  });

  it.each([
    ['an unknown channel (10003)', () => '1000000000000000001', 'ChannelNotFound', /Unknown Channel.*check the channel id in routing/],
    ['a channel the bot cannot see (50001)', () => fake.addChannel('hidden', { canView: false }), 'ChannelNotFound', /Missing Access.*View Channel/],
    ['a channel the bot cannot write to (50013)', () => fake.addChannel('read-only', { canSend: false }), 'InvalidAuth', /Missing Permissions.*Send Messages/],
  ])('fails permanently on %s, saying what to fix', async (_what, make, type, message) => {
    expect(await failure(discord.post({ ...alert(), channel: make() }))).toMatchObject({ type, nonRetryable: true, message: expect.stringMatching(message) });
  });

  it('fails permanently on a body Discord refuses (50035), naming the field', async () => {
    const rest = new DiscordRest({ apiUrl: fake.apiUrl, token: fake.botToken, timeoutMs: 1_000 });
    const f = await failure(rest.call('POST', `/channels/${channel}/messages`, { body: { content: 'x'.repeat(2001) } }));
    expect(f).toMatchObject({ type: 'InvalidRequest', nonRetryable: true, message: expect.stringContaining('content: Must be 2000 or fewer in length.') });
  });

  it('fails permanently on a bad token, naming the setting and never the token', async () => {
    const wrong = createDiscordChat({ token: 'not-the-token', apiUrl: fake.apiUrl });
    const f = await failure(wrong.post(alert()));
    expect(f).toMatchObject({ type: 'InvalidAuth', nonRetryable: true, message: expect.stringMatching(/401 Unauthorized.*platforms\.discord\.botToken/) });
    expect(f.message).not.toContain('not-the-token');
  });

  it('refuses a channel name and a user name where ids are needed, and people who cannot be messaged', async () => {
    expect(await failure(discord.post({ ...alert(), channel: '#incidents' }))).toMatchObject({ type: 'ChannelNotFound', message: expect.stringContaining('not a channel id') });
    expect(await failure(discord.directMessage('alice', 'x', 'k'))).toMatchObject({ type: 'PersonUnreachable', message: expect.stringContaining('not a Discord user id') });
    expect(await failure(discord.directMessage('1000000000000000002', 'x', 'k'))).toMatchObject({ type: 'PersonUnreachable', message: expect.stringContaining('Invalid Recipient') });
    const shy = fake.addUser('shy', { acceptsDms: false });
    expect(await failure(discord.directMessage(shy.id, 'x', 'k'))).toMatchObject({ type: 'PersonUnreachable', nonRetryable: true, message: expect.stringContaining('does not accept direct messages') });
  });
});
