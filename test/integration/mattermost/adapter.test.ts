// The Mattermost adapter (REST API v4 over fetch) against the strict fake Mattermost on 127.0.0.1:
// first attempts post with one call, retries find their earlier copy with one lookup, in-place
// updates, and every failure mapped to the typed activity failure the workflow's retry policy acts on.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { buildIncidentMessage, renderText } from '../../../activities/chat/message';
import { createMattermostChat, type MattermostChatOptions } from '../../../platforms/mattermost/outbound/adapter';
import type { ChatPlatform } from '../../../activities/chat/platform';
import { FakeMattermost, type FakeUser } from '../../fakes/mattermost/server';
import { newId } from '../../fakes/mattermost/workspace';
import { CONTEXT, baseState } from '../../unit/platforms/slack/fixtures';

let fake: FakeMattermost;
let mm: ChatPlatform;
let alice: FakeUser;
let channel: string;
let seq = 0;
const warnings: string[] = [];
const options = (extra: Partial<MattermostChatOptions> = {}): MattermostChatOptions => ({
  url: fake.url,
  token: fake.botToken,
  actionSecret: 'adapter-test-secret',
  actionsUrl: () => 'https://incidents.example.com',
  timeoutMs: 1_000,
  warn: (m) => warnings.push(m),
  ...extra,
});
beforeAll(async () => {
  fake = await FakeMattermost.start();
  alice = fake.addUser('alice.liddell', { email: 'alice@example.com' });
  mm = createMattermostChat(options());
});
afterAll(async () => fake?.stop());
beforeEach(() => {
  channel = fake.addChannel(`incidents-${++seq}`);
});

const card = () => buildIncidentMessage(baseState(), CONTEXT);
const alert = (key = 'incident/prod-eu/x@t/alert') => ({ channel, text: renderText(card()), card: card(), key, incidentId: 'incident/prod-eu/x' });
const creates = () => fake.callsOf('posts.create').length;
/** Runs `fn` as the second attempt of an activity first scheduled at `since`, as a Temporal retry does. */
const asRetry = <T>(since: number, fn: () => Promise<T>): Promise<T> => new MockActivityEnvironment({ attempt: 2, scheduledTimestampMs: since }).run(fn) as Promise<T>;

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('Mattermost adapter', () => {
  it('posts the alert with its attachment buttons and props carrying the incident id and key', async () => {
    const { id, meta } = await mm.post(alert());
    const [p] = fake.botPosts(channel);
    expect(p).toMatchObject({ id, message: '[TRIGGERED] [ERROR] CrashLoopBackOff: Deployment/checkout', props: { incident_id: 'incident/prod-eu/x', incident_key: 'incident/prod-eu/x@t/alert' } });
    expect(p!.props.attachments[0].actions.map((a: { name: string }) => a.name)).toEqual(['Ack', 'Hand off', 'Resolve']);
    expect(meta).toEqual({ key: 'incident/prod-eu/x@t/alert' });
  });

  it('posts a first attempt of an alert and of a thread reply with exactly one call each (POST /posts)', async () => {
    let mark = fake.calls.length;
    const { id: root } = await mm.post(alert());
    expect(fake.callCounts(mark)).toEqual({ 'posts.create': 1 });
    mark = fake.calls.length;
    await mm.post({ channel, threadId: root, text: 'Diagnostics: ok', key: 'diag', incidentId: 'incident/prod-eu/x' });
    expect(fake.callCounts(mark)).toEqual({ 'posts.create': 1 });
  });

  it('returns the first post with one lookup when a retry repeats the key, instead of posting again', async () => {
    await mm.post({ ...alert('warm-up'), channel: fake.addChannel('warm-up'), retrySince: Date.now() }); // the first lookup asks who the bot is, once per process
    const before = creates();
    const a = await mm.post(alert());
    const mark = fake.calls.length;
    const b = await mm.post({ ...alert(), retrySince: Date.now() });
    expect(b.id).toBe(a.id);
    expect(fake.callCounts(mark)).toEqual({ 'channels.posts': 1 });
    expect(fake.botPosts(channel)).toHaveLength(1);
    expect(creates() - before).toBe(1);
  });

  it('replies in the thread once per key on retry and renders a page mention as @username', async () => {
    const { id: root } = await mm.post(alert());
    const reply = { channel, threadId: root, text: `@${alice.id} you are paged`, key: 'page/L1/alice', incidentId: 'incident/prod-eu/x', mentions: [alice.id] };
    const first = await mm.post(reply);
    expect((await mm.post({ ...reply, retrySince: Date.now() })).id).toBe(first.id);
    expect(fake.replies(root).map((p) => p.message)).toEqual(['@alice.liddell you are paged']);
  });

  it('sends a direct message through channels/direct without a lookup, and a retry finds it', async () => {
    const since = Date.now();
    const a = await mm.directMessage(alice.id, 'you are paged', 'page/L1/alice/dm', 'incident/prod-eu/x');
    const mark = fake.calls.length;
    const b = await asRetry(since, () => mm.directMessage(alice.id, 'you are paged', 'page/L1/alice/dm', 'incident/prod-eu/x'));
    expect(b.id).toBe(a.id);
    expect(fake.callCounts(mark)).toEqual({ 'channels.direct': 1, 'channels.posts': 1 });
    expect(fake.dms(alice.id).map((p) => p.message)).toEqual(['you are paged']);
  });

  it('posts anyway when the retry cannot look (a 5xx) and says why', async () => {
    fake.failNext('channels.posts', 503);
    warnings.length = 0;
    await mm.post({ ...alert('lookup-5xx'), retrySince: Date.now() });
    expect(fake.botPosts(channel).map((p) => p.props.incident_key)).toEqual(['lookup-5xx']);
    expect(warnings).toEqual([expect.stringMatching(/^Mattermost post lookup-5xx: could not check for an earlier copy, posting anyway: .*HTTP 503/)]);
  });

  it('updates the alert in place, restating the key in its props', async () => {
    const { id, meta } = await mm.post(alert());
    const acked = buildIncidentMessage({ ...baseState(), status: 'acknowledged' }, CONTEXT);
    await mm.update(channel, id, renderText(acked), acked, meta);
    const p = fake.post(id)!;
    expect(p.updates).toBe(1);
    expect(p.props.attachments[0].fields).toContainEqual({ title: 'Acknowledged by', value: 'Alice Liddell', short: true });
    expect(p.props.attachments[0].actions.map((a: { name: string }) => a.name)).toEqual(['Hand off', 'Resolve']);
    expect(p.props.incident_key).toBe('incident/prod-eu/x@t/alert');
  });

  it('turns a 429 into a retryable RateLimited failure with the X-RateLimit-Reset delay, after a single request', async () => {
    fake.failNext('posts.create', 429, { reset: 7 });
    const before = creates();
    expect(await failure(mm.post(alert()))).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 7000 });
    expect(creates() - before).toBe(1); // the adapter itself did not retry
  });

  it('finds the post Mattermost accepted when the answer came too late, so the retry posts nothing new', async () => {
    fake.stallNext('posts.create', 2_500);
    const firstAttempt = Date.now();
    expect(await failure(mm.post(alert('late/alert')))).toMatchObject({ type: 'Unavailable', nonRetryable: false });
    expect(fake.botPosts(channel)).toHaveLength(1); // Mattermost stored it before the client gave up
    const retried = await mm.post({ ...alert('late/alert'), retrySince: firstAttempt });
    expect(retried.id).toBe(fake.botPosts(channel)[0]!.id);
    expect(fake.botPosts(channel)).toHaveLength(1);
  });

  it('finds a late thread reply in the thread on retry', async () => {
    const { id: root } = await mm.post(alert());
    fake.stallNext('posts.create', 2_500);
    const reply = { channel, threadId: root, text: 'Diagnostics: ok', key: 'late/diagnostics', incidentId: 'incident/prod-eu/x' };
    expect(await failure(mm.post(reply))).toMatchObject({ type: 'Unavailable' });
    expect((await mm.post({ ...reply, retrySince: Date.now() - 3_000 })).id).toBe(fake.replies(root)[0]!.id);
    expect(fake.replies(root)).toHaveLength(1);
  });

  it('retries server errors', async () => {
    fake.failNext('posts.create', 503);
    expect(await failure(mm.post(alert()))).toMatchObject({ type: 'Unavailable', nonRetryable: false });
  });

  it('fails permanently, saying what to fix, on an unknown channel, a channel without the bot, a channel name and a bad thread', async () => {
    expect(await failure(mm.post({ ...alert(), channel: newId() }))).toMatchObject({ type: 'ChannelNotFound', nonRetryable: true, message: expect.stringMatching(/HTTP 404.*check the channel ID in routing/) });
    const closed = fake.addChannel('no-bot', { botMember: false, private: true });
    expect(await failure(mm.post({ ...alert(), channel: closed }))).toMatchObject({ type: 'InvalidAuth', nonRetryable: true, message: expect.stringContaining('add the bot to the channel') });
    expect(await failure(mm.post({ ...alert(), channel: 'town-square' }))).toMatchObject({ type: 'ChannelNotFound', nonRetryable: true, message: expect.stringContaining('not a channel ID') });
    const other = await mm.post({ ...alert(), channel: fake.addChannel('other') });
    const f = await failure(mm.post({ channel, threadId: other.id, text: 'x', key: 'k' }));
    expect(f).toMatchObject({ type: 'InvalidRequest', nonRetryable: true, message: expect.stringContaining('api.post.create_post.root_id.app_error') });
  });

  it('fails permanently on a bad bot token, naming the setting', async () => {
    const wrong = createMattermostChat(options({ token: 'not-the-token' }));
    const f = await failure(wrong.post(alert()));
    expect(f).toMatchObject({ type: 'InvalidAuth', nonRetryable: true, message: expect.stringContaining('platforms.mattermost.botToken') });
    expect(f.message).not.toContain('not-the-token');
  });

  it('refuses a username where a user id is needed, and an unknown DM user', async () => {
    expect(await failure(mm.directMessage('alice.liddell', 'x', 'k'))).toMatchObject({ type: 'PersonUnreachable', nonRetryable: true, message: expect.stringContaining('not a Mattermost user ID') });
    expect(await failure(mm.directMessage(newId(), 'x', 'k'))).toMatchObject({ type: 'PersonUnreachable', nonRetryable: true, message: expect.stringContaining('people[].chat.mattermost') });
    expect(await failure(mm.post({ channel, text: 'x', key: 'k2', mentions: [newId()] }))).toMatchObject({ type: 'PersonUnreachable' });
  });

  it('finds a user by email only when email lookup is on', async () => {
    expect(mm.userForEmail).toBeUndefined();
    const byEmail = createMattermostChat(options({ lookupUsersByEmail: true }));
    expect(await byEmail.userForEmail!('alice@example.com')).toBe(alice.id);
    expect(await byEmail.userForEmail!('nobody@example.com')).toBeUndefined();
  });
});
