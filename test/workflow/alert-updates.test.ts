// How fast the alert card follows the incident, on a real Temporal dev server with the real workflow
// code: a person's ack, hand-off or resolve updates the card at once, occurrences still wait for
// `alertUpdateDebounce` and coalesce into one update, and a zero debounce starts no timer at all.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { startDevServer, runTestWorker, type RunningWorker } from '../helpers/temporal';
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
const configs = { minute: withDebounce('1m'), zero: withDebounce('0ms') };
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
    const markers = events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
    const payloads = markers.flatMap((m) => Object.values(m.markerRecordedEventAttributes!.details ?? {}).flatMap((p) => p.payloads ?? []));
    const ids = payloads.map((p) => (JSON.parse(Buffer.from(p.data!).toString()) as { id: string }).id);
    expect(ids.filter((id) => id === PATCH.instantHumanUpdates)).toHaveLength(1);
  }, 60_000);
});
