// Fault 8, the worker host's wall clock jumps (test/helpers/faults-clock-preload.ts says what is
// simulated): +1 h while an incident waits for its level-1 deadline, then -10 min while another one
// waits. Escalation runs on Temporal's timers, so neither may escalate early (spurious) or never (a
// lost timer); then a burst of incidents opened after the backward jump must still be alerted and
// paged promptly.
// The burst runs through the worker's chat rate budgets against a fake enforcing Slack's limits: the
// budgets once refilled from Date.now() and stalled for as long as the clock went back (70 min here);
// this case found that (fixed in bf0b9b9: they count on the monotonic clock).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { anomaly } from '../helpers/anomaly';
import { TEST_DIR_PREFIX } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { expectNothingLostOrDuplicated, pagesFor, reportFigures, routeToFaultSlack, type SLACK_USERS, slackTally, startFaultSlack, writeProcessConfig, type FaultSlack } from '../helpers/faults';
import { openIncident } from '../helpers/incident';
import { startDevServer } from '../helpers/temporal';
import { killAllWorkerProcesses, startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const LEVEL1_MS = 8_000;
const BURST = 5;
const dir = mkdtempSync(join(tmpdir(), TEST_DIR_PREFIX));
const clockFile = join(dir, 'clock-offset');
let env: TestWorkflowEnvironment;
let slack: FaultSlack;
let worker: WorkerProcess;

beforeAll(async () => {
  env = await startDevServer();
  slack = await startFaultSlack({ rateLimits: true });
  const configFile = writeProcessConfig(dir, env.address, (raw) => routeToFaultSlack(raw, slack, dir, { level1: `${LEVEL1_MS / 1000}s`, level2: '1h' }));
  writeFileSync(clockFile, '0');
  worker = startWorkerProcess(configFile, {
    nodeArgs: ['-r', resolve(__dirname, '../helpers/faults-clock-preload.ts')],
    env: { FAULT_CLOCK_FILE: clockFile },
  });
  await worker.ready;
}, 120_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await env?.teardown();
  await slack?.fake.stop();
});

async function jump(offsetMs: number): Promise<void> {
  writeFileSync(clockFile, String(offsetMs));
  worker.child.kill('SIGUSR2');
  await eventually(() => worker.output().includes(`wall clock shifted by ${offsetMs} ms`), 'the worker taking the clock jump');
}
let n = 0;
const open = async () => {
  n += 1;
  return (await openIncident(env.client, anomaly({ cluster: 'clock', owner: { kind: 'Deployment', name: `svc-${n}`, namespace: 'shop' } }))).workflowId;
};
/** When the fake Slack received a person's page for an incident (its own, real clock). */
const pagedAt = (person: keyof typeof SLACK_USERS, id: string) =>
  eventually(() => {
    const page = slackTally(slack).pages[person]!.find((m) => String(m.metadata?.event_payload?.key).startsWith(`${id}@`));
    return page ? Number(page.ts) * 1000 : undefined;
  }, `the page to ${person}`, 60_000);

describe('a wall-clock jump on the worker host', () => {
  it('neither escalates early nor loses a timer, forward or backward, and keeps alerting', async () => {
    const forward = await open();
    const a1 = await pagedAt('alice', forward);
    await jump(3_600_000);
    const c1 = await pagedAt('carol', forward);

    const backward = await open();
    const a2 = await pagedAt('alice', backward);
    await jump(-600_000);
    const c2 = await pagedAt('carol', backward);
    // Escalation after the level-1 delay as Temporal counts it: not an hour early, not lost.
    for (const waited of [c1 - a1, c2 - a2]) {
      expect(waited).toBeGreaterThanOrEqual(LEVEL1_MS - 1_000);
      expect(waited).toBeLessThan(LEVEL1_MS + 20_000);
    }

    // A burst after the backward jump.
    const burstAt = Date.now();
    const burst = await Promise.all(Array.from({ length: BURST }, open));
    const ids = [forward, backward, ...burst];
    const done = () => burst.every((id) => slackTally(slack).alerted.has(id) && pagesFor(slackTally(slack), 'alice', id) === 1);
    await eventually(done, 'the burst alerted and paged', 90_000, 250).catch(() => undefined);
    const recoverMs = Date.now() - burstAt;
    await new Promise((r) => setTimeout(r, 2_000));

    const t = slackTally(slack);
    const figures = {
      incidents: ids.length,
      lost: ids.filter((id) => !t.alerted.has(id) || pagesFor(t, 'alice', id) === 0).length + [c1, c2].filter((c) => !c).length,
      duplicatePages: t.duplicatePages,
      duplicateMessages: t.duplicateMessages,
      recoverMs,
    };
    reportFigures('worker host clock +1 h / -10 min', figures);
    expect(pagesFor(t, 'carol', forward) + pagesFor(t, 'carol', backward)).toBe(2);
    expectNothingLostOrDuplicated(figures);
  }, 240_000);
});
