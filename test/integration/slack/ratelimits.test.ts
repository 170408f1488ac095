// A burst of incidents against a fake Slack that enforces Slack's published per-method limits
// (429 + Retry-After): the real worker on a real dev server queues its calls within its budgets,
// so the burst is posted with (almost) no 429s, exactly one alert per incident, critical first.
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer, runTestWorker, type RunningWorker } from '../../helpers/temporal';
import { testConfig } from '../../helpers/config';
import { anomaly } from '../../helpers/anomaly';
import { openIncident } from '../../helpers/incident';
import { eventually } from '../../helpers/eventually';
import { FakeSlack } from '../../fakes/slack/server';
import type { Config } from '../../../config/schema';

const CHANNELS = 6;
const PER_CHANNEL = 10; // 8 warnings opened first, then 2 criticals

let env: TestWorkflowEnvironment;
let fake: FakeSlack;
let worker: RunningWorker | undefined;
let config: Config;
const channels: string[] = [];

beforeAll(async () => {
  fake = await FakeSlack.start({ rateLimits: true });
  fake.addUser({ id: 'U0ALICE01', name: 'alice' });
  for (let i = 0; i < CHANNELS; i++) channels.push(fake.addChannel(`team-${i}`));
  config = testConfig((raw) => {
    writeFileSync(join(raw.dataDir, 'bot-token'), fake.botToken);
    raw.platforms.slack = { enabled: true, botToken: { fromFile: join(raw.dataDir, 'bot-token') }, signingSecret: { fromFile: join(raw.dataDir, 'bot-token') }, slackApiUrl: fake.apiUrl };
    raw.people[0].chat = { slack: 'U0ALICE01' };
    raw.routing.rules = channels.map((channel, i) => ({ name: `team-${i}`, match: { namespace: [`team-${i}`] }, channels: [{ platform: 'slack', channel }], policy: 'default' }));
    raw.alertUpdateDebounce = '2s';
  });
  env = await startDevServer();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await fake?.stop();
  if (config) rmSync(config.dataDir, { recursive: true, force: true });
});

it('posts a burst of 60 incidents within Slack’s limits: no duplicates, few 429s, critical alerts first', async () => {
  // Open the whole burst before the worker polls, so all of it competes for the same budgets.
  const opened: { namespace: string; severity: string; name: string }[] = [];
  for (let k = 0; k < PER_CHANNEL; k++) {
    for (let c = 0; c < CHANNELS; c++) {
      const severity = k < 8 ? 'warning' : 'critical';
      const name = `svc-${c}-${k}`;
      opened.push({ namespace: `team-${c}`, severity, name });
      await openIncident(env.client, anomaly({ severity, resource: { kind: 'Pod', name: `${name}-x`, namespace: `team-${c}` }, owner: { kind: 'Deployment', name, namespace: `team-${c}` } }));
    }
  }
  worker = await runTestWorker(env, { config });

  const alerts = () => channels.flatMap((ch) => fake.messages(ch).map((m) => ({ ch, m })));
  await eventually(() => alerts().length >= CHANNELS * PER_CHANNEL, 'every alert posted', 150_000, 250);
  await eventually(() => fake.dms('U0ALICE01').length >= CHANNELS * PER_CHANNEL, 'every page DM sent', 150_000, 250);
  expect(alerts()).toHaveLength(CHANNELS * PER_CHANNEL);

  // Exactly one alert per incident: every deployment named once across all channels.
  const named = alerts().map(({ m }) => /Deployment\/(svc-\d+-\d+)/.exec(m.text)?.[1]);
  expect(new Set(named).size).toBe(CHANNELS * PER_CHANNEL);
  expect(new Set(fake.dms('U0ALICE01').map((m) => m.text)).size).toBe(CHANNELS * PER_CHANNEL);

  // The worker stayed inside the budgets: at most a stray 429 from network jitter.
  const limited = fake.calls.filter((c) => c.status === 429);
  expect(limited.length).toBeLessThanOrEqual(3);

  // Critical incidents were opened last in every channel, yet their alerts came out ahead of most
  // warnings (FIFO would post them 9th and 10th).
  for (const ch of channels) {
    const order = fake.messages(ch).map((m) => (m.text.includes('[CRITICAL]') ? 'C' : 'w'));
    const positions = order.flatMap((s, i) => (s === 'C' ? [i + 1] : []));
    expect({ channel: ch, positions }).toEqual({ channel: ch, positions: [expect.any(Number), expect.any(Number)] });
    expect(Math.max(...positions)).toBeLessThanOrEqual(6);
  }
}, 300_000);
