// The Slack adapter (real @slack/web-api client) against the strict fake Slack on 127.0.0.1:
// idempotent posts, thread replies and DMs, in-place updates, and every failure mapped to the
// typed activity failure the workflow's retry policy acts on.
import { ApplicationFailure } from '@temporalio/common';
import { buildIncidentMessage, renderText } from '../../../activities/chat/message';
import { createSlackChat } from '../../../activities/chat/slack/adapter';
import type { ChatPlatform } from '../../../activities/chat/platform';
import { FakeSlack } from '../../fakes/slack/server';
import { CONTEXT, baseState } from '../../unit/chat/slack/fixtures';

let fake: FakeSlack;
let slack: ChatPlatform;
let channel: string;
let seq = 0;
beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.addUser({ id: 'U0ALICE01', name: 'alice', email: 'alice@example.com' });
  slack = createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl, timeoutMs: 1_000 });
});
afterAll(async () => fake?.stop());
beforeEach(() => {
  channel = fake.addChannel(`incidents-${++seq}`);
});

const card = () => buildIncidentMessage(baseState(), CONTEXT);
const alert = (key = 'incident/prod-eu/x@t/alert') => ({ channel, text: renderText(card()), card: card(), key, incidentId: 'incident/prod-eu/x' });

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

  it('returns the first message instead of posting again when the key repeats', async () => {
    const a = await slack.post(alert());
    const b = await slack.post(alert());
    expect(b.id).toBe(a.id);
    expect(fake.messages(channel)).toHaveLength(1);
    expect(fake.callsOf('chat.postMessage').filter((c) => c.params.channel === channel)).toHaveLength(1);
  });

  it('replies in the thread once per key and renders page mentions as <@U...>', async () => {
    const { id: root } = await slack.post(alert());
    const reply = { channel, threadId: root, text: '@U0ALICE01 you are paged', key: 'page/L1/alice', incidentId: 'incident/prod-eu/x', mentions: ['U0ALICE01'] };
    const first = await slack.post(reply);
    expect((await slack.post(reply)).id).toBe(first.id);
    expect(fake.replies(channel, root).map((m) => m.text)).toEqual(['<@U0ALICE01> you are paged']);
  });

  it('sends a direct message through conversations.open, once per key', async () => {
    const a = await slack.directMessage('U0ALICE01', 'you are paged', 'page/L1/alice/dm', 'incident/prod-eu/x');
    const b = await slack.directMessage('U0ALICE01', 'you are paged', 'page/L1/alice/dm', 'incident/prod-eu/x');
    expect(b.id).toBe(a.id);
    expect(fake.dms('U0ALICE01').map((m) => m.text)).toEqual(['you are paged']);
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
    fake.failNext('conversations.history', 429, { retryAfter: 7 });
    const before = fake.callsOf('conversations.history').length;
    const f = await failure(slack.post(alert()));
    expect(f).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 7000 });
    expect(fake.callsOf('conversations.history').length - before).toBe(1); // the client itself did not retry
  });

  it('finds the message Slack accepted when the post timed out, so the retry posts nothing new', async () => {
    fake.stallNext('chat.postMessage', 2_500);
    const f = await failure(slack.post(alert('timeout/alert')));
    expect(f).toMatchObject({ type: 'Unavailable', nonRetryable: false });
    expect(fake.messages(channel)).toHaveLength(1); // Slack stored it before the client gave up
    const retried = await slack.post(alert('timeout/alert'));
    expect(retried.id).toBe(fake.messages(channel)[0]!.ts);
    expect(fake.messages(channel)).toHaveLength(1);
  });

  it('retries server errors', async () => {
    fake.failNext('conversations.history', 503);
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
