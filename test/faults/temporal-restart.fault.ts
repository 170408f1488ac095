// Fault 2, the Temporal dev server killed and restarted on its database file: three incidents wait
// for an ack when the server is SIGKILLed; it comes back on the same SQLite file and port. The
// incidents are still open, their escalation timers (due after the restart) fire once each, the
// worker process (never restarted) carries on, and a new incident is alerted again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { anomaly } from '../helpers/anomaly';
import { TEST_DIR_PREFIX } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { expectNothingLostOrDuplicated, pagesFor, reportFigures, routeToFaultSlack, slackTally, startFaultSlack, writeProcessConfig, type FaultSlack } from '../helpers/faults';
import { startTemporalProcess, type TemporalProcess } from '../helpers/faults-temporal';
import { openIncident } from '../helpers/incident';
import { killAllWorkerProcesses, startWorkerProcess } from '../helpers/worker-process';

const dir = mkdtempSync(join(tmpdir(), TEST_DIR_PREFIX));
let slack: FaultSlack;
let temporal: TemporalProcess;
let connection: Connection | undefined;
let configFile: string;

beforeAll(async () => {
  slack = await startFaultSlack();
  temporal = await startTemporalProcess(dir);
  // Level 1 waits past the kill and the restart, so the escalations are due on the restarted server.
  configFile = writeProcessConfig(dir, temporal.address, (raw) => routeToFaultSlack(raw, slack, dir, { level1: '25s', level2: '1h' }));
}, 120_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await connection?.close();
  await temporal?.kill();
  await slack?.fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

const opened = (client: Client, n: number) => openIncident(client, anomaly({ cluster: 'restart', resource: { kind: 'Pod', name: `svc-${n}-x`, namespace: 'shop' }, owner: { kind: 'Deployment', name: `svc-${n}`, namespace: 'shop' } }));

describe('the Temporal server killed and restarted on its database file', () => {
  it('keeps every open incident, fires each escalation once and alerts new incidents again', async () => {
    const worker = startWorkerProcess(configFile);
    await worker.ready;
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const ids = await Promise.all([1, 2, 3].map(async (n) => (await opened(client, n)).workflowId));
    const tally = () => slackTally(slack);
    await eventually(() => ids.every((id) => tally().alerted.has(id) && pagesFor(tally(), 'alice', id) === 1), 'three incidents alerted and paged');

    await temporal.kill();
    await new Promise((r) => setTimeout(r, 3_000));
    const restartedAt = Date.now();
    await temporal.start();

    // The worker process outlived the outage and works on the restarted server.
    const fourth = (await eventually(() => opened(client, 4), 'a new incident accepted by the restarted server', 30_000)).workflowId;
    await eventually(() => tally().alerted.has(fourth) && pagesFor(tally(), 'alice', fourth) === 1, 'the new incident alerted and paged', 60_000);
    const recoverMs = Date.now() - restartedAt;
    expect(worker.child.exitCode).toBeNull();

    const running = await Promise.all(ids.map(async (id) => (await client.workflow.getHandle(id).describe()).status.name));
    expect(running).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    await eventually(() => ids.every((id) => pagesFor(tally(), 'carol', id) === 1), 'each escalation to carol', 60_000);
    await new Promise((r) => setTimeout(r, 2_000)); // a repeated escalation or post would come within this

    const t = tally();
    const all = [...ids, fourth];
    const figures = {
      incidents: all.length,
      lost: ids.filter((id, i) => running[i] !== 'RUNNING' || pagesFor(t, 'carol', id) === 0).length + (t.alerted.has(fourth) ? 0 : 1),
      duplicatePages: t.duplicatePages,
      duplicateMessages: t.duplicateMessages,
      recoverMs,
    };
    reportFigures('Temporal server killed and restarted on its db file', figures);
    expectNothingLostOrDuplicated(figures);
    await worker.kill('SIGTERM');
  }, 240_000);
});
