// P6 (issue 11): a burst of distinct incidents against a fake Slack that enforces Slack's published
// per-method limits with 429 + Retry-After. The real worker on a real dev server posts them; counted:
// time until every incident is alerted, time to alert per incident, 429s taken (by method), and
// duplicate alerts and page DMs (must be 0). Run once with the worker's rate budgets
// (platforms.slack.rateLimits, the default) and once without them (every call straight out, a 429
// becomes an activity retry after Retry-After: the behaviour before the budgets).
// Run: node -r @swc-node/register bench/burst.ts [incidents] [seconds] [channels]
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDevServer, runTestWorker } from '../test/helpers/temporal';
import { testConfig } from '../test/helpers/config';
import { anomaly } from '../test/helpers/anomaly';
import { openIncident } from '../test/helpers/incident';
import { FakeSlack } from '../test/fakes/slack/server';
import type { Severity } from '../workflows/definitions';
import { pct, sleep } from './lib/util';

export interface BurstRow {
  budgets: string;
  incidents: number;
  channels: number;
  'opened in (s)': number;
  'all alerted (s)': number | string;
  'alert p50 / p99 (s)': string;
  'critical alert p99 (s)': number;
  '429s': string;
  'duplicate alerts': number;
  'duplicate DMs': number;
}

const s1 = (ms: number) => Math.round(ms / 100) / 10;
const SEVERITIES: Severity[] = ['warning', 'warning', 'error', 'warning', 'critical', 'warning', 'info', 'error', 'warning', 'warning'];

export async function runBurstBench(opts: { incidents?: number; seconds?: number; channels?: number; budgets?: boolean; timeoutMs?: number } = {}): Promise<BurstRow> {
  const incidents = opts.incidents ?? 300;
  const spreadMs = (opts.seconds ?? 10) * 1000;
  const nChannels = opts.channels ?? 10;
  const budgets = opts.budgets ?? true;
  const fake = await FakeSlack.start({ rateLimits: true });
  fake.addUser({ id: 'U0ALICE01', name: 'alice' });
  const channels = Array.from({ length: nChannels }, (_, i) => fake.addChannel(`team-${i}`));
  const config = testConfig((raw) => {
    writeFileSync(join(raw.dataDir, 'bot-token'), fake.botToken);
    raw.platforms.slack = {
      enabled: true,
      botToken: { fromFile: join(raw.dataDir, 'bot-token') },
      signingSecret: { fromFile: join(raw.dataDir, 'bot-token') },
      slackApiUrl: fake.apiUrl,
      rateLimits: { enabled: budgets },
    };
    raw.people[0].chat = { slack: 'U0ALICE01' };
    raw.routing.rules = channels.map((channel, i) => ({ name: `team-${i}`, match: { namespace: [`team-${i}`] }, channels: [{ platform: 'slack', channel }], policy: 'default' }));
    raw.alertUpdateDebounce = '2s'; // the shipped default
  });
  const env = await startDevServer();
  const worker = await runTestWorker(env, { config });
  const openedAt = new Map<string, { at: number; severity: Severity }>();
  try {
    const t0 = Date.now();
    const opening: Promise<unknown>[] = [];
    for (let i = 0; i < incidents; i++) {
      const due = t0 + (i * spreadMs) / incidents;
      if (due > Date.now()) await sleep(due - Date.now());
      const name = `svc-${i}`;
      const ns = `team-${i % nChannels}`;
      const severity = SEVERITIES[Math.floor(i / nChannels) % SEVERITIES.length]!; // every channel gets the same mix
      openedAt.set(name, { at: Date.now(), severity });
      opening.push(openIncident(env.client, anomaly({ severity, resource: { kind: 'Pod', name: `${name}-x`, namespace: ns }, owner: { kind: 'Deployment', name, namespace: ns } })));
    }
    await Promise.all(opening);
    const opened = Date.now() - t0;
    const alerts = () => channels.flatMap((ch) => fake.messages(ch));
    const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
    let last = -1;
    while (alerts().length < incidents && Date.now() < deadline) {
      if (alerts().length !== last) process.stderr.write(`\r  budgets ${budgets ? 'on' : 'off'}: ${(last = alerts().length)}/${incidents} alerted after ${s1(Date.now() - t0)} s   `);
      await sleep(200);
    }
    process.stderr.write('\n');
    const all = alerts();
    const done = all.length >= incidents;
    const lag: number[] = [];
    const critical: number[] = [];
    const names = new Map<string, number>();
    for (const m of all) {
      const name = /Deployment\/(svc-\d+)/.exec(m.text)?.[1] ?? '?';
      names.set(name, (names.get(name) ?? 0) + 1);
      const o = openedAt.get(name);
      if (!o) continue;
      const ms = Number(m.ts) * 1000 - o.at;
      lag.push(ms);
      if (o.severity === 'critical') critical.push(ms);
    }
    const end = Math.max(...all.map((m) => Number(m.ts) * 1000)) - t0;
    const dms = fake.dms('U0ALICE01').map((m) => m.text);
    const limited: Record<string, number> = {};
    for (const c of fake.calls.filter((c) => c.status === 429)) limited[c.method] = (limited[c.method] ?? 0) + 1;
    const total429 = Object.values(limited).reduce((a, b) => a + b, 0);
    return {
      budgets: budgets ? 'on (default)' : 'off',
      incidents,
      channels: nChannels,
      'opened in (s)': s1(opened),
      'all alerted (s)': done ? s1(end) : `not after ${s1(Date.now() - t0)}`,
      'alert p50 / p99 (s)': `${s1(pct(lag, 50))} / ${s1(pct(lag, 99))}`,
      'critical alert p99 (s)': s1(pct(critical, 99)),
      '429s': `${total429}${total429 ? ` (${Object.entries(limited).map(([m, n]) => `${m} ${n}`).join(', ')})` : ''}`,
      'duplicate alerts': [...names.values()].reduce((a, n) => a + n - 1, 0),
      'duplicate DMs': dms.length - new Set(dms).size,
    };
  } finally {
    await worker.stop();
    await env.teardown();
    await fake.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [incidents, seconds, channels] = process.argv.slice(2).map(Number);
  (async () => {
    const rows = [];
    for (const budgets of [true, false]) rows.push(await runBurstBench({ incidents: incidents || undefined, seconds: seconds || undefined, channels: channels || undefined, budgets }));
    console.table(rows);
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
