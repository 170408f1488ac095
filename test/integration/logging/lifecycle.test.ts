// Issue 15, item 4: one JSON log format in every process. A scripted incident with the api, the
// worker and the watcher as real processes (a crash loop in a simulated cluster -> the watcher ->
// Temporal -> the worker alerts and pages in a strict fake Slack -> a signed Slack click acks, a
// REST call resolves), at LOG_LEVEL=debug so the most lines are checked. Their whole output must
// be JSON lines, every line about the incident must carry its ids, no configured secret may
// appear, and probes and scrapes are logged at debug only.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { scenarios } from '../../../simcluster';
import { incidentWorkflowId, type IncidentState } from '../../../workflows/definitions';
import { TEST_DIR_PREFIX } from '../../helpers/config';
import { eventually } from '../../helpers/eventually';
import { routeToFaultSlack, SLACK_USERS, startFaultSlack, writeProcessConfig, type FaultSlack } from '../../helpers/faults';
import { startDevServer } from '../../helpers/temporal';
import { killAllWorkerProcesses, startNodeProcess, type NodeProcess } from '../../helpers/worker-process';
import { SlackInbound } from '../../fakes/slack/inbound';
import { fastWatch, Resources } from '../watcher/helpers';

const CLUSTER = 'logs-west';
const FINGERPRINT = 'deployment:shop:checkout:crashloopbackoff';
const ID = incidentWorkflowId(CLUSTER, FINGERPRINT);
const SIGNING_SECRET = 'fault-suite-signing-secret'; // what routeToFaultSlack configures
const tokens = { ops: randomBytes(24).toString('hex'), alice: randomBytes(24).toString('hex') };
const temporalApiKey = `tk-${randomBytes(16).toString('hex')}`;

type Entry = Record<string, unknown> & { level: number; msg: string; service: string };
interface Proc {
  name: 'api' | 'worker' | 'watcher';
  p: NodeProcess;
}

const res = new Resources();
let env: TestWorkflowEnvironment;
let slack: FaultSlack;
let dataDir: string;
let apiUrl: string;
let workerHealth: string;
const procs: Proc[] = [];
const outputs: Record<string, string> = {};

const request = (path: string, token?: keyof typeof tokens, init: RequestInit = {}) =>
  fetch(`${apiUrl}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${tokens[token]}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) } });

async function state(): Promise<IncidentState | undefined> {
  const r = await request(`/api/incidents/${encodeURIComponent(ID)}`, 'ops');
  return r.status === 200 ? ((await r.json()) as IncidentState) : undefined;
}

beforeAll(async () => {
  const cluster = await res.cluster(CLUSTER);
  scenarios.crashLoopRollout(cluster.sim, { replicas: 3 });
  slack = await startFaultSlack();
  res.add(() => slack.fake.stop());
  env = await startDevServer();
  res.add(() => env.teardown());
  dataDir = mkdtempSync(join(tmpdir(), TEST_DIR_PREFIX));
  res.add(() => rmSync(dataDir, { recursive: true, force: true }));
  writeFileSync(join(dataDir, 'temporal-api-key'), temporalApiKey, { mode: 0o600 });
  const configFile = writeProcessConfig(dataDir, env.address, (raw) => {
    routeToFaultSlack(raw, slack, dataDir, { level1: '1h', level2: '1h' });
    // The dev server ignores the key; the processes send it on every call all the same.
    raw.temporal = { ...raw.temporal, tls: false, apiKey: { fromFile: join(dataDir, 'temporal-api-key') } };
    raw.api = {
      host: '127.0.0.1',
      port: 0,
      tokens: [
        { name: 'ops', token: { fromEnv: 'LOGS_OPS_TOKEN' }, roles: ['admin'] },
        { name: 'alice', token: { fromEnv: 'LOGS_ALICE_TOKEN' }, person: 'alice' },
      ],
    };
    raw.clusters = [{ name: CLUSTER, kubeconfig: cluster.kubeconfig, watch: fastWatch() }];
  });
  const opts = { env: { LOGS_OPS_TOKEN: tokens.ops, LOGS_ALICE_TOKEN: tokens.alice, LOG_LEVEL: 'debug' } };
  const api = startNodeProcess('api/main.ts', ['--config', configFile], /Server listening at (http:\/\/127\.0\.0\.1:\d+)/, opts);
  const worker = startNodeProcess('worker/main.ts', ['--config', configFile], /worker polling.*health on (http:\/\/127\.0\.0\.1:\d+)\/healthz/, opts);
  const watcher = startNodeProcess('watcher/main.ts', ['--config', configFile, '--cluster', CLUSTER], /running as/, opts);
  procs.push({ name: 'api', p: api }, { name: 'worker', p: worker }, { name: 'watcher', p: watcher });
  apiUrl = (await api.ready)[1]!;
  workerHealth = (await worker.ready)[1]!;
  await watcher.ready;
}, 150_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await res.cleanup();
});

describe('the logs of one incident lifecycle across the api, worker and watcher processes', () => {
  let entries: Record<string, Entry[]>;

  beforeAll(async () => {
    const alert = await eventually(async () => slack.fake.messages(slack.channel).find((m) => m.metadata?.event_payload?.incident_id === ID), 'the alert in Slack', 90_000);
    await eventually(async () => (await state())?.timeline.some((e) => e.type === 'paged'), 'the page', 60_000);
    const click = await new SlackInbound(slack.fake, `${apiUrl}/slack/events`, SIGNING_SECRET).click(SLACK_USERS.alice, slack.channel, alert.ts, 'incident:ack');
    expect(click.status).toBe(200);
    await eventually(async () => (await state())?.status === 'acknowledged', 'the ack from Slack');
    const resolved = await request(`/api/incidents/${encodeURIComponent(ID)}/resolve`, 'alice', { method: 'POST', body: JSON.stringify({ summary: 'rolled back' }) });
    expect(resolved.status).toBe(200);
    await eventually(async () => {
      const s = await state();
      return s && s.status === 'resolved' && (s.publishedUpTo ?? 0) >= s.timeline.length ? s : undefined;
    }, 'the resolution published', 60_000);
    // Probes and scrapes, one with a bearer header; and a token where a path segment goes, which
    // only the scrubbing of configured secrets can catch (it looks like any id).
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await request(path, 'ops')).status).toBe(200);
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${workerHealth}${path}`)).status).toBe(200);
    expect((await request(`/api/incidents/${tokens.alice}`, 'alice')).status).toBeGreaterThanOrEqual(400);
    // A graceful stop: each process logs its way out and its last lines are flushed.
    for (const { p } of procs) await p.kill('SIGTERM');
    for (const { name, p } of procs) outputs[name] = p.output();
    entries = Object.fromEntries(procs.map(({ name }) => [name, parseLines(name)]));
  }, 240_000);

  /** Every line as JSON; a line that is not fails with the process and the line. */
  function parseLines(name: string): Entry[] {
    return outputs[name]!.split('\n')
      .filter((l) => l.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as Entry;
        } catch {
          throw new Error(`${name} printed a line that is not JSON: ${line}`);
        }
      });
  }

  it('prints only JSON lines, each with a numeric level, a message and its service', () => {
    for (const { name } of procs) {
      expect({ name, lines: entries[name]!.length >= 3 }).toEqual({ name, lines: true });
      const bad = entries[name]!.filter((e) => typeof e.level !== 'number' || typeof e.msg !== 'string' || e.service !== name || typeof e.version !== 'string');
      expect({ name, bad }).toEqual({ name, bad: [] });
    }
  });

  it('puts the incident id and workflow id on every line about the incident, and the run id on workflow and activity lines', () => {
    const about = (e: Entry) => 'incidentId' in e || JSON.stringify(e).includes(FINGERPRINT);
    for (const { name } of procs) {
      const lines = entries[name]!.filter(about);
      expect({ name, some: lines.length > 0 }).toEqual({ name, some: true });
      const unlabelled = lines.filter((e) => e.incidentId !== ID || e.workflowId !== ID);
      expect({ name, unlabelled }).toEqual({ name, unlabelled: [] });
    }
    const sdkLines = entries.worker!.filter((e) => e.sdkComponent === 'workflow' || e.sdkComponent === 'activity');
    expect(sdkLines.filter((e) => e.workflowId === ID).length).toBeGreaterThan(0);
    expect(sdkLines.filter((e) => e.workflowId === ID && typeof e.runId !== 'string')).toEqual([]);
  });

  it('logs the lifecycle in the worker once per event, from the activity that published it', () => {
    const lifecycle = entries.worker!.filter((e) => e.lifecycle === true);
    const said = (text: string) => lifecycle.filter((e) => e.msg === text || e.msg.startsWith(`${text}: `)).length;
    expect([said(`incident ${ID} opened`), said(`incident ${ID} alerted`), said(`incident ${ID} acknowledged by alice`), said(`incident ${ID} resolved by alice`)]).toEqual([1, 1, 1, 1]);
    expect(lifecycle.every((e) => e.incidentId === ID && e.level === 30 && typeof e.runId === 'string')).toBe(true);
    expect(entries.api!.filter((e) => e.msg === 'incident action').map((e) => [e.incidentId, e.action])).toEqual([[ID, 'resolve']]);
    expect(entries.watcher!.some((e) => e.incidentId === ID && /signalled \d+ occurrence/.test(e.msg))).toBe(true);
  });

  it('prints no configured secret anywhere: api tokens, Slack bot token and signing secret, Temporal API key', () => {
    const secrets = { ...tokens, botToken: slack.fake.botToken, signingSecret: SIGNING_SECRET, temporalApiKey };
    for (const { name } of procs) {
      const found = Object.entries(secrets).filter(([, v]) => outputs[name]!.includes(v)).map(([k]) => k);
      expect({ name, found }).toEqual({ name, found: [] });
    }
    // The request that carried a token in its path was logged, with the token scrubbed.
    expect(entries.api!.some((e) => e.url === '/api/incidents/[redacted]')).toBe(true);
  });

  it('logs probe and metric-scrape requests at debug, never at info', () => {
    for (const name of ['api', 'worker'] as const) {
      const probes = entries[name]!.filter((e) => typeof e.url === 'string' && /^\/(healthz|readyz|metrics)\b/.test(e.url));
      expect({ name, paths: [...new Set(probes.map((e) => e.url))].sort() }).toEqual({ name, paths: ['/healthz', '/metrics', '/readyz'] });
      expect({ name, levels: [...new Set(probes.map((e) => e.level))] }).toEqual({ name, levels: [20] });
    }
  });
});
