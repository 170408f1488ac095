// A retry after a rate-budget give-up spends no duplicate-post lookup: an attempt that gave up
// waiting for budget before anything went out says so in its last heartbeat (activities/chat/
// attempt.ts), and the next attempt posts without conversations.history. Any attempt that may have
// posted keeps the lookup. The real Slack adapter and client against the fake Slack, which counts calls.
import type { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createSlackChat } from '../../../platforms/slack/outbound/adapter';
import { earlierAttemptSince } from '../../../activities/chat/attempt';
import { FakeSlack } from '../../fakes/slack/server';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDevServer, runTestWorker } from '../../helpers/temporal';
import { testConfig } from '../../helpers/config';
import { anomaly } from '../../helpers/anomaly';
import { openIncident } from '../../helpers/incident';
import { eventually } from '../../helpers/eventually';

const fakes: FakeSlack[] = [];
afterAll(async () => Promise.all(fakes.map((f) => f.stop())));

const SCHEDULED = Date.now() - 60_000;

/** A workspace whose worker budget allows one chat.postMessage now and the next in 10 s, waiting at most 1 s. */
async function workspace() {
  const fake = await FakeSlack.start();
  fakes.push(fake);
  const channel = fake.addChannel('incidents');
  const tight = { enabled: true, maxWait: 1_000, methods: { 'chat.postMessage': { perMinute: 6, burst: 2, perChannel: true } } };
  const slack = createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl, timeoutMs: 5_000, rateLimits: tight });
  // Gives up on a stalled call quickly (its own limiter, the same budget).
  const impatient = createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl, timeoutMs: 300, rateLimits: tight });
  // A later attempt finds room (its own limiter: another max wait).
  const roomy = createSlackChat({ token: fake.botToken, slackApiUrl: fake.apiUrl, rateLimits: { ...tight, maxWait: 30_000, methods: {} } });
  return { fake, channel, slack, impatient, roomy };
}

/** Runs `fn` as attempt `attempt` of an activity; returns what it did and the details of its heartbeats. */
async function attempt<T>(attempt: number, heartbeatDetails: unknown, fn: () => Promise<T>) {
  const env = new MockActivityEnvironment({ attempt, heartbeatDetails, scheduledTimestampMs: SCHEDULED });
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  const result = await env.run(fn).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { ...result, last: beats.filter((d) => d !== undefined).at(-1) };
}

const post = (slack: ReturnType<typeof createSlackChat>, channel: string, key: string) => () => slack.post({ channel, text: key, key, retrySince: earlierAttemptSince() });

describe('a retry after a budget give-up', () => {
  it('posts without a duplicate-post lookup when the earlier attempts gave up before sending anything', async () => {
    const { fake, channel, slack, roomy } = await workspace();
    await slack.post({ channel, text: 'empties the bucket', key: 'other/alert' });
    const first = await attempt(1, undefined, post(slack, channel, 'a/alert'));
    expect((first as { error: ApplicationFailure }).error.type).toBe('RateLimited');
    expect(first.last).toEqual({ unsentThrough: 1 });
    const second = await attempt(2, first.last, post(roomy, channel, 'a/alert'));
    expect(second).toMatchObject({ value: { id: expect.any(String) } });
    expect(fake.callCounts()).toEqual({ 'chat.postMessage': 2 });
    expect(fake.messages(channel).map((m) => m.text)).toEqual(['empties the bucket', 'a/alert']);
  }, 20_000);

  it('carries the fact through several give-ups in a row', async () => {
    const { fake, channel, slack, roomy } = await workspace();
    await slack.post({ channel, text: 'empties the bucket', key: 'other/alert' });
    const first = await attempt(1, undefined, post(slack, channel, 'a/alert'));
    const second = await attempt(2, first.last, post(slack, channel, 'a/alert'));
    expect(second.last).toEqual({ unsentThrough: 2 });
    const third = await attempt(3, second.last, post(roomy, channel, 'a/alert'));
    expect(third).toMatchObject({ value: { id: expect.any(String) } });
    expect(fake.callsOf('conversations.history')).toHaveLength(0);
  }, 20_000);

  it('still looks when the earlier attempt sent its post (it timed out after Slack took it), and finds it', async () => {
    const { fake, channel, impatient, roomy } = await workspace();
    fake.stallNext('chat.postMessage', 1_000);
    const first = await attempt(1, undefined, post(impatient, channel, 'a/alert'));
    expect((first as { error: ApplicationFailure }).error.type).not.toBe('RateLimited');
    expect(first.last).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1_200)); // the stalled post lands
    const second = await attempt(2, first.last, post(roomy, channel, 'a/alert'));
    expect(fake.callsOf('conversations.history')).toHaveLength(1);
    expect(fake.messages(channel).filter((m) => m.text === 'a/alert')).toHaveLength(1);
    expect(second).toMatchObject({ value: { id: fake.messages(channel)[0]!.ts } });
  }, 20_000);

  it('still looks when one post of the attempt went out before another gave up (a page: DM, then mention)', async () => {
    const { fake, channel, slack, roomy } = await workspace();
    const both = async () => {
      await post(slack, channel, 'a/dm')(); // goes out
      await post(slack, channel, 'a/mention')(); // gives up
    };
    const first = await attempt(1, undefined, both);
    expect((first as { error: ApplicationFailure }).error.type).toBe('RateLimited');
    expect(first.last).toBeUndefined();
    await attempt(2, first.last, post(roomy, channel, 'a/dm'));
    expect(fake.callsOf('conversations.history')).toHaveLength(1);
    expect(fake.messages(channel).filter((m) => m.text === 'a/dm')).toHaveLength(1);
  }, 20_000);

  it('does not trust the record of an attempt other than the one just before', async () => {
    const { fake, channel, roomy } = await workspace();
    await attempt(3, { unsentThrough: 1 }, post(roomy, channel, 'a/alert'));
    expect(fake.callsOf('conversations.history')).toHaveLength(1);
  }, 20_000);
});

describe('a retry after a budget give-up, on a real Temporal server', () => {
  it('posts every alert once and never reads conversations.history, though posts gave up waiting and were retried', async () => {
    const fake = await FakeSlack.start();
    fakes.push(fake);
    fake.addUser({ id: 'U0ALICE01', name: 'alice' });
    const channel = fake.addChannel('incidents');
    const config = testConfig((raw) => {
      writeFileSync(join(raw.dataDir, 'bot-token'), fake.botToken);
      const token = { fromFile: join(raw.dataDir, 'bot-token') };
      // One post per channel now, the next in 2 s; nobody waits over 1 s: the later alerts give up and retry.
      const rateLimits = { maxWait: '1s', methods: { 'chat.postMessage': { perMinute: 30, burst: 2, perChannel: true } } };
      raw.platforms.slack = { enabled: true, botToken: token, signingSecret: token, slackApiUrl: fake.apiUrl, rateLimits };
      raw.people[0].chat = { slack: 'U0ALICE01' };
      raw.routing.default.channels = [{ platform: 'slack', channel }];
    });
    const env = await startDevServer();
    const worker = await runTestWorker(env, { config });
    try {
      const handles = [];
      for (const name of ['api', 'web', 'db']) handles.push(await openIncident(env.client, anomaly({ resource: { kind: 'Pod', name: `${name}-x`, namespace: 'shop' }, owner: { kind: 'Deployment', name, namespace: 'shop' } })));
      await eventually(() => fake.messages(channel).length >= 3, 'every alert posted', 60_000, 250);
      expect(fake.messages(channel)).toHaveLength(3);
      // Some postAlert ran a second attempt after giving up on the budget...
      const alertAttempts = await Promise.all(
        handles.map(async (h) => {
          const events = (await h.fetchHistory()).events!;
          const alerts = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'postAlert').map((e) => String(e.eventId)));
          return events.filter((e) => alerts.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId))).map((e) => Number(e.activityTaskStartedEventAttributes!.attempt));
        }),
      );
      expect(Math.max(...alertAttempts.flat())).toBeGreaterThan(1);
      // ...yet no alert retry read the channel's history. (Pages may: a page whose DM went out
      // before its thread mention gave up did post, and its retry must look.)
      expect(fake.callsOf('conversations.history').filter((c) => c.params.channel === channel)).toEqual([]);
    } finally {
      await worker.stop();
      await env.teardown();
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
