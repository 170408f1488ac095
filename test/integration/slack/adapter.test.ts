// The Slack adapter (real @slack/web-api client) against the strict fake Slack on 127.0.0.1:
// first attempts post with one call, retries find their earlier copy with one lookup, in-place
// updates, and every failure mapped to the typed activity failure the workflow's retry policy acts on.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { buildIncidentMessage, renderText } from '../../../activities/chat/message';
import { createSlackChat, LOOKUP_SKEW_MS } from '../../../platforms/slack/outbound/adapter';
import type { ChatPlatform } from '../../../activities/chat/platform';
import { FAKE_SCOPES, FakeSlack } from '../../fakes/slack/server';
import { CONTEXT, baseState } from '../../unit/platforms/slack/fixtures';

let fake: FakeSlack;
let slack: ChatPlatform;
let channel: string;
let seq = 0;
const warnings: string[] = [];
beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.addUser({ id: 'U0ALICE01', name: 'alice', email: 'alice@example.com' });
  slack = createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl, timeoutMs: 1_000, warn: (m) => warnings.push(m) });
});
afterAll(async () => fake?.stop());
beforeEach(() => {
  channel = fake.addChannel(`incidents-${++seq}`);
});

const card = () => buildIncidentMessage(baseState(), CONTEXT);
const alert = (key = 'incident/prod-eu/x@t/alert') => ({ channel, text: renderText(card()), card: card(), key, incidentId: 'incident/prod-eu/x' });
/** Runs `fn` as the second attempt of an activity first scheduled at `since`, as a Temporal retry does. */
const asRetry = <T>(since: number, fn: () => Promise<T>): Promise<T> => new MockActivityEnvironment({ attempt: 2, scheduledTimestampMs: since }).run(fn) as Promise<T>;

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('Slack adapter', () => {
  it('posts the alert with Block Kit buttons and metadata carrying the incident id and key', async () => {
    const { id } = await slack.post(alert());
    const [m] = fake.messages(channel);
    expect(m).toMatchObject({ ts: id, metadata: { event_type: 'incident_alert', event_payload: { incident_id: 'incident/prod-eu/x', key: 'incident/prod-eu/x@t/alert' } } });
    const buttons = (m!.blocks as any[]).find((b) => b.type === 'actions').elements.map((e: any) => e.text.text);
    expect(buttons).toEqual(['Ack', 'Hand off', 'Resolve']);
  });

  it('posts a first attempt of an alert and of a thread reply with exactly one Web API call each (chat.postMessage)', async () => {
    let mark = fake.calls.length;
    const { id: root } = await slack.post(alert());
    expect(fake.callCounts(mark)).toEqual({ 'chat.postMessage': 1 });
    mark = fake.calls.length;
    await slack.post({ channel, threadId: root, text: 'Diagnostics: ok', key: 'diag', incidentId: 'incident/prod-eu/x' });
    expect(fake.callCounts(mark)).toEqual({ 'chat.postMessage': 1 });
  });

  it('finds the first message with one history call when a retry repeats the key, instead of posting again', async () => {
    const since = Date.now();
    const a = await slack.post(alert());
    const mark = fake.calls.length;
    const b = await slack.post({ ...alert(), retrySince: since });
    expect(b.id).toBe(a.id);
    expect(fake.callCounts(mark)).toEqual({ 'conversations.history': 1 });
    expect(Number(fake.calls[mark]!.params.oldest)).toBeCloseTo((since - LOOKUP_SKEW_MS) / 1000, 3); // only messages since the first attempt
    expect(fake.messages(channel)).toHaveLength(1);
  });

  it('replies in the thread once per key on retry and renders page mentions as <@U...>', async () => {
    const { id: root } = await slack.post(alert());
    const reply = { channel, threadId: root, text: '@U0ALICE01 you are paged', key: 'page/L1/alice', incidentId: 'incident/prod-eu/x', mentions: ['U0ALICE01'] };
    const first = await slack.post(reply);
    const mark = fake.calls.length;
    expect((await slack.post({ ...reply, retrySince: Date.now() })).id).toBe(first.id);
    expect(fake.callCounts(mark)).toEqual({ 'conversations.replies': 1 });
    expect(fake.replies(channel, root).map((m) => m.text)).toEqual(['<@U0ALICE01> you are paged']);
  });

  it('sends a direct message through conversations.open without a lookup, and a retry finds it', async () => {
    const since = Date.now();
    const mark = fake.calls.length;
    const a = await slack.directMessage('U0ALICE01', 'you are paged', 'page/L1/alice/dm', 'incident/prod-eu/x');
    expect(fake.callCounts(mark)).toEqual({ 'conversations.open': 1, 'chat.postMessage': 1 });
    const b = await asRetry(since, () => slack.directMessage('U0ALICE01', 'you are paged', 'page/L1/alice/dm', 'incident/prod-eu/x'));
    expect(b.id).toBe(a.id);
    expect(fake.dms('U0ALICE01').map((m) => m.text)).toEqual(['you are paged']);
  });

  it('posts anyway when the retry cannot look (a 5xx, or no history scope) and says why', async () => {
    fake.failNext('conversations.history', 503);
    warnings.length = 0;
    await slack.post({ ...alert('lookup-5xx'), retrySince: Date.now() });
    fake.setScopes(FAKE_SCOPES.filter((s) => s !== 'channels:history'));
    try {
      await slack.post({ ...alert('lookup-scope'), retrySince: Date.now() });
    } finally {
      fake.setScopes(FAKE_SCOPES);
    }
    expect(fake.messages(channel).map((m) => m.metadata?.event_payload.key)).toEqual(['lookup-5xx', 'lookup-scope']);
    expect(warnings).toEqual([
      expect.stringMatching(/^Slack post lookup-5xx: could not check for an earlier copy, posting anyway: .*HTTP 503/),
      expect.stringMatching(/^Slack post lookup-scope: could not check for an earlier copy, posting anyway: .*missing_scope/),
    ]);
  });

  it('updates the alert in place', async () => {
    const { id, meta } = await slack.post(alert());
    expect(meta).toEqual({ key: 'incident/prod-eu/x@t/alert' });
    const acked = buildIncidentMessage({ ...baseState(), status: 'acknowledged' }, CONTEXT);
    await slack.update(channel, id, renderText(acked), acked, meta);
    const [m] = fake.messages(channel);
    expect(m!.updates).toBe(1);
    expect(JSON.stringify(m!.blocks)).toContain('*Acknowledged by*\\nAlice Liddell');
    expect(m!.metadata?.event_payload.key).toBe('incident/prod-eu/x@t/alert');
  });

  it('turns a 429 into a retryable RateLimited failure with the Retry-After delay, after a single request', async () => {
    fake.failNext('chat.postMessage', 429, { retryAfter: 7 });
    const before = fake.callsOf('chat.postMessage').length;
    const f = await failure(slack.post(alert()));
    expect(f).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 7000 });
    expect(fake.callsOf('chat.postMessage').length - before).toBe(1); // the client itself did not retry
  });

  it('finds the message Slack accepted when the post timed out, so the retry posts nothing new', async () => {
    fake.stallNext('chat.postMessage', 2_500);
    const firstAttempt = Date.now();
    const f = await failure(slack.post(alert('timeout/alert')));
    expect(f).toMatchObject({ type: 'Unavailable', nonRetryable: false });
    expect(fake.messages(channel)).toHaveLength(1); // Slack stored it before the client gave up
    const retried = await slack.post({ ...alert('timeout/alert'), retrySince: firstAttempt });
    expect(retried.id).toBe(fake.messages(channel)[0]!.ts);
    expect(fake.messages(channel)).toHaveLength(1);
  });

  it('retries server errors', async () => {
    fake.failNext('chat.postMessage', 503);
    expect(await failure(slack.post(alert()))).toMatchObject({ type: 'Unavailable', nonRetryable: false });
  });

  it.each([
    ['channel_not_found', () => 'C0NOPE0001', 'ChannelNotFound'],
    ['not_in_channel', () => fake.addChannel('no-bot', { botMember: false }), 'ChannelNotFound'],
    ['is_archived', () => fake.addChannel('old', { archived: true }), 'ChannelNotFound'],
  ])('fails permanently on %s, saying what to fix', async (code, make, type) => {
    const f = await failure(slack.post({ ...alert(), channel: make() }));
    expect(f).toMatchObject({ type, nonRetryable: true });
    expect(f.message).toContain(code);
  });

  it('fails permanently on a bad token and on an uninstalled app', async () => {
    const wrong = createSlackChat({ token: 'xoxb-wrong', slackApiUrl: fake.apiUrl });
    expect(await failure(wrong.post(alert()))).toMatchObject({ type: 'InvalidAuth', nonRetryable: true, message: expect.stringContaining('invalid_auth') });
    fake.setInactive(true);
    try {
      expect(await failure(slack.post(alert()))).toMatchObject({ type: 'InvalidAuth', nonRetryable: true, message: expect.stringContaining('account_inactive') });
    } finally {
      fake.setInactive(false);
    }
  });

  it('refuses a channel name where a channel id is needed, and an unknown DM user', async () => {
    expect(await failure(slack.post({ ...alert(), channel: '#incidents' }))).toMatchObject({ type: 'ChannelNotFound', nonRetryable: true, message: expect.stringContaining('not a channel ID') });
    expect(await failure(slack.directMessage('U0NOBODY1', 'x', 'k'))).toMatchObject({ type: 'PersonUnreachable', nonRetryable: true, message: expect.stringContaining('user_not_found') });
    expect(await failure(slack.directMessage('alice', 'x', 'k'))).toMatchObject({ type: 'PersonUnreachable', message: expect.stringContaining('not a Slack user ID') });
  });
});
