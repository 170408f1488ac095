// A burst of incidents against a fake Bot Framework that enforces Teams' limits for bots (per
// conversation 7 a second, 60 per 30 s, 1,800 an hour; per bot 50 a second; 429 with Retry-After):
// the real worker on a real dev server queues its calls within its budgets, so the burst is posted
// with (almost) no 429s, exactly one alert card per incident, critical first.
import { testConfig } from '../../helpers/config';
import { eventually } from '../../helpers/eventually';
import { burstRouting, burstRun, expectCriticalsBy, namedDeployments, PER_CHANNEL, STRAY_429_LIMIT } from '../../helpers/rate-burst';
import { FakeBotFramework } from '../../fakes/botframework/server';
import { ALICE_AAD, fakeOptions, withTeams } from './fixtures';

const CONVERSATIONS = ['19:team-0@thread.tacv2', '19:team-1@thread.tacv2', '19:team-2@thread.tacv2'];
const run = burstRun();
let fake: FakeBotFramework;

beforeAll(async () => {
  fake = await FakeBotFramework.start({ ...fakeOptions(), conversations: CONVERSATIONS, rateLimits: true });
  await run.start();
}, 120_000);

afterAll(async () => {
  await run.stop();
  await fake?.stop();
});

it('posts a burst of 30 incidents within Teams’ limits: no duplicates, few 429s, critical alerts first', async () => {
  const config = testConfig((raw) => {
    withTeams(raw, fake);
    raw.platforms.teams.channels = Object.fromEntries(CONVERSATIONS.map((conversationId, i) => [`team-${i}`, { conversationId, serviceUrl: fake.serviceUrl }]));
    raw.routing.rules = burstRouting('teams', CONVERSATIONS.map((_, i) => `team-${i}`));
    raw.alertUpdateDebounce = '2s';
  });
  await run.burst(config, CONVERSATIONS.length);

  const total = CONVERSATIONS.length * PER_CHANNEL;
  const alerts = () => CONVERSATIONS.flatMap((c) => fake.cards(c));
  await eventually(() => alerts().length >= total, 'every alert card posted', 150_000, 250);
  await eventually(() => fake.dmsTo(ALICE_AAD).length >= total, 'every page DM sent', 150_000, 250);
  expect(alerts()).toHaveLength(total);
  expect(new Set(namedDeployments(alerts().map((a) => a.activity))).size).toBe(total);
  expect(fake.dmsTo(ALICE_AAD)).toHaveLength(total);

  // The worker stayed inside the budgets: a few stray 429s on window edges at most (STRAY_429_LIMIT).
  expect(fake.requests.filter((r) => r.status === 429).length).toBeLessThanOrEqual(STRAY_429_LIMIT);
  // Teams allows a burst of 7 a conversation (the worker keeps 6), which goes out at once before the
  // criticals are scheduled; they still come out ahead of FIFO's 9th and 10th.
  expectCriticalsBy(Object.fromEntries(CONVERSATIONS.map((c) => [c, fake.cards(c).map((a) => JSON.stringify(a.activity).includes('CRITICAL'))])), 8);
}, 300_000);
