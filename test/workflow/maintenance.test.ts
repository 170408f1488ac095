// A recurring maintenance window on the time-skipping server: the config's cron (read by the real
// routing lookup, a local activity) holds a matching incident back until the occurrence ends, then
// the real incident workflow alerts and pages. The test only builds the config, skips time and reads chat and state.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { timeSkippingServerPerTest } from '../helpers/time-skipping-per-test';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { MemoryChat } from '../fakes/memory-chat';
import { stateQuery } from '../../workflows/definitions';
import { until } from '../helpers/eventually';

const MIN = 60_000;
const TZ = 'America/New_York';
let env: TestWorkflowEnvironment;
let chat: MemoryChat;
/** This occurrence's start: two minutes before the server started, to the minute (New York's offset is whole hours). */
let occurrenceStart: number;

/** The weekly cron whose occurrence began at `startMs`, read in New York: "<minute> <hour> * * <weekday name>". */
function weeklyCronAt(startMs: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: TZ, hourCycle: 'h23', weekday: 'short', hour: 'numeric', minute: 'numeric' })
      .formatToParts(startMs)
      .map((p) => [p.type, p.value]),
  );
  return `${Number(parts.minute)} ${Number(parts.hour) % 24} * * ${parts.weekday!.toUpperCase()}`;
}

const alertsOf = (h: WorkflowHandle) => chat.alerts().filter((m) => m.key.startsWith(`${h.workflowId}@`));
const pagesOf = (h: WorkflowHandle) => chat.dms.filter((d) => d.key.startsWith(`${h.workflowId}@`));

describe('a recurring maintenance window on the time-skipping server', () => {
  timeSkippingServerPerTest((e) => {
    env = e;
    chat = new MemoryChat();
    // The server's clock starts at the real time, so the occurrence is built around it.
    occurrenceStart = Math.floor(Date.now() / MIN) * MIN - 2 * MIN;
    const config = testConfig((raw) => {
      raw.alertUpdateDebounce = '0ms'; // see silences.test.ts: the time-skipping server and a cancelled debounce timer
      raw.maintenance = [{ name: 'weekly-patch', matcher: '{cluster="maint-test", namespace="shop"}', schedule: { cron: weeklyCronAt(occurrenceStart), duration: '30m', timezone: TZ }, reason: 'OS patches' }];
    });
    return { config, platforms: { local: chat }, pagers: {}, eventSinks: [] };
  });

  it('holds a matching incident back until the occurrence ends, then alerts and pages; others alert at once', async () => {
    const end = occurrenceStart + 30 * MIN;
    expect(await env.currentTimeMs()).toBeLessThan(end - 10 * MIN); // the server's clock is inside the occurrence
    const held = await openIncident(env.client, anomaly({ cluster: 'maint-test' }));
    const other = await openIncident(env.client, anomaly({ cluster: 'maint-test', resource: { kind: 'Pod', name: 'web-1', namespace: 'web' }, owner: undefined }));

    const state = await until('the held incident to record its hold', () => held.query(stateQuery), (s) => s.timeline.some((e) => e.type === 'silenced'));
    expect(state.silenced).toMatchObject({ id: 'maintenance:weekly-patch', until: new Date(end).toISOString(), matcher: '{cluster="maint-test", namespace="shop"}', reason: 'OS patches' });
    await until('the other incident to alert', () => alertsOf(other).length, (n) => n === 1);
    expect(alertsOf(held)).toHaveLength(0);
    expect(pagesOf(held)).toHaveLength(0);

    // Still inside the occurrence: nothing yet.
    await env.sleep(end - (await env.currentTimeMs()) - 5 * MIN);
    await new Promise((r) => setTimeout(r, 500));
    expect(alertsOf(held)).toHaveLength(0);
    expect(pagesOf(held)).toHaveLength(0);

    // The occurrence ends with the problem still there: the alert and the page go out.
    await env.sleep(5 * MIN + 1_000);
    await until('the alert after the window', () => alertsOf(held).length, (n) => n === 1);
    await until('the page after the window', () => pagesOf(held).map((p) => p.user), (u) => u.join() === 'alice');
    const after = await held.query(stateQuery);
    expect(after.timeline.find((e) => e.type === 'unsilenced')).toMatchObject({ data: { silence: 'maintenance:weekly-patch', occurrences: 1 } });
  });
});
