// Escalation over workflow time on the time-skipping test server: timers fire when the test skips
// time, so minutes-long ladders run in milliseconds while the real workflow code decides.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { startTimeSkippingServer, runTestWorker, type RunningWorker } from '../helpers/temporal';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { actor } from '../helpers/actors';
import { MemoryChat } from '../fakes/memory-chat';
import { acknowledgeUpdate, handoffUpdate, resolveUpdate, stateQuery } from '../../workflows/definitions';
import type { Config } from '../../config/schema';

const MIN = 60_000;
let env: TestWorkflowEnvironment;
let worker: RunningWorker | undefined;
let chat: MemoryChat;
let config: Config;

beforeAll(async () => {
  env = await startTimeSkippingServer();
  chat = new MemoryChat();
  config = testConfig((raw) => {
    // No debounce timer on the time-skipping server: it can refuse the cancel of a timer that just fired
    // (sdk-java#3088) and leave the run stuck; the real server accepts it (test/workflow/flapping.test.ts).
    raw.alertUpdateDebounce = '0ms';
    raw.schedules = [
      {
        id: 'primary',
        timezone: 'Europe/Berlin',
        layers: [
          { name: 'business', rotation: 'weekly', start: '2026-01-05', participants: ['alice'], restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] },
          { name: 'off-hours', rotation: 'daily', handoffTime: '18:00', start: '2026-01-05', participants: ['bob'] },
        ],
        // Carol covers the Monday morning after the spring-forward change.
        overrides: [{ person: 'carol', from: '2027-03-29T09:00:00+02:00', to: '2027-03-29T12:00:00+02:00' }] },
      { id: 'always-alice', timezone: 'UTC', layers: [{ rotation: 'weekly', start: '2020-01-06', participants: ['alice'] }] },
    ];
    raw.escalationPolicies = [
      { id: 'default', levels: [{ targets: [{ schedule: 'always-alice' }], delay: '5m' }, { targets: [{ person: 'carol' }], delay: '10m' }], repeat: 1 },
      { id: 'scheduled', levels: [{ targets: [{ schedule: 'primary' }], delay: '5m' }] },
    ];
    raw.routing = {
      rules: [{ match: { labels: { team: 'scheduled' } }, channels: [{ platform: 'local', channel: 'ops' }], policy: 'scheduled' }],
      default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' } };
  });
  worker = await runTestWorker(env, { config, platforms: { local: chat } });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

async function open(labels: Record<string, string> = {}): Promise<WorkflowHandle> {
  return openIncident(env.client, anomaly({ labels }));
}

/** Pages sent for one incident, in order, as person ids (DM keys carry the person). */
function pages(handle: WorkflowHandle): string[] {
  return chat.dms.filter((d) => d.key.startsWith(`${handle.workflowId}@`)).map((d) => d.user);
}

/**
 * Waits (real time) until `expected` pages arrived, then a short grace period so that a wrongly
 * scheduled extra page would show up before the test asserts the exact list.
 */
async function settle(handle: WorkflowHandle, expected: number): Promise<string[]> {
  const until = Date.now() + 15_000;
  while (pages(handle).length < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 750));
  return pages(handle);
}

/**
 * Resolves and waits for completion by polling `describe`: awaiting `result()` would unlock time
 * skipping, and the server would then race the clock ahead (years) to the next timer it knows.
 */
async function close(handle: WorkflowHandle) {
  await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('carol', ['responder', 'admin']), summary: 'test done' }] });
  const until = Date.now() + 15_000;
  while ((await handle.describe()).status.name !== 'COMPLETED') {
    if (Date.now() > until) throw new Error(`${handle.workflowId} did not complete after resolve`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('escalation on the time-skipping server', () => {
  it('pages level 2 after its delay and walks the ladder again as often as the policy repeats, then stops', async () => {
    const h = await open();
    expect(await settle(h, 1)).toEqual(['alice']);
    await env.sleep(4 * MIN);
    expect(await settle(h, 1)).toEqual(['alice']);
    await env.sleep(1 * MIN + 1000);
    expect(await settle(h, 2)).toEqual(['alice', 'carol']);
    await env.sleep(10 * MIN);
    expect(await settle(h, 3)).toEqual(['alice', 'carol', 'alice']);
    await env.sleep(5 * MIN);
    expect(await settle(h, 4)).toEqual(['alice', 'carol', 'alice', 'carol']);
    await env.sleep(60 * MIN);
    expect(await settle(h, 4)).toHaveLength(4);
    const state = await h.query(stateQuery);
    expect(state.timeline.filter((e) => e.type === 'escalated').map((e) => e.text)).toEqual([
      'No acknowledgement: escalating from level 1 to level 2',
      'No acknowledgement: escalating from level 2 to level 1 (repeat 1)',
      'No acknowledgement: escalating from level 1 to level 2 (repeat 1)',
      'Escalation policy exhausted: nobody acknowledged; paging stops until someone acts',
    ]);
    await close(h);
  });

  it('stops paging when someone acknowledges mid-wait', async () => {
    const h = await open();
    await settle(h, 1);
    await env.sleep(2 * MIN);
    await h.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    await env.sleep(2 * 60 * MIN);
    expect(await settle(h, 1)).toEqual(['alice']);
    await close(h);
  });

  it('pages the handoff target and restarts the wait for them', async () => {
    const h = await open();
    await settle(h, 1);
    await env.sleep(3 * MIN);
    await h.executeUpdate(handoffUpdate, { args: [{ actor: actor('alice'), to: 'bob', toRequested: 'bob', note: 'in a meeting' }] });
    expect(await settle(h, 2)).toEqual(['alice', 'bob']);
    // 7 minutes after the first page: the old deadline (5m) has passed, bob's (3m + 5m) has not.
    await env.sleep(4 * MIN);
    expect(await settle(h, 2)).toEqual(['alice', 'bob']);
    await env.sleep(1 * MIN + 1000);
    expect(await settle(h, 3)).toEqual(['alice', 'bob', 'carol']);
    await close(h);
  });

  it('chooses the on-call person by the schedule at workflow time, across the spring-forward change and an override', async () => {
    // Skip in steps of at most a day: one sleep of months overshoots on the test server.
    const at = async (iso: string) => {
      const target = Date.parse(iso);
      for (let now = await env.currentTimeMs(); now < target; now = await env.currentTimeMs()) await env.sleep(Math.min(target - now, 86_400_000));
      expect(Math.abs((await env.currentTimeMs()) - target)).toBeLessThan(60_000);
    };
    // Sunday of the Berlin spring-forward change (2027-03-28): weekend, so the off-hours layer.
    await at('2027-03-28T10:00:00+02:00');
    const sunday = await open({ team: 'scheduled' });
    expect(await settle(sunday, 1)).toEqual(['bob']);
    await close(sunday);
    // Monday 09:30 after the change is business hours, but the override gives it to carol.
    await at('2027-03-29T09:30:00+02:00');
    const override = await open({ team: 'scheduled' });
    expect(await settle(override, 1)).toEqual(['carol']);
    await close(override);
    // Monday 12:30: the override has ended, business hours: alice.
    await at('2027-03-29T12:30:00+02:00');
    const business = await open({ team: 'scheduled' });
    expect(await settle(business, 1)).toEqual(['alice']);
    await close(business);
  });
});
