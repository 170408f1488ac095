// What one incident costs, counted rather than timed: the Slack Web API calls (per method) and the
// workflow history events of one whole lifecycle (alert, diagnostics, page, ack, resolve,
// postmortem), with the real worker posting to the strict fake Slack on a real dev server. Counts
// do not depend on machine load, so they compare code versions: run it on two checkouts.
// Run: make bench (or node -r @swc-node/register bench/incident-cost.ts)
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDevServer, runTestWorker } from '../test/helpers/temporal';
import { testConfig } from '../test/helpers/config';
import { anomaly } from '../test/helpers/anomaly';
import { actor } from '../test/helpers/actors';
import { openIncident } from '../test/helpers/incident';
import { FakeSlack } from '../test/fakes/slack/server';
import { acknowledgeUpdate, resolveUpdate } from '../workflows/definitions';

export interface IncidentCost {
  /** Which part of the lifecycle the counts cover. */
  phase: string;
  slackCalls: number;
  /** method=count, most frequent first */
  slackByMethod: string;
  historyEvents: number;
  activities: number;
  timers: number;
  markers: number;
  workflowTasks: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function describeEvent(e: object): string {
  const r = e as Record<string, unknown>;
  const key = Object.keys(r).find((k) => k.endsWith('EventAttributes') && r[k]);
  const a = (key ? r[key] : {}) as Record<string, unknown>;
  const what = (a.activityType as { name?: string })?.name ?? (a.markerName as string) ?? (a.signalName as string) ?? (a.startToFireTimeout ? `${JSON.stringify(a.startToFireTimeout)}` : '');
  return `${String(r.eventId).padStart(4)} ${key?.replace('EventAttributes', '')} ${what}`;
}

export async function runIncidentCostBench(): Promise<IncidentCost[]> {
  const fake = await FakeSlack.start();
  fake.addUser({ id: 'U0ALICE01', name: 'alice' });
  const channel = fake.addChannel('incidents');
  const config = testConfig((raw) => {
    writeFileSync(join(raw.dataDir, 'bot-token'), fake.botToken);
    raw.platforms.slack = { enabled: true, botToken: { fromFile: join(raw.dataDir, 'bot-token') }, signingSecret: { fromFile: join(raw.dataDir, 'bot-token') }, slackApiUrl: fake.apiUrl };
    raw.people[0].chat = { slack: 'U0ALICE01' };
    raw.routing.default.channels = [{ platform: 'slack', channel }];
    raw.alertUpdateDebounce = '2s'; // the shipped default
  });
  const env = await startDevServer();
  const worker = await runTestWorker(env, { config });
  try {
    const handle = await openIncident(env.client, anomaly());
    const counts = async (phase: string): Promise<IncidentCost> => {
      const events = (await handle.fetchHistory()).events ?? [];
      const has = (k: string) => events.filter((e) => (e as Record<string, unknown>)[k]).length;
      // COST_EVENTS=1 prints the history, one line per event: what to look at when a count moves.
      if (process.env.COST_EVENTS === '1') console.error(`--- ${phase}\n${events.map(describeEvent).join('\n')}`);
      const byMethod: Record<string, number> = {};
      for (const c of fake.calls) byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
      return {
        phase,
        slackCalls: fake.calls.length,
        slackByMethod: Object.entries(byMethod).sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m}=${n}`).join(' '),
        historyEvents: events.length,
        activities: has('activityTaskScheduledEventAttributes'),
        timers: has('timerStartedEventAttributes'),
        markers: has('markerRecordedEventAttributes'),
        workflowTasks: has('workflowTaskCompletedEventAttributes'),
      };
    };
    // New incident: the alert, the diagnostics reply, the page (DM + thread mention) and the card
    // update that follows them, settled (no call for 3 s, longer than the debounce).
    await until('the page DM', () => fake.dms('U0ALICE01').length > 0);
    await until('the diagnostics reply', () => fake.messages(channel)[0] && fake.replies(channel, fake.messages(channel)[0]!.ts).some((m) => m.text.startsWith('Diagnostics')));
    await until('quiet', () => Date.now() - (fake.calls.at(-1)?.at ?? 0) > 3_000);
    const opened = await counts('new incident (alerted, diagnosed, paged)');
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'rolled back' }] });
    await handle.result();
    const closed = await counts('whole lifecycle (+ ack, resolve, postmortem)');
    return [opened, closed];
  } finally {
    await worker.stop();
    await env.teardown();
    await fake.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runIncidentCostBench()
    .then((rows) => console.table(rows))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
