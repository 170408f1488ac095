// Tracing between real processes, turned on only by the standard environment: the api and the
// worker run as their own processes (api/main.ts, worker/main.ts) with OTEL_TRACES_EXPORTER=otlp
// and export over OTLP/HTTP to a strict stand-in collector on loopback. A signed Slack Ack click's
// trace crosses from the api process to the worker process through Temporal's headers alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEST_DIR_PREFIX } from '../../helpers/config';
import { eventually } from '../../helpers/eventually';
import { anomaly } from '../../helpers/anomaly';
import { routeToFaultSlack, SLACK_USERS, startFaultSlack, writeProcessConfig, type FaultSlack } from '../../helpers/faults';
import { startDevServer } from '../../helpers/temporal';
import { killAllWorkerProcesses, startNodeProcess, type NodeProcess } from '../../helpers/worker-process';
import { SlackInbound } from '../../fakes/slack/inbound';
import { FakeCollector, type CollectedSpan } from './otlp-collector';

const SIGNING_SECRET = 'fault-suite-signing-secret'; // what routeToFaultSlack configures
const OPS_TOKEN = 'trace-processes-ops-token-0123456789';
let env: TestWorkflowEnvironment;
let slack: FaultSlack;
let collector: FakeCollector;
let dataDir: string;
let api: NodeProcess;
let worker: NodeProcess;
let apiUrl: string;

beforeAll(async () => {
  collector = await FakeCollector.start();
  slack = await startFaultSlack();
  env = await startDevServer();
  dataDir = mkdtempSync(join(tmpdir(), TEST_DIR_PREFIX));
  const configFile = writeProcessConfig(dataDir, env.address, (raw) => {
    routeToFaultSlack(raw, slack, dataDir, { level1: '1h', level2: '1h' });
    raw.alertUpdateDebounce = '0s'; // each change updates the card at once, so the incident goes quiet
    raw.api = { host: '127.0.0.1', port: 0, tokens: [{ name: 'ops', token: { fromEnv: 'TRACE_OPS_TOKEN' }, roles: ['admin'] }] };
  });
  // Short batches, so spans leave while the test waits; the shutdown flushes the rest.
  const otel = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '200', LOG_LEVEL: 'info', TRACE_OPS_TOKEN: OPS_TOKEN };
  api = startNodeProcess('api/main.ts', ['--config', configFile], /Server listening at (http:\/\/127\.0\.0\.1:\d+)/, { env: otel });
  worker = startNodeProcess('worker/main.ts', ['--config', configFile], /worker polling/, { env: otel });
  apiUrl = (await api.ready)[1]!;
  await worker.ready;
}, 150_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await env?.teardown();
  await slack?.fake.stop();
  await collector?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function childOf(spans: CollectedSpan[], parent: CollectedSpan, name: string): CollectedSpan {
  const found = spans.filter((s) => s.name === name && s.parentSpanId === parent.spanId);
  if (found.length !== 1) throw new Error(`expected one "${name}" under "${parent.name}", found ${found.length}; with that name: ${JSON.stringify(spans.filter((s) => s.name === name))}`);
  return found[0]!;
}

it('exports one connected trace of an Ack click from the api process and the worker process to the collector', async () => {
  const res = await fetch(`${apiUrl}/api/anomalies`, { method: 'POST', headers: { authorization: `Bearer ${OPS_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(anomaly()) });
  expect(res.status).toBe(202);
  const id = ((await res.json()) as { incidentId: string }).incidentId;
  const alert = await eventually(async () => slack.fake.messages(slack.channel)[0], 'the alert in Slack', 60_000);
  await eventually(async () => slack.fake.dms(SLACK_USERS.alice).length > 0, 'the page to alice', 30_000);
  await eventually(async () => {
    const d = await env.client.workflow.getHandle(id).describe();
    return (d.raw.pendingActivities ?? []).length === 0 && !d.raw.pendingWorkflowTask;
  }, 'the incident quiet');

  const click = await new SlackInbound(slack.fake, `${apiUrl}/slack/events`, SIGNING_SECRET).click(SLACK_USERS.alice, slack.channel, alert.ts, 'incident:ack');
  expect(click.status).toBe(200);
  await eventually(async () => JSON.stringify(slack.fake.messages(slack.channel)[0]!.blocks).includes('Acknowledged by'), 'the card showing the ack', 30_000);
  // A graceful stop flushes what is still batched.
  await api.kill('SIGTERM');
  await worker.kill('SIGTERM');

  const spans = collector.spans;
  expect(collector.refused).toEqual([]);
  const request = spans.find((s) => s.name === 'POST /slack/events')!;
  expect(request).toMatchObject({ service: 'k8s-incident-flow-api', parentSpanId: undefined });
  const update = childOf(spans, request, 'StartWorkflowUpdate:acknowledge');
  expect(update.service).toBe('k8s-incident-flow-api');
  const handler = childOf(spans, update, 'HandleUpdate:acknowledge');
  const run = childOf(spans, childOf(spans, handler, 'StartActivity:updateAlerts'), 'RunActivity:updateAlerts');
  const call = childOf(spans, run, 'chat updateAlert');
  for (const s of [handler, run, call]) expect(s.service).toBe('k8s-incident-flow-worker');
  expect(call.attributes).toMatchObject({ 'incident.call.platform': 'slack', 'incident.call.outcome': 'ok' });
  for (const s of [update, handler, run, call]) expect(s.traceId).toBe(request.traceId);
  // The bot token and the api token never went into a span.
  const text = JSON.stringify(spans);
  expect(text).not.toContain(slack.fake.botToken);
  expect(text).not.toContain(OPS_TOKEN);
}, 180_000);
