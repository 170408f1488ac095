// Flapping on the time-skipping server (issue 14 item 4): a resolved incident keeps its run open
// for incidents.flapWindow; a recurrence within it reopens the same incident without a new page storm.
//
// Reliability: the time-skipping server refuses a timer cancel that races the timer firing
// (sdk-java#3088; see ../helpers/time-skipping-per-test.ts) and the run is wedged. The timer that
// did it here was the 200 ms alert debounce, cut short by an ack or resolve just after a page. The
// real server accepts such a cancel, so only tests meet it: these run with no debounce (no timer;
// alert-updates.test.ts covers the debounce), each test with its own server.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { timeSkippingServerPerTest } from '../helpers/time-skipping-per-test';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { actor } from '../helpers/actors';
import { MemoryChat } from '../fakes/memory-chat';
import { acknowledgeUpdate, resolveUpdate, stateQuery } from '../../workflows/definitions';
import { until } from '../helpers/eventually';

const MIN = 60_000;
let env: TestWorkflowEnvironment;
let chat: MemoryChat;

timeSkippingServerPerTest((e) => {
  env = e;
  chat = new MemoryChat();
  const config = testConfig((raw) => {
    raw.incidents = { flapWindow: '10m' };
    raw.alertUpdateDebounce = '0ms';
  });
  return { config, platforms: { local: chat }, pagers: {}, eventSinks: [] };
});

const alertsOf = (h: WorkflowHandle) => chat.alerts().filter((m) => m.key.startsWith(`${h.workflowId}@`));
const pagesOf = (h: WorkflowHandle) => chat.dms.filter((d) => d.key.startsWith(`${h.workflowId}@`)).map((d) => d.user);
const statusOf = async (h: WorkflowHandle) => (await h.describe()).status.name;
const resolve = (h: WorkflowHandle, who = 'alice') => h.executeUpdate(resolveUpdate, { args: [{ actor: actor(who), summary: 'restarted it' }] });

describe('flapping on the time-skipping server', () => {
  it('reopens a resolved incident that recurs within the flap window: same card, its person told once, no second page storm', async () => {
    const a = anomaly({ cluster: 'flap-test' });
    const h = await openIncident(env.client, a);
    await until('the first page', () => pagesOf(h), (p) => p.length === 1);
    await h.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    await resolve(h);
    await until('the postmortem', () => h.query(stateQuery), (s) => s.timeline.some((e) => e.type === 'postmortem'));
    expect(await statusOf(h)).toBe('RUNNING'); // the flap window holds the run open

    await env.sleep(5 * MIN);
    await openIncident(env.client, { ...a, observedAt: new Date().toISOString(), reason: 'BackOff again' });
    const reopened = await until('the reopen', () => h.query(stateQuery), (s) => s.status !== 'resolved');
    expect(reopened).toMatchObject({ status: 'acknowledged', assignee: 'alice', flapping: true, flapCount: 1 });
    expect(reopened.timeline.filter((e) => e.type === 'reopened')).toHaveLength(1);
    expect(reopened.resolvedAt).toBeUndefined();
    // Alice is told once; nobody else is paged, however long it stays open.
    await until('the re-notification', () => pagesOf(h), (p) => p.length === 2);
    await env.sleep(60 * MIN);
    await new Promise((r) => setTimeout(r, 500));
    expect(pagesOf(h)).toEqual(['alice', 'alice']);
    expect(alertsOf(h)).toHaveLength(1); // the same card, updated
    expect(chat.dms.filter((d) => d.key.startsWith(`${h.workflowId}@`))[1]!.text).toContain('flapping');

    // A later resolve writes the postmortem again (same id, the fuller story) and, after the window, the run closes.
    await resolve(h);
    const second = await until('the second postmortem', () => h.query(stateQuery), (s) => s.timeline.filter((e) => e.type === 'postmortem').length === 2);
    const ids = second.timeline.filter((e) => e.type === 'postmortem').map((e) => (e.data as { id?: string })?.id);
    expect(ids[0]).toBeDefined();
    expect(ids[1]).toBe(ids[0]);
    await env.sleep(10 * MIN + 1_000);
    await until('the run to close after the window', () => statusOf(h), (s) => s === 'COMPLETED');
  });

  it('reopens an incident whose recurrence arrives while the postmortem is still being linked, instead of dropping it', async () => {
    const a = anomaly({ cluster: 'flap-test' });
    const h = await openIncident(env.client, a);
    await until('the first page', () => pagesOf(h), (p) => p.length === 1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holding = false;
    chat.beforePost = async (req) => {
      if (req.key.endsWith('/postmortem')) {
        holding = true;
        await held;
      }
    };
    await h.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    await resolve(h);
    await until('the postmortem link to be on its way', () => holding, (x) => x);
    await openIncident(env.client, { ...a, observedAt: new Date().toISOString(), reason: 'BackOff again' });
    await new Promise((r) => setTimeout(r, 300)); // the signal is in the run's history before the window opens
    release();
    const reopened = await until('the reopen', () => h.query(stateQuery), (s) => s.status !== 'resolved');
    expect(reopened).toMatchObject({ status: 'acknowledged', flapping: true, flapCount: 1 });
    expect(reopened.occurrences.count).toBe(2); // counted once, not again as a plain occurrence
    await until('the re-notification', () => pagesOf(h), (p) => p.join() === 'alice,alice');
    await resolve(h);
    await env.sleep(10 * MIN + 1_000);
    await until('the run to close', () => statusOf(h), (s) => s === 'COMPLETED');
  });

  it('keeps the escalation position when an incident nobody acknowledged flaps: one page at that level, not the ladder from level 0', async () => {
    const a = anomaly({ cluster: 'flap-test' });
    const h = await openIncident(env.client, a);
    await until('the first page', () => pagesOf(h), (p) => p.length === 1);
    await env.sleep(5 * MIN + 1_000);
    await until('the level 2 page', () => pagesOf(h), (p) => p.join() === 'alice,carol');
    await resolve(h, 'carol');
    await until('the postmortem', () => h.query(stateQuery), (s) => s.timeline.some((e) => e.type === 'postmortem'));
    await openIncident(env.client, { ...a, observedAt: new Date().toISOString() });
    await until('the reopen', () => h.query(stateQuery), (s) => s.status === 'triggered' && s.flapping === true);
    await until('one page at level 2 again', () => pagesOf(h), (p) => p.join() === 'alice,carol,carol');
    await new Promise((r) => setTimeout(r, 500));
    expect(pagesOf(h)).toEqual(['alice', 'carol', 'carol']);
    await resolve(h, 'carol');
    await env.sleep(10 * MIN + 1_000);
    await until('the run to close', () => statusOf(h), (s) => s === 'COMPLETED');
  });

  it('closes the run after the flap window, so a later recurrence opens a new incident', async () => {
    const a = anomaly({ cluster: 'flap-test' });
    const h = await openIncident(env.client, a);
    await until('the first alert', () => alertsOf(h), (m) => m.length === 1);
    await resolve(h);
    await env.sleep(10 * MIN + 1_000);
    await until('the run to close', () => statusOf(h), (s) => s === 'COMPLETED');
    const again = await openIncident(env.client, { ...a, observedAt: new Date().toISOString() });
    const s = await until('the new run', () => again.query(stateQuery), (x) => x.status === 'triggered');
    expect(s.flapping).toBeUndefined();
    await until('a second alert for the new run', () => alertsOf(h), (m) => m.length === 2);
    await resolve(again);
  });
});
