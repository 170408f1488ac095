// Fault 1, worker SIGKILL mid-escalation (in `make test` too): the worker PROCESS is killed (no
// goodbye) while an incident waits for an ack, the escalation deadline passes while no worker runs,
// and a new worker process picks the incident up: it escalates exactly once and nobody is paged twice.
// Chat is the strict fake Slack, which (unlike the local chat) does not dedupe by key, so a repeated
// post would show.
import { eventually, startStack, type Stack } from '../helpers/stack';
import { anomaly } from '../helpers/anomaly';
import { expectNothingLostOrDuplicated, pagesFor, reportFigures, routeToFaultSlack, slackTally, startFaultSlack, type FaultSlack } from '../helpers/faults';
import { killAllWorkerProcesses, startWorkerProcess, writeWorkerConfig } from '../helpers/worker-process';

let slack: FaultSlack;
let stack: Stack;
let configFile: string;
const DELAYS = { level1: '4s', level2: '1h' };

beforeAll(async () => {
  slack = await startFaultSlack();
  stack = await startStack({ worker: false, config: (raw) => routeToFaultSlack(raw, slack, raw.dataDir, DELAYS) });
  configFile = writeWorkerConfig(stack, (raw) => routeToFaultSlack(raw, slack, stack.dataDir, DELAYS));
}, 120_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await stack?.stop();
  await slack?.fake.stop();
});

async function incident(id: string): Promise<{ postmortemId?: string; timeline: { type: string; at: string }[] }> {
  const res = await stack.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' });
  return (await res.json()) as { postmortemId?: string; timeline: { type: string; at: string }[] };
}

describe('a worker process killed mid-escalation', () => {
  it('is replaced by a new process that escalates once, without posting or paging anyone twice', async () => {
    const first = startWorkerProcess(configFile);
    await first.ready;
    const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'durable' }) });
    expect(res.status).toBe(202);
    const { incidentId } = (await res.json()) as { incidentId: string };
    await eventually(() => pagesFor(slackTally(slack), 'alice', incidentId) === 1, 'the page to alice');
    // Killed while the incident only waits for the ack: paged and diagnosed, no activity in flight
    // (one would be retried only after its 30 s heartbeat timeout, and the postmortem waits for
    // diagnostics). Its level-1 timer is running.
    const paged = await eventually(async () => {
      const s = await incident(incidentId);
      const idle = (await stack.client.workflow.getHandle(incidentId).describe()).raw.pendingActivities?.length === 0;
      return idle && s.timeline.some((e) => e.type === 'diagnostics') && s.timeline.find((e) => e.type === 'paged');
    }, 'the incident waiting for the ack');

    await first.kill('SIGKILL');
    // The 4s escalation deadline passes while no worker is running.
    await new Promise((r) => setTimeout(r, Date.parse(paged.at) + 5_000 - Date.now()));
    expect(pagesFor(slackTally(slack), 'carol', incidentId)).toBe(0);

    const restartedAt = Date.now();
    const second = startWorkerProcess(configFile);
    await second.ready;
    // If the kill landed between alice's DM and the end of that page activity, the page is retried
    // only after its 30 s heartbeat timeout, and carol's level-2 page follows 4 s later.
    await eventually(() => pagesFor(slackTally(slack), 'carol', incidentId) === 1, 'the level-2 page to carol after the restart', 50_000);
    const recoverMs = Date.now() - restartedAt;

    const ack = await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}/ack`, { token: 'carol', json: {} });
    expect(((await ack.json()) as { outcome: string }).outcome).toBe('done');
    const resolved = await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}/resolve`, { token: 'carol', json: { summary: 'restarted the node' } });
    expect(resolved.status).toBe(200);
    const state = await eventually(async () => {
      const s = await incident(incidentId);
      return s.postmortemId ? s : undefined;
      // A generous wait: under a full parallel run the new worker process shares two cores with other suites.
    }, 'the postmortem', 60_000);
    expect(state.timeline.filter((e) => e.type === 'paged')).toHaveLength(2);

    const t = slackTally(slack);
    expect([pagesFor(t, 'alice', incidentId), pagesFor(t, 'carol', incidentId)]).toEqual([1, 1]);
    const figures = { incidents: 1, lost: t.alerted.has(incidentId) ? 0 : 1, duplicatePages: t.duplicatePages, duplicateMessages: t.duplicateMessages, recoverMs };
    reportFigures('worker SIGKILL mid-escalation', figures);
    expectNothingLostOrDuplicated(figures);
    await second.kill('SIGTERM');
  }, 180_000);
});
