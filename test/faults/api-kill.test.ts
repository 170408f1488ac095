// Fault 3, api killed mid-request (in `make test` too): the api PROCESS takes an anomaly, Temporal carries out its
// signal-with-start, but the answer is held back (a proxy between the api and Temporal) and the api
// is SIGKILLed before it could answer 202. The client sees a broken connection and retries the same
// anomaly against a new api process: the same incident answers, no second one opens, and chat gets
// one alert and one page.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { incidentWorkflowId } from '../../workflows/definitions';
import { anomaly } from '../helpers/anomaly';
import { TEST_DIR_PREFIX, testConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { expectNothingLostOrDuplicated, pagesFor, reportFigures, routeToFaultSlack, slackTally, startFaultSlack, writeProcessConfig, type FaultSlack } from '../helpers/faults';
import { HoldingProxy } from '../helpers/faults-proxy';
import { runTestWorker, startDevServer, type RunningWorker } from '../helpers/temporal';
import { killAllWorkerProcesses, startNodeProcess } from '../helpers/worker-process';
import { runsOf } from '../integration/watcher/helpers';

const DELAYS = { level1: '1h', level2: '1h' };
const TOKEN = randomBytes(24).toString('hex');
let slack: FaultSlack;
let env: TestWorkflowEnvironment;
let proxy: HoldingProxy;
let worker: RunningWorker;
let configFile: string;

beforeAll(async () => {
  slack = await startFaultSlack();
  env = await startDevServer();
  proxy = await HoldingProxy.start(env.address);
  // The worker talks to Temporal directly: only the api's answers are held back.
  const config = testConfig((raw) => routeToFaultSlack(raw, slack, raw.dataDir, DELAYS));
  worker = await runTestWorker(env, { config });
  const dataDir = mkdtempSync(join(tmpdir(), TEST_DIR_PREFIX));
  configFile = writeProcessConfig(dataDir, proxy.address, (raw) => {
    routeToFaultSlack(raw, slack, dataDir, DELAYS);
    raw.api = { host: '127.0.0.1', port: 0, tokens: [{ name: 'ops', token: { fromEnv: 'FAULT_OPS_TOKEN' }, roles: ['admin'] }] };
  });
}, 120_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await worker?.stop();
  await proxy?.stop();
  await env?.teardown();
  await slack?.fake.stop();
});

async function startApi(): Promise<string> {
  const api = startNodeProcess('api/main.ts', ['--config', configFile], /Server listening at (http:\/\/127\.0\.0\.1:\d+)/, { env: { FAULT_OPS_TOKEN: TOKEN, LOG_LEVEL: 'info' } });
  const url = (await api.ready)[1]!;
  apis.push(api);
  return url;
}
const apis: ReturnType<typeof startNodeProcess>[] = [];

const post = (url: string, body: unknown) =>
  fetch(`${url}/api/anomalies`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('an api process killed mid-request', () => {
  it('opens one incident when the client retries the same anomaly against a new api', async () => {
    const first = await startApi();
    const a = anomaly({ cluster: 'api-kill' });
    const id = incidentWorkflowId(a.cluster, a.fingerprint);

    proxy.hold();
    const inFlight = post(first, a).then((r) => r.status, (err: Error) => err.message);
    // Temporal has the incident, the api has not answered yet.
    await eventually(async () => (await env.client.workflow.getHandle(id).describe()).status.name === 'RUNNING', 'the incident started by the held request');
    await apis[0]!.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await inFlight).toMatch(/fetch failed|socket|terminated/i);
    proxy.release();

    const second = await startApi();
    const retried = await post(second, a);
    expect(retried.status).toBe(202);
    expect(((await retried.json()) as { incidentId: string }).incidentId).toBe(id);
    const recoverMs = Date.now() - killedAt;

    await eventually(() => slackTally(slack).alerted.has(id) && pagesFor(slackTally(slack), 'alice', id) === 1, 'the alert and the page', 30_000);
    const runs = await eventually(async () => {
      const r = await runsOf(env.client, 'api-kill');
      return r.length ? r : undefined;
    }, 'the incident in visibility');
    expect(runs).toEqual([expect.objectContaining({ workflowId: id })]);
    await new Promise((r) => setTimeout(r, 1_000)); // a second alert would come within this

    const t = slackTally(slack);
    const figures = { incidents: 1, lost: t.alerted.has(id) ? 0 : 1, duplicatePages: t.duplicatePages, duplicateMessages: t.duplicateMessages, recoverMs };
    reportFigures('api killed mid-request', figures);
    expectNothingLostOrDuplicated(figures);
    expect(runs).toHaveLength(1);
  }, 120_000);
});
