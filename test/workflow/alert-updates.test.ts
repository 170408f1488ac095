// How fast the alert card follows the incident, on a real Temporal dev server with the real workflow
// code: a person's ack, hand-off or resolve updates the card at once, occurrences still wait for
// `alertUpdateDebounce` and coalesce into one update, a storm of them backs off (the wait doubles
// per update) and comes back once quiet, and a zero debounce starts no timer at all.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { startDevServer, runTestWorker, replayWorkflowCode, type RunningWorker } from '../helpers/temporal';
import { eventually } from '../helpers/eventually';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { actor } from '../helpers/actors';
import { MemoryChat, type RecordedMessage } from '../fakes/memory-chat';
import { acknowledgeUpdate, handoffUpdate, occurrenceSignal, resolveUpdate } from '../../workflows/definitions';
import type { incidentWorkflow } from '../../workflows/incident';
import { PATCH } from '../../workflows/versioning';
import type { Config } from '../../config/schema';

let env: TestWorkflowEnvironment;
let worker: RunningWorker | undefined;
const chat = new MemoryChat();
const withDebounce = (d: string) => testConfig((raw) => (raw.alertUpdateDebounce = d));
const configs = { minute: withDebounce('1m'), zero: withDebounce('0ms'), quarter: withDebounce('250ms') };
// Read per incident start (routing answers the debounce), so each test picks its own.
let current: Config = configs.minute;

beforeAll(async () => {
  env = await startDevServer();
  worker = await runTestWorker(env, { config: () => current, platforms: { local: chat } });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

/** The patch ids of a history's `patched()` markers, in order. */
function patchIds(events: temporal.api.history.v1.IHistoryEvent[]): string[] {
  const markers = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
  const payloads = markers.flatMap((m) => Object.values(m.markerRecordedEventAttributes!.details ?? {}).flatMap((p) => p.payloads ?? []));
  return payloads.map((p) => (JSON.parse(Buffer.from(p.data!).toString()) as { id: string }).id);
}

async function alerted(): Promise<{ handle: WorkflowHandle<typeof incidentWorkflow>; alert: RecordedMessage }> {
  const handle = await openIncident(env.client, anomaly());
  const alert = await eventually(() => chat.alerts().find((m) => m.card?.incidentId === handle.workflowId), 'the alert');
  await eventually(() => chat.dms.some((d) => d.key.startsWith(`${alert.key.replace(/\/alert$/, '')}/page/`)), 'the first page');
  return { handle, alert };
}

describe('alert card updates', () => {
  it('shows an ack within seconds although occurrences wait a minute, carrying the occurrences that waited in the same update', async () => {
    current = configs.minute;
    const { handle, alert } = await alerted();
    for (let i = 0; i < 5; i++) await handle.signal(occurrenceSignal, anomaly({ fingerprint: 'ignored' }));
    await new Promise((r) => setTimeout(r, 1_500)); // long enough for an undebounced update to show
    expect(alert.updates).toBe(0); // the occurrences (and the page) are still waiting for the debounce
    expect(alert.card!.occurrences).toBe(1);

    const acked = Date.now();
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    await eventually(() => alert.card!.status === 'acknowledged', 'the acknowledged card', 10_000);
    expect(Date.now() - acked).toBeLessThan(10_000); // the debounce is 60 s
    expect(alert.updates).toBe(1);
    expect(alert.card!.occurrences).toBe(6);
  }, 60_000);

  it('shows a hand-off and a resolve at once, too', async () => {
    current = configs.minute;
    const { handle, alert } = await alerted();
    await handle.executeUpdate(handoffUpdate, { args: [{ actor: actor('alice'), to: 'bob', toRequested: '@bob', note: 'shift ends' }] });
    await eventually(() => alert.card!.handoffPending === true, 'the handed-off card', 10_000);
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('bob'), summary: 'rolled back' }] });
    await eventually(() => alert.card!.status === 'resolved', 'the resolved card', 10_000);
  }, 60_000);

  it('backs off during a storm of occurrences, and waits the debounce again once the incident is quiet', async () => {
    current = configs.quarter;
    const { handle, alert } = await alerted();
    const storm = 40;
    for (let i = 0; i < storm; i++) {
      await handle.signal(occurrenceSignal, anomaly({ fingerprint: 'ignored' }));
      await new Promise((r) => setTimeout(r, 75));
    }
    await eventually(() => alert.card!.occurrences === storm + 1, 'every occurrence of the storm on the card', 30_000);
    const stormUpdates = alert.updates;
    const debounceWaits = async () => {
      const { events } = await handle.fetchHistory();
      const ms = events!.filter((e) => e.timerStartedEventAttributes).map((e) => {
        const t = e.timerStartedEventAttributes!.startToFireTimeout!;
        return Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6);
      });
      return { waits: ms.filter((m) => m < 300_000), events: events! }; // not the level-1 escalation wait (5m)
    };
    const during = (await debounceWaits()).waits;
    // Each wait doubles the one before while changes keep coming (the storm lasted about 3 s).
    // (the alert, page and diagnostics before it waited 250 ms each: system changes are not a storm)
    expect(during.join(',')).toContain('250,500,1000,2000');
    // An undebounced 250 ms would have updated the card about a dozen times for the storm.
    expect(stormUpdates).toBeLessThanOrEqual(during.length);
    expect(stormUpdates).toBeLessThan(8);

    // Quiet for longer than the last wait: the next occurrence waits the debounce again.
    await new Promise((r) => setTimeout(r, during.at(-1)! + 500));
    await handle.signal(occurrenceSignal, anomaly({ fingerprint: 'ignored' }));
    await eventually(() => alert.card!.occurrences === storm + 2, 'the occurrence after the storm on the card', 10_000);
    const after = await debounceWaits();
    expect(after.waits.at(-1)).toBe(250);
    expect(patchIds(after.events).filter((id) => id === PATCH.stormBackoff)).toHaveLength(1);
    // The history the backoff wrote replays on the same code (its waits come from workflow time only).
    await Worker.runReplayHistory(replayWorkflowCode(), await handle.fetchHistory());
  }, 90_000);

  it('starts no timer for updates when the debounce is zero, and records the patch marker', async () => {
    current = configs.zero;
    const { handle, alert } = await alerted();
    await handle.signal(occurrenceSignal, anomaly({ fingerprint: 'ignored' }));
    await eventually(() => alert.card!.occurrences === 2, 'the occurrence on the card');
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    await eventually(() => alert.card!.status === 'acknowledged', 'the acknowledged card');
    const { events } = await handle.fetchHistory();
    const timers = events!.filter((e) => e.timerStartedEventAttributes).map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds));
    expect(timers).toEqual([300]); // only the level-1 escalation wait (5m); no debounce timer
    expect(patchIds(events!).filter((id) => id === PATCH.instantHumanUpdates)).toHaveLength(1);
  }, 60_000);
});
