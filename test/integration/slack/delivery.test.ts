// Delivery to Slack under trouble, through the real workflow and worker: a 429 waits exactly as long
// as Slack asks and then posts once; a post Slack accepted but answered too late is found on retry
// (the only attempt that looks), not repeated; a permanent problem (bot not in the channel) is recorded in the timeline at once.
import { eventually } from '../../helpers/stack';
import { buttonsOf, startSlackStack, type SlackStack } from './slack-stack';

let s: SlackStack;
beforeAll(async () => {
  s = await startSlackStack(['ratelimited', 'stalled'], { notMember: ['no-bot'], requestTimeout: '1s' });
}, 90_000);
afterAll(async () => s?.stop());

const posts = (channel: string) => s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === channel && !c.params.thread_ts);

describe('Slack delivery', () => {
  it('posts exactly one alert after waiting out a 429 with Retry-After on the first post', async () => {
    const channel = s.channels.ratelimited!;
    s.fake.failNext('chat.postMessage', 429, { retryAfter: 2, channel });
    const id = await s.report('ratelimited');
    const alert = await s.alert(channel);
    expect(buttonsOf(alert)).toEqual(['Ack', 'Hand off', 'Resolve']);
    const calls = posts(channel);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1_900); // Retry-After: 2 was honoured
    const st = await eventually(async () => {
      const x = await s.state(id);
      return x.timeline.some((t) => t.type === 'alerted') ? x : undefined;
    }, 'the alerted entry');
    expect(st.timeline.filter((t) => t.type === 'alert-failed')).toEqual([]);
    expect(st.messages).toEqual([{ platform: 'slack', channel, id: alert.ts, meta: { key: `${id}@${st.openedAt}/alert` } }]);
    expect(s.fake.messages(channel)).toHaveLength(1);
  });

  it('keeps exactly one alert when Slack accepted the post but answered after the client timed out', async () => {
    const channel = s.channels.stalled!;
    s.fake.stallNext('chat.postMessage', 3_000, { channel });
    const id = await s.report('stalled');
    const st = await eventually(async () => {
      const x = await s.state(id);
      return x.messages.length === 1 ? x : undefined;
    }, 'the alert reference in the incident', 30_000);
    const messages = s.fake.messages(channel);
    expect(messages).toHaveLength(1);
    expect(st.messages[0]!.id).toBe(messages[0]!.ts);
    expect(posts(channel)).toHaveLength(1); // the retry found the message instead of posting again
    expect(s.fake.callsOf('conversations.history').filter((c) => c.params.channel === channel)).toHaveLength(1); // only the retry looked, once
    expect(st.timeline.filter((t) => t.type === 'alerted')).toHaveLength(1);
  });

  it('records a permanent failure (the bot is not in the channel) in the timeline without retrying', async () => {
    const channel = s.channels['no-bot']!;
    const id = await s.report('no-bot');
    const failed = await eventually(async () => (await s.state(id)).timeline.find((t) => t.type === 'alert-failed'), 'the alert-failed entry');
    expect(failed.text).toMatch(/not_in_channel \(invite the bot to the channel/);
    expect(posts(channel).map((c) => c.response.error)).toEqual(['not_in_channel']); // one try, no retry
    expect(s.fake.callsOf('conversations.history').filter((c) => c.params.channel === channel)).toEqual([]); // first attempts never look
  });
});
