// Snooze and escalate-now against the real escalation loop on the time-skipping server: a snooze
// holds the next level back until it ends (then escalation goes on), a second snooze replaces the
// first, and /incident escalate wakes the same loop (one page per level, never a second loop).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { startTimeSkippingServer, runTestWorker, type RunningWorker } from '../../helpers/temporal';
import { openIncident } from '../../helpers/incident';
import { testConfig } from '../../helpers/config';
import { anomaly } from '../../helpers/anomaly';
import { actor } from '../../helpers/actors';
import { MemoryChat } from '../../fakes/memory-chat';
import { escalateNowUpdate, resolveUpdate, snoozeUpdate, stateQuery } from '../../../workflows/definitions';

const MIN = 60_000;
let env: TestWorkflowEnvironment;
let worker: RunningWorker | undefined;
const chat = new MemoryChat();

beforeAll(async () => {
  env = await startTimeSkippingServer();
  // Level 1 alice (5m), level 2 carol (10m), walked twice (the test config's default policy).
  // No debounce timer on the time-skipping server: it can refuse the cancel of a timer that just fired
  // (sdk-java#3088) and leave the run stuck; the real server accepts it (test/workflow/flapping.test.ts).
  const config = testConfig((raw) => {
    raw.alertUpdateDebounce = '0ms';
  });
  worker = await runTestWorker(env, { config, platforms: { local: chat } });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

const pages = (h: WorkflowHandle) => chat.dms.filter((d) => d.key.startsWith(`${h.workflowId}@`)).map((d) => d.user);

/** Waits (real time) for `expected` pages, then a grace period in which a wrong extra page would show. */
async function settle(h: WorkflowHandle, expected: number): Promise<string[]> {
  const until = Date.now() + 15_000;
  while (pages(h).length < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 750));
  return pages(h);
}

/** Resolves and polls until the run completed (awaiting result() would let time race ahead). */
async function close(h: WorkflowHandle): Promise<void> {
  await h.executeUpdate(resolveUpdate, { args: [{ actor: actor('carol', ['responder', 'admin']), summary: 'test done' }] });
  const until = Date.now() + 15_000;
  while ((await h.describe()).status.name !== 'COMPLETED') {
    if (Date.now() > until) throw new Error(`${h.workflowId} did not complete after resolve`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('snooze and escalate on the escalation loop', () => {
  it('holds level 2 back until the snooze ends, then escalates', async () => {
    const h = await openIncident(env.client, anomaly());
    expect(await settle(h, 1)).toEqual(['alice']);
    const r = await h.executeUpdate(snoozeUpdate, { args: [{ actor: actor('alice'), durationMs: 30 * MIN }] });
    expect(r.outcome).toBe('done');
    await env.sleep(20 * MIN); // well past level 1's 5 minutes
    expect(await settle(h, 1)).toEqual(['alice']);
    await env.sleep(10 * MIN + 1000);
    expect(await settle(h, 2)).toEqual(['alice', 'carol']);
    const s = await h.query(stateQuery);
    expect(s.snooze).toBeUndefined();
    expect(s.timeline.some((e) => /Snooze by Alice Liddell ended: its time is up/.test(e.text))).toBe(true);
    await close(h);
  });

  it('lets a second, shorter snooze replace the first', async () => {
    const h = await openIncident(env.client, anomaly());
    await settle(h, 1);
    await h.executeUpdate(snoozeUpdate, { args: [{ actor: actor('alice'), durationMs: 60 * MIN }] });
    await env.sleep(MIN);
    await h.executeUpdate(snoozeUpdate, { args: [{ actor: actor('bob'), durationMs: 10 * MIN }] });
    await env.sleep(10 * MIN + 1000);
    expect(await settle(h, 2)).toEqual(['alice', 'carol']);
    await close(h);
  });

  it('pages the next level at once on escalate, ends a snooze, and the ladder goes on from there', async () => {
    const h = await openIncident(env.client, anomaly());
    await settle(h, 1);
    await h.executeUpdate(snoozeUpdate, { args: [{ actor: actor('alice'), durationMs: 60 * MIN }] });
    const r = await h.executeUpdate(escalateNowUpdate, { args: [{ actor: actor('bob') }] });
    expect(r).toMatchObject({ outcome: 'done', message: 'Escalated to level 2 by Bob Marley: paging it now.' });
    expect(await settle(h, 2)).toEqual(['alice', 'carol']);
    expect((await h.query(stateQuery)).snooze).toBeUndefined();
    // Level 2 waits its own 10 minutes, then the ladder repeats at level 1: one loop, one page each.
    await env.sleep(9 * MIN);
    expect(await settle(h, 2)).toEqual(['alice', 'carol']);
    await env.sleep(MIN + 1000);
    expect(await settle(h, 3)).toEqual(['alice', 'carol', 'alice']);
    await close(h);
  });

  it('answers "already" at the last level instead of paging anyone twice', async () => {
    const h = await openIncident(env.client, anomaly());
    await settle(h, 1);
    for (let i = 0; i < 3; i++) await h.executeUpdate(escalateNowUpdate, { args: [{ actor: actor('bob') }] });
    expect(await settle(h, 4)).toEqual(['alice', 'carol', 'alice', 'carol']);
    const last = await h.executeUpdate(escalateNowUpdate, { args: [{ actor: actor('bob') }] });
    expect(last).toMatchObject({ outcome: 'already', message: expect.stringContaining('last level') });
    expect(await settle(h, 4)).toHaveLength(4);
    await close(h);
  });
});
