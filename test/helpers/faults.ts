// Shared by the fault suite (test/faults): a strict fake Slack every case posts to, the config that
// routes the product there, the tally of what reached it (duplicates are found by the idempotency
// key each post carries in its message metadata) and the one line of figures each case prints.
// `make test-faults` collects the lines (FAULT_FIGURES) into the summary table of
// test/faults/summary-reporter.js.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack, type FakeMessage } from '../fakes/slack/server';
import { startNodeProcess, writeWorkerConfig, type NodeProcess } from './worker-process';

export const SLACK_USERS = { alice: 'U0ALICE01', bob: 'U0BOB0001', carol: 'U0CAROL01' } as const;

export interface FaultSlack {
  fake: FakeSlack;
  /** The channel every incident is routed to. */
  channel: string;
}

export async function startFaultSlack(opts: { rateLimits?: boolean } = {}): Promise<FaultSlack> {
  const fake = await FakeSlack.start({ rateLimits: opts.rateLimits });
  for (const [name, id] of Object.entries(SLACK_USERS)) fake.addUser({ id, name, email: `${name}@example.com` });
  return { fake, channel: fake.addChannel('incidents') };
}

/**
 * Routes every incident to the fake's channel, pages people by their Slack ids, and escalates from
 * alice (level 1, after `level1`) to carol (level 2, after `level2`). The tokens go into files in
 * `secretsDir` (the config names the files, never the values).
 */
export function routeToFaultSlack(raw: Record<string, any>, slack: FaultSlack, secretsDir: string, delays: { level1: string; level2: string }): void {
  writeFileSync(join(secretsDir, 'slack-bot-token'), slack.fake.botToken, { mode: 0o600 });
  writeFileSync(join(secretsDir, 'slack-signing-secret'), 'fault-suite-signing-secret', { mode: 0o600 });
  raw.platforms = {
    ...raw.platforms,
    local: { enabled: false },
    slack: {
      enabled: true,
      botToken: { fromFile: join(secretsDir, 'slack-bot-token') },
      signingSecret: { fromFile: join(secretsDir, 'slack-signing-secret') },
      slackApiUrl: slack.fake.apiUrl,
      requestTimeout: '2s',
    },
  };
  raw.people = raw.people.map((p: { id: keyof typeof SLACK_USERS }) => ({ ...p, chat: { slack: SLACK_USERS[p.id] } }));
  raw.routing = { rules: [], default: { channels: [{ platform: 'slack', channel: slack.channel }], policy: 'default' } };
  raw.schedules = [{ id: 'primary', timezone: 'UTC', layers: [{ rotation: 'weekly', start: '2020-01-06', participants: ['alice'] }] }];
  raw.escalationPolicies = [{ id: 'default', levels: [{ targets: [{ schedule: 'primary' }], delay: delays.level1 }, { targets: [{ person: 'carol' }], delay: delays.level2 }] }];
  raw.alertUpdateDebounce = '200ms';
}

/** Posts beyond the first per idempotency key (what a retry must never add). */
export function duplicateKeys(keys: string[]): number {
  return keys.length - new Set(keys).size;
}

export interface Tally {
  /** Incident ids (workflow ids) with a top-level alert. */
  alerted: Set<string>;
  /** Pages (DMs) per person id. */
  pages: Record<string, FakeMessage[]>;
  duplicatePages: number;
  /** Channel posts and thread replies that repeat an earlier post's key. */
  duplicateMessages: number;
}

const keyOf = (m: FakeMessage) => String(m.metadata?.event_payload?.key ?? `no key: ${m.ts}`);
/** `incident/<cluster>/<fp>@<openedAt>/alert` -> `incident/<cluster>/<fp>` */
const incidentOf = (key: string) => key.split('@')[0]!;

/** What reached the fake Slack, counted by idempotency key. */
export function slackTally(slack: FaultSlack): Tally {
  const posts = slack.fake.channel(slack.channel).messages;
  const pages = Object.fromEntries(Object.entries(SLACK_USERS).map(([person, id]) => [person, slack.fake.dms(id)]));
  return {
    alerted: new Set(posts.filter((m) => !m.threadTs && keyOf(m).endsWith('/alert')).map((m) => incidentOf(keyOf(m)))),
    pages,
    duplicatePages: duplicateKeys(Object.values(pages).flat().map(keyOf)),
    duplicateMessages: duplicateKeys(posts.map(keyOf)),
  };
}

/** Pages a person got for one incident. */
export const pagesFor = (t: Tally, person: keyof typeof SLACK_USERS, incidentId: string): number =>
  t.pages[person]!.filter((m) => incidentOf(keyOf(m)) === incidentId).length;

export interface Figures {
  /** Incidents the case opened. */
  incidents: number;
  /** Of those, how many never alerted (or vanished from Temporal, or never got their postmortem: the case says). */
  lost: number;
  duplicatePages: number;
  duplicateMessages: number;
  /** From the end of the fault to the system doing its job again (the case says what it measures). */
  recoverMs: number;
}

/** Prints the case's one line of figures and appends it to $FAULT_FIGURES for the summary table. */
export function reportFigures(name: string, f: Figures): void {
  const line = `[fault] ${name}: incidents ${f.incidents}, lost ${f.lost}, duplicate pages ${f.duplicatePages}, duplicate messages ${f.duplicateMessages}, time to recover ${(f.recoverMs / 1000).toFixed(1)} s`;
  process.stdout.write(`${line}\n`);
  if (process.env.FAULT_FIGURES) appendFileSync(process.env.FAULT_FIGURES, `${JSON.stringify({ name, ...f })}\n`);
}

/** The suite's promise: nothing lost, nothing paged or posted twice. */
export function expectNothingLostOrDuplicated(f: Figures): void {
  expect({ lost: f.lost, duplicatePages: f.duplicatePages, duplicateMessages: f.duplicateMessages }).toEqual({ lost: 0, duplicatePages: 0, duplicateMessages: 0 });
}

/**
 * A config file for product processes (api, worker, watcher) started by a fault case: the shipped
 * example on `address` with the test defaults of testConfig (any cluster accepted, no kubectl),
 * changed by `mutate`. Returns its path.
 */
export function writeProcessConfig(dataDir: string, address: string, mutate: (raw: Record<string, any>) => void): string {
  return writeWorkerConfig({ env: { address }, dataDir }, (raw) => {
    raw.clusters = [];
    raw.intake = { acceptUnknownClusters: true };
    delete raw.kubectl;
    mutate(raw);
  });
}

/** A watcher process (watcher/main.ts) for one cluster; ready resolves with its http://host:port. */
export function startWatcherProcess(configFile: string, cluster: string, identity: string): NodeProcess {
  return startNodeProcess('watcher/main.ts', ['--config', configFile, '--cluster', cluster, '--identity', identity], /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/);
}

/** Whether an incident's alert is in the channel and alice (level 1) got its page. */
export function alertedAndPaged(slack: FaultSlack, incidentId: string): boolean {
  const t = slackTally(slack);
  return t.alerted.has(incidentId) && pagesFor(t, 'alice', incidentId) >= 1;
}
