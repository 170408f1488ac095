// The Slack adapter's rate budgets (platforms/slack/outbound/limits.ts) with the real @slack/web-api
// client against the fake Slack enforcing limits: calls over the budget wait in the worker instead
// of taking 429s, in the order of their activity's priority; a 429 that still happens holds the
// method back for its Retry-After; a wait past maxWait fails at once, retryably, with the wait.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createSlackChat } from '../../../platforms/slack/outbound/adapter';
import type { SlackRateLimits } from '../../../platforms/slack/outbound/limits';
import { FakeSlack } from '../../fakes/slack/server';

const fakes: FakeSlack[] = [];
afterAll(async () => Promise.all(fakes.map((f) => f.stop())));

/** A fresh workspace (own token, so own budgets) allowing chat.update 60/min with a burst of 2. */
async function workspace(rateLimits: Partial<SlackRateLimits> = {}) {
  const fake = await FakeSlack.start({ rateLimits: { 'chat.update': { perMinute: 60, burst: 2 } } });
  fakes.push(fake);
  const channel = fake.addChannel('incidents');
  const slack = createSlackChat({
    token: fake.botToken,
    slackApiUrl: fake.apiUrl,
    rateLimits: { enabled: true, maxWait: 30_000, methods: { 'chat.update': { perMinute: 60, burst: 2, perChannel: false } }, ...rateLimits },
  });
  const { id } = await slack.post({ channel, text: 'alert', key: 'incident/x@t/alert' });
  const update = (text: string) => slack.update(channel, id, text);
  return { fake, update };
}

const withPriority = <T>(priorityKey: number, fn: () => Promise<T>) => new MockActivityEnvironment({ priority: { priorityKey } }).run(fn) as Promise<T>;

describe('Slack rate budgets', () => {
  it('queues calls over the budget in the worker, so Slack answers none of them with a 429', async () => {
    const { fake, update } = await workspace();
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map((n) => update(`v${n}`)));
    const updates = fake.callsOf('chat.update');
    expect(updates.map((c) => c.status)).toEqual([200, 200, 200, 200]);
    // One of the two burst calls is kept in reserve: 1 at once, then one a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
  }, 20_000);

  it('sends queued calls of more urgent activities first', async () => {
    const { fake, update } = await workspace();
    await update('empties the bucket');
    const order: string[] = [];
    await Promise.all([
      withPriority(4, () => update('card update')).then(() => order.push('card update')),
      withPriority(1, () => update('critical')).then(() => order.push('critical')),
    ]);
    expect(order).toEqual(['critical', 'card update']);
    expect(fake.callsOf('chat.update').map((c) => c.params.text)).toEqual(['empties the bucket', 'critical', 'card update']);
  }, 20_000);

  it('posts a top-level alert before a thread reply of the same priority queued ahead of it', async () => {
    const fake = await FakeSlack.start({ rateLimits: { 'chat.postMessage': { perMinute: 60, burst: 2, perChannel: true } } });
    fakes.push(fake);
    const channel = fake.addChannel('incidents');
    const slack = createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl, rateLimits: { enabled: true, maxWait: 30_000, methods: { 'chat.postMessage': { perMinute: 60, burst: 2, perChannel: true } } } });
    const { id } = await slack.post({ channel, text: 'first alert', key: 'a/alert' }); // empties the bucket
    await Promise.all([
      withPriority(2, () => slack.post({ channel, threadId: id, text: 'diagnostics', key: 'a/diagnostics' })),
      withPriority(2, () => slack.post({ channel, text: 'second alert', key: 'b/alert' })),
    ]);
    expect(fake.callsOf('chat.postMessage').map((c) => c.params.text)).toEqual(['first alert', 'second alert', 'diagnostics']);
  }, 20_000);

  it('opens a DM channel once per person, not once per page (conversations.open is Tier 3)', async () => {
    const fake = await FakeSlack.start({ rateLimits: true });
    fakes.push(fake);
    fake.addUser({ id: 'U0ALICE01', name: 'alice' });
    const slack = createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl });
    for (let i = 0; i < 3; i++) await slack.directMessage('U0ALICE01', `page ${i}`, `incident/x@t/page/L1R${i}/alice/dm/slack`);
    expect(fake.callCounts()).toEqual({ 'conversations.open': 1, 'chat.postMessage': 3 });
    expect(fake.dms('U0ALICE01').map((m) => m.text)).toEqual(['page 0', 'page 1', 'page 2']);
  }, 20_000);

  it('holds the method back for the Retry-After of a 429 that still happened', async () => {
    const { fake, update } = await workspace();
    fake.failNext('chat.update', 429, { retryAfter: 2 });
    const err = await update('refused').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nextRetryDelay).toBe(2_000);
    const after = Date.now();
    await update('after the wait');
    expect(Date.now() - after).toBeGreaterThanOrEqual(1_900);
    expect(fake.callsOf('chat.update').map((c) => c.status)).toEqual([429, 200]);
  }, 20_000);

  it('fails a call at once, retryably with the expected wait, when it would wait longer than maxWait', async () => {
    const { fake, update } = await workspace({ maxWait: 1_000, methods: { 'chat.update': { perMinute: 6, burst: 2, perChannel: false } } });
    await update('first');
    const err = await update('second').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const f = err as ApplicationFailure;
    expect(f.type).toBe('RateLimited');
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toMatch(/budget is used up; retry in 10s \(platforms\.slack\.rateLimits\)/);
    expect(Number(f.nextRetryDelay)).toBeGreaterThan(9_000);
    expect(fake.callsOf('chat.update')).toHaveLength(1); // the second never left the worker
  }, 20_000);

  it('sends every call straight out when the budgets are off (and Slack answers 429)', async () => {
    const { fake, update } = await workspace({ enabled: false });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => update(`v${n}`)));
    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
    expect(fake.callsOf('chat.update').some((c) => c.status === 429)).toBe(true);
  }, 20_000);
});
