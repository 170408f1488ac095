// A burst of incidents against a fake Slack that enforces Slack's published per-method limits
// (429 + Retry-After): the real worker on a real dev server queues its calls within its budgets,
// so the burst is posted with (almost) no 429s, exactly one alert per incident, critical first.
// Both the published limits and the worker's shipped budgets run SPEEDUP times as fast (bursts
// unchanged), so the burst drains in seconds and a budget above Slack's limit still shows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testConfig } from '../../helpers/config';
import { eventually } from '../../helpers/eventually';
import { burstRouting, burstRun, faster, namedDeployments, PER_CHANNEL } from '../../helpers/rate-burst';
import { FakeSlack } from '../../fakes/slack/server';
import { SLACK_PUBLISHED_LIMITS } from '../../fakes/slack/ratelimits';
import { SLACK_RATE_LIMITS } from '../../../platforms/slack/config';

const CHANNELS = 3;
const SPEEDUP = 4;
const run = burstRun();
let fake: FakeSlack;

beforeAll(async () => {
  fake = await FakeSlack.start({ rateLimits: faster(SLACK_PUBLISHED_LIMITS, SPEEDUP) });
  await run.start();
}, 120_000);

afterAll(async () => {
  await run.stop();
  await fake?.stop();
});

it('posts a burst of 30 incidents within Slack’s limits: no duplicates, few 429s, critical alerts first', async () => {
  fake.addUser({ id: 'U0ALICE01', name: 'alice' });
  const channels = Array.from({ length: CHANNELS }, (_, i) => fake.addChannel(`team-${i}`));
  const config = testConfig((raw) => {
    writeFileSync(join(raw.dataDir, 'bot-token'), fake.botToken);
    const token = { fromFile: join(raw.dataDir, 'bot-token') };
    const rateLimits = { methods: faster(SLACK_RATE_LIMITS, SPEEDUP) };
    raw.platforms.slack = { enabled: true, botToken: token, signingSecret: token, slackApiUrl: fake.apiUrl, rateLimits };
    raw.people[0].chat = { slack: 'U0ALICE01' };
    raw.routing.rules = burstRouting('slack', channels);
    raw.alertUpdateDebounce = '2s';
  });
  await run.burst(config, CHANNELS);

  const total = CHANNELS * PER_CHANNEL;
  const alerts = () => channels.flatMap((ch) => fake.messages(ch));
  await eventually(() => alerts().length >= total, 'every alert posted', 150_000, 250);
  await eventually(() => fake.dms('U0ALICE01').length >= total, 'every page DM sent', 150_000, 250);
  expect(alerts()).toHaveLength(total);

  // Exactly one alert per incident: every deployment named once across all channels.
  expect(new Set(namedDeployments(alerts().map((m) => m.text))).size).toBe(total);
  expect(new Set(fake.dms('U0ALICE01').map((m) => m.text)).size).toBe(total);

  // The worker stayed inside the budgets: at most a stray 429 from network jitter.
  expect(fake.calls.filter((c) => c.status === 429).length).toBeLessThanOrEqual(3);

  // Critical incidents were opened last in every channel, yet their alerts came out ahead of most
  // warnings (FIFO would post them 9th and 10th).
  for (const ch of channels) {
    const order = fake.messages(ch).map((m) => (m.text.includes('[CRITICAL]') ? 'C' : 'w'));
    const positions = order.flatMap((s, i) => (s === 'C' ? [i + 1] : []));
    expect({ channel: ch, positions }).toEqual({ channel: ch, positions: [expect.any(Number), expect.any(Number)] });
    expect(Math.max(...positions)).toBeLessThanOrEqual(6);
  }
}, 300_000);
