// Which Temporal task priority the incident workflow gives each activity, read from its history on
// a real dev server: first alerts and pages by severity (critical 1, error 2, others 3) ahead of card
// updates, thread replies and diagnostics (4), event sinks last (5). The server dispatches a
// backlog in this order (bench/priority.ts measures it) and the chat budgets queue by it.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer, runTestWorker, type RunningWorker } from '../helpers/temporal';
import { eventually } from '../helpers/eventually';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { MemoryChat } from '../fakes/memory-chat';
import { acknowledgeUpdate, type Severity } from '../../workflows/definitions';
import { actor } from '../helpers/actors';

let env: TestWorkflowEnvironment;
let worker: RunningWorker | undefined;
const chat = new MemoryChat();

beforeAll(async () => {
  env = await startDevServer();
  worker = await runTestWorker(env, { config: testConfig(), platforms: { local: chat } });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

type Handle = Awaited<ReturnType<typeof openIncident>>;
/** Activity type -> priority keys it was scheduled with, once the incident was alerted, paged and updated. */
async function priorities(severity: Severity, handle?: Handle): Promise<Record<string, number[]>> {
  handle ??= await openIncident(env.client, anomaly({ severity }));
  return eventually(async () => {
    const out: Record<string, number[]> = {};
    for (const e of (await handle.fetchHistory()).events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a?.activityType?.name) (out[a.activityType.name] ??= []).push(a.priority?.priorityKey ?? 0);
    }
    return ['postAlert', 'pagePerson', 'updateAlerts', 'diagnoseAndReply', 'publishEvents'].every((t) => out[t]) && out;
  }, `the ${severity} incident's activities`, 30_000, 200);
}

describe('activity priorities', () => {
  it.each([
    ['critical', 1],
    ['error', 2],
    ['warning', 3],
    ['info', 3],
  ] as const)('schedules a %s alert and page at key %i, updates and diagnostics with their digest reply at 4, event sinks at 5', async (severity, urgent) => {
    const p = await priorities(severity);
    expect(new Set(p.postAlert)).toEqual(new Set([urgent]));
    expect(new Set(p.pagePerson)).toEqual(new Set([urgent]));
    for (const later of ['updateAlerts', 'diagnoseAndReply']) expect({ [later]: new Set(p[later]) }).toEqual({ [later]: new Set([4]) });
    expect(new Set(p.publishEvents)).toEqual(new Set([5]));
  }, 60_000);

  it.each([
    ['critical', 1],
    ['error', 2],
    ['warning', 3],
  ] as const)('starts a %s incident at key %i, so its workflow tasks (escalation timers too) go by severity under a burst', async (severity, key) => {
    const handle = await openIncident(env.client, anomaly({ severity }));
    const started = ((await handle.fetchHistory()).events ?? [])[0]!.workflowExecutionStartedEventAttributes!;
    expect(started.priority?.priorityKey).toBe(key);
  }, 30_000);

  it('schedules the card update for a person’s ack at key 2, ahead of debounced updates', async () => {
    const handle = await openIncident(env.client, anomaly({ severity: 'warning' }));
    const before = await priorities('warning', handle);
    expect(new Set(before.updateAlerts)).toEqual(new Set([4]));
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    // The first card update scheduled after the ack was accepted is the one the ack triggered.
    const key = await eventually(async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      const next = events.slice(accepted + 1).find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'updateAlerts');
      return accepted >= 0 && next && String(next.activityTaskScheduledEventAttributes!.priority?.priorityKey);
    }, 'the card update for the ack', 20_000, 200);
    expect(key).toBe('2');
  }, 60_000);
});
