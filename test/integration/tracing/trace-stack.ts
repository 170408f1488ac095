// The product with tracing on, in one process: a real Temporal dev server, the real api (its
// Client built by temporal/connection.ts, so with the tracing interceptors) and the real worker
// (tracing interceptors, the workflow interceptor module bundled from sources, the span sink),
// Slack as the strict fake. Every span of api, workflow and activities lands in one in-memory
// exporter; the trace still crosses Temporal only through the headers, as between processes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../../api/server';
import { createTemporalClient } from '../../../temporal/connection';
import { startTracing, stopTracing, type Tracing } from '../../../telemetry/tracing';
import { createIncidentWorker } from '../../../worker/worker';
import { SlackInbound } from '../../fakes/slack/inbound';
import { FakeSlack } from '../../fakes/slack/server';
import { anomaly } from '../../helpers/anomaly';
import { testConfig } from '../../helpers/config';
import { startDevServer } from '../../helpers/temporal';

export const ALICE = 'U0ALICE01';
const TOKEN_ENV = { ops: 'TRACE_STACK_OPS_TOKEN', alice: 'TRACE_STACK_ALICE_TOKEN' } as const;

export interface TraceStack {
  env: TestWorkflowEnvironment;
  client: Client;
  api: FastifyInstance;
  fake: FakeSlack;
  inbound: SlackInbound;
  channel: string;
  tracing: Tracing;
  signingSecret: string;
  tokens: Record<keyof typeof TOKEN_ENV, string>;
  /** Everything exported so far (flushes first). */
  spans(): Promise<ReadableSpan[]>;
  /** POST /api/anomalies with the service token; returns the incident (workflow) id. */
  report(): Promise<string>;
  /** POST a JSON body to the api as `who` (ops: the service token; alice: her own). */
  post(path: string, who: keyof typeof TOKEN_ENV, body: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTraceStack(): Promise<TraceStack> {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    const env = await startDevServer();
    cleanups.push(() => env.teardown());
    const fake = await FakeSlack.start();
    cleanups.push(() => fake.stop());
    fake.addUser({ id: ALICE, name: 'alice', email: 'alice@example.com' });
    const channel = fake.addChannel('tracing');
    const secrets = mkdtempSync(join(tmpdir(), 'trace-stack-'));
    cleanups.push(() => rmSync(secrets, { recursive: true, force: true }));
    const signingSecret = randomBytes(16).toString('hex');
    writeFileSync(join(secrets, 'bot-token'), fake.botToken);
    writeFileSync(join(secrets, 'signing-secret'), signingSecret);
    const tokens = { ops: randomBytes(24).toString('hex'), alice: randomBytes(24).toString('hex') };

    const config = testConfig((raw) => {
      raw.api = {
        host: '127.0.0.1',
        port: 0,
        tokens: [
          { name: 'ops', token: { fromEnv: TOKEN_ENV.ops }, roles: ['admin'] },
          { name: 'alice', token: { fromEnv: TOKEN_ENV.alice }, person: 'alice' },
        ],
      };
      for (const p of raw.people) if (p.id === 'alice') p.chat = { ...p.chat, slack: ALICE };
      raw.platforms.slack = {
        enabled: true,
        mode: 'http',
        botToken: { fromFile: join(secrets, 'bot-token') },
        signingSecret: { fromFile: join(secrets, 'signing-secret') },
        slackApiUrl: fake.apiUrl,
      };
      raw.routing = { rules: [], default: { channels: [{ platform: 'slack', channel }], policy: 'default' } };
      // No debounce timer: a card update follows each change at once, so the stack goes quiet.
      raw.alertUpdateDebounce = '0s';
    });
    cleanups.push(() => rmSync(config.dataDir, { recursive: true, force: true }));

    const exporter = new InMemorySpanExporter();
    const tracing = await startTracing({ enabled: true, serviceName: 'trace-test', destination: 'memory' }, { spanProcessor: new SimpleSpanProcessor(exporter) });
    if (!tracing) throw new Error('tracing did not start');
    cleanups.push(() => stopTracing());

    const client = createTemporalClient(env.connection, 'default');
    const api = await buildApi({ config, client, env: { [TOKEN_ENV.ops]: tokens.ops, [TOKEN_ENV.alice]: tokens.alice } });
    cleanups.push(() => api.close());
    await api.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    config.platforms.local.url = url;
    config.api.publicUrl = url;

    // From sources: the run's shared test bundle has no tracing interceptors.
    const worker = await createIncidentWorker({ connection: env.nativeConnection, namespace: 'default', config, fromSources: true });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const post: TraceStack['post'] = (path, who, body) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    return {
      env,
      client,
      api,
      fake,
      channel,
      tracing,
      signingSecret,
      tokens,
      inbound: new SlackInbound(fake, `${url}/slack/events`, signingSecret),
      async spans() {
        await tracing.flush();
        return exporter.getFinishedSpans();
      },
      post,
      async report() {
        const res = await post('/api/anomalies', 'ops', anomaly({ resource: { kind: 'Pod', name: 'checkout-7d9f-abc', namespace: 'shop' } }));
        if (res.status !== 202) throw new Error(`POST /api/anomalies answered ${res.status}: ${await res.text()}`);
        return ((await res.json()) as { incidentId: string }).incidentId;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
