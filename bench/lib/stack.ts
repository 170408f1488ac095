// What every P-figure runs on: a real dev server, the fake Slack (its wire protocol, limits off
// unless asked), the real worker and api as their own processes reading one config file, and the
// raw ceiling's worker (lib/raw.ts) on the same server. stop() ends all of it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer } from '../../test/helpers/temporal';
import { exampleRaw } from '../../test/helpers/config';
import { FakeSlack } from '../../test/fakes/slack/server';
import { SlackInbound } from '../../test/fakes/slack/inbound';
import { anomaly } from '../../test/helpers/anomaly';
import type { Anomaly } from '../../workflows/definitions';
import { freePort } from '../../test/helpers/elasticsearch';
import { startNodeProcess, type NodeProcess } from './procs';
import { RawCeiling } from './raw';
import { entry } from './build';

export const USERS = { alice: 'U0ALICE01', bob: 'U0BOB0001', carol: 'U0CAROL01' } as const;

export interface Alert {
  channel: string;
  ts: string;
  incidentId: string;
  /** When the fake took the call (ms since the epoch). */
  at: number;
}

/** The incident id in a post's metadata (a JSON string on the wire, or an object). */
function incidentOf(metadata: unknown): string {
  const m = (typeof metadata === 'string' ? JSON.parse(metadata) : metadata) as { event_payload?: { incident_id?: string } } | undefined;
  return m?.event_payload?.incident_id ?? '';
}

export interface BenchStackOptions {
  /** Channels (= namespaces routed to them); incidents spread over them. */
  channels?: number;
  /** Escalation delay of level 1 (level 2 pages carol after 10 more minutes). */
  escalationDelay?: string;
  /** worker.* overrides (tuning under test). */
  worker?: Record<string, unknown>;
  alertUpdateDebounce?: string;
  /** Run the api process (REST, Slack requests). */
  api?: boolean;
  /**
   * NODE_OPTIONS of the worker process (e.g. a V8 heap cap under test); default none, or with
   * BENCH_MEMORY=shipped the chart's (with its limit as worker.memoryLimit) for every figure.
   */
  workerNodeOptions?: string;
}

export interface BenchStack {
  env: TestWorkflowEnvironment;
  fake: FakeSlack;
  channels: string[];
  raw: RawCeiling;
  worker: NodeProcess;
  api?: NodeProcess;
  apiUrl?: string;
  inbound?: SlackInbound;
  /** Port of the worker's Temporal SDK metrics (Prometheus text). */
  sdkMetricsPort: number;
  /** A distinct CrashLoopBackOff anomaly routed to channel i % channels. */
  anomaly(i: number, overrides?: Partial<Anomaly>): Anomaly;
  /** fetch against the api as `ops` (service token) or `alice`. */
  request(path: string, as: 'ops' | 'alice', json?: unknown): Promise<Response>;
  /** Top-level posts to the routed channels (alerts), in order; `at` = when the fake took the call. */
  alerts(): Alert[];
  stop(): Promise<void>;
}

/** The chart's worker memory settings: its limit as worker.memoryLimit, its nodeOptions (charts/k8s-incident-flow/values.yaml). */
export function shippedMemory(): { worker: Record<string, unknown>; nodeOptions: string } {
  const values = parse(readFileSync(join(__dirname, '../../charts/k8s-incident-flow/values.yaml'), 'utf8')) as { worker: { resources: { limits: { memory: string } }; nodeOptions: string } };
  return { worker: { memoryLimit: values.worker.resources.limits.memory }, nodeOptions: values.worker.nodeOptions };
}

export async function startBenchStack(opts: BenchStackOptions = {}): Promise<BenchStack> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch((err: unknown) => console.error('cleanup:', err));
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'incident-bench-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const fake = await FakeSlack.start();
    cleanups.push(() => fake.stop());
    for (const [name, id] of Object.entries(USERS)) fake.addUser({ id, name, email: `${name}@example.com` });
    const channels = Array.from({ length: opts.channels ?? 10 }, (_, i) => fake.addChannel(`team-${i}`));
    const env = await startDevServer();
    cleanups.push(() => env.teardown());

    const signingSecret = randomBytes(16).toString('hex');
    const tokens = { ops: randomBytes(24).toString('hex'), alice: randomBytes(24).toString('hex') };
    writeFileSync(join(dir, 'bot-token'), fake.botToken);
    writeFileSync(join(dir, 'signing-secret'), signingSecret);
    const apiPort = await freePort();
    const sdkMetricsPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const raw = exampleRaw();
    raw.temporal = { address: env.address, namespace: 'default', taskQueue: 'incidents' };
    raw.dataDir = dir;
    raw.api = {
      host: '127.0.0.1',
      port: apiPort,
      publicUrl: apiUrl,
      tokens: [
        { name: 'ops', token: { fromEnv: 'BENCH_TOKEN_OPS' }, roles: ['admin'] },
        { name: 'alice', token: { fromEnv: 'BENCH_TOKEN_ALICE' }, person: 'alice' },
      ],
    };
    const workerPort = await freePort();
    const shipped = process.env.BENCH_MEMORY === 'shipped' && opts.workerNodeOptions === undefined ? shippedMemory() : undefined;
    raw.worker = { host: '127.0.0.1', port: workerPort, sdkMetricsPort, ...shipped?.worker, ...opts.worker };
    raw.alertUpdateDebounce = opts.alertUpdateDebounce ?? '2s'; // the shipped default
    for (const p of raw.people) p.chat = { slack: USERS[p.id as keyof typeof USERS] };
    raw.schedules = [{ id: 'primary', timezone: 'UTC', layers: [{ rotation: 'weekly', start: '2020-01-06', participants: ['alice'] }] }];
    raw.escalationPolicies = [{ id: 'default', levels: [{ targets: [{ schedule: 'primary' }], delay: opts.escalationDelay ?? '5m' }, { targets: [{ person: 'carol' }], delay: '10m' }], repeat: 0 }];
    raw.routing = {
      rules: channels.map((channel, i) => ({ name: `team-${i}`, match: { namespace: [`team-${i}`] }, channels: [{ platform: 'slack', channel }], policy: 'default' })),
      default: { channels: [{ platform: 'slack', channel: channels[0] }], policy: 'default' },
    };
    raw.platforms = {
      local: { enabled: false },
      slack: { enabled: true, botToken: { fromFile: join(dir, 'bot-token') }, signingSecret: { fromFile: join(dir, 'signing-secret') }, slackApiUrl: fake.apiUrl, rateLimits: { enabled: false } },
    };
    raw.autoResolve = { enabled: false, quietPeriod: '2m' };
    raw.clusters = [];
    raw.intake = { acceptUnknownClusters: true };
    delete raw.kubectl;
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, stringify(raw));

    const httpOk = (url: string) => async () => (await fetch(url)).ok;
    const worker = await startNodeProcess(entry('worker/main'), ['--config', configFile], httpOk(`http://127.0.0.1:${workerPort}/readyz`), { LOG_LEVEL: process.env.BENCH_WORKER_LOG ?? 'WARN', NODE_OPTIONS: opts.workerNodeOptions ?? shipped?.nodeOptions ?? '' });
    cleanups.push(() => worker.stop());
    let api: NodeProcess | undefined;
    if (opts.api) {
      api = await startNodeProcess(entry('api/main'), ['--config', configFile], httpOk(`${apiUrl}/healthz`), { LOG_LEVEL: 'info', BENCH_TOKEN_OPS: tokens.ops, BENCH_TOKEN_ALICE: tokens.alice });
      cleanups.push(() => api!.stop());
    }
    const rawCeiling = await RawCeiling.start(env.client, env.address, {}, shipped?.nodeOptions ?? '');
    cleanups.push(() => rawCeiling.stop());

    let n = 0;
    const channelSet = new Set(channels);
    return {
      env,
      fake,
      channels,
      raw: rawCeiling,
      worker,
      api,
      apiUrl,
      inbound: api ? new SlackInbound(fake, `${apiUrl}/slack/events`, signingSecret) : undefined,
      sdkMetricsPort,
      anomaly(i, overrides = {}) {
        const ns = `team-${i % channels.length}`;
        const name = `svc-${i}`;
        return anomaly({ cluster: 'bench', fingerprint: `crashloop-${ns}-${name}-${Date.now()}-${n++}`, resource: { kind: 'Pod', name: `${name}-7d9f-x`, namespace: ns }, owner: { kind: 'Deployment', name, namespace: ns }, ...overrides });
      },
      request: (path, as, json) =>
        fetch(`${apiUrl}${path}`, {
          method: json === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${tokens[as]}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
          body: json === undefined ? undefined : JSON.stringify(json),
        }),
      // The fake's ts has whole seconds; the call's arrival time is the alert's moment in ms.
      alerts: () =>
        fake.calls
          .filter((c) => c.method === 'chat.postMessage' && c.response.ok === true && !c.params.thread_ts && channelSet.has(String(c.params.channel)))
          .map((c) => ({ channel: String(c.params.channel), ts: String(c.response.ts), incidentId: incidentOf(c.params.metadata), at: c.at })),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
