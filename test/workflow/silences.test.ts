// Silences on the time-skipping server (issue 14 item 3): the real silences workflow, the real
// incident workflow and the worker's silence copy (refreshed by query) decide; the test only skips
// time and reads chat, pages, state and the archive.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { timeSkippingServerPerTest } from '../helpers/time-skipping-per-test';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { actor } from '../helpers/actors';
import { MemoryChat } from '../fakes/memory-chat';
import { resolveUpdate, stateQuery, type Anomaly } from '../../workflows/definitions';
import { SilenceCache } from '../../activities/config-lookups/silences-cache';
import { createSilence, listSilences } from '../../api/silences-client';
import type { EventBatch } from '../../activities/events';
import { webhookEvents } from '../../activities/webhooks/events';
import { ApiError } from '../../api/errors';
import { releaseHistories } from './histories/releases';
import { until } from '../helpers/eventually';

const MIN = 60_000;
let env: TestWorkflowEnvironment;
let cache: SilenceCache;
let chat: MemoryChat;
let batches: EventBatch[];

const alertsOf = (h: WorkflowHandle) => chat.alerts().filter((m) => m.key.startsWith(`${h.workflowId}@`));
const pagesOf = (h: WorkflowHandle) => chat.dms.filter((d) => d.key.startsWith(`${h.workflowId}@`));
/** Refreshes the worker's copy (one query, as its timer does) until it holds the silence. */
const workerSees = (id: string) =>
  until('the worker to see the silence', async () => {
    await cache.refresh();
    return cache.current().map((s) => s.id);
  }, (v) => v.includes(id));

async function silence(matcher: string, durationMs: number, who = actor('alice')): Promise<string> {
  const r = await createSilence(env.client, { actor: who, matcher, durationMs, reason: 'planned deploy' });
  expect(r).toMatchObject({ outcome: 'done' });
  return r.silence!.id;
}

const shop = (overrides: Partial<Anomaly> = {}) => anomaly({ cluster: 'silence-test', ...overrides });

describe('silences on the time-skipping server', () => {
  // Each test its own server, so a run wedged by sdk-java#3088 cannot time out the others.
  timeSkippingServerPerTest((e) => {
    env = e;
    chat = new MemoryChat();
    batches = [];
    // Refreshed by the test, not by a timer: a query every few ms keeps the time-skipping server busy,
    // so it would skip time late under load. The periodic refresh runs in test/integration/api/silences.test.ts.
    cache = new SilenceCache(env.client);
    // No alert debounce: its 200 ms timer, cut short by a resolve just after a page, is the timer whose
    // cancel the time-skipping server refuses (the real server accepts it); alert-updates.test.ts covers it.
    const config = testConfig((raw) => (raw.alertUpdateDebounce = '0ms'));
    return { config, platforms: { local: chat }, pagers: {}, eventSinks: [{ name: 'memory', publish: async (b) => void batches.push(b) }], silences: { current: () => cache.current() } };
  });

  it('holds back matching alerts and pages until the silence expires, then alerts and pages; the held-back occurrences are archived', async () => {
    const id = await silence('{cluster="silence-test", namespace="shop", kind=~"CrashLoopBackOff|OOMKilled"}', 30 * MIN);
    await workerSees(id);
    const a = shop();
    const h = await openIncident(env.client, a);
    // The start carries one occurrence (intake/signal.ts), three more follow.
    for (let i = 0; i < 3; i++) await openIncident(env.client, { ...a, observedAt: new Date().toISOString() });
    const held = await until('the held incident to count its occurrences', () => h.query(stateQuery), (s) => s.occurrences.count === 4);
    expect(held.silenced).toMatchObject({ id, matcher: '{cluster="silence-test", namespace="shop", kind=~"CrashLoopBackOff|OOMKilled"}' });
    expect(held.timeline.map((e) => e.type)).toContain('silenced');
    expect(alertsOf(h)).toHaveLength(0);
    expect(pagesOf(h)).toHaveLength(0);

    await env.sleep(20 * MIN);
    await new Promise((r) => setTimeout(r, 500));
    expect(alertsOf(h)).toHaveLength(0);
    expect(pagesOf(h)).toHaveLength(0);

    await env.sleep(10 * MIN + 1_000);
    await until('the alert after the silence', () => alertsOf(h).length, (n) => n === 1);
    await until('the page after the silence', () => pagesOf(h).map((p) => p.user), (u) => u.join() === 'alice');
    const after = await h.query(stateQuery);
    expect(after.timeline.find((e) => e.type === 'unsilenced')).toMatchObject({ data: { silence: id, occurrences: 4 } });

    // The archive (event sinks) has the hold and its end with the count: nothing was lost.
    const archived = await until('the archive to have the hold and its end', () => batches.filter((b) => b.incident.id === h.workflowId).flatMap((b) => b.entries.map((e) => e.type)), (t) => t.includes('unsilenced'));
    expect(archived).toEqual(expect.arrayContaining(['detected', 'silenced', 'unsilenced', 'alerted', 'paged']));
    // The webhook sink sends the hold and its end (docs/webhooks.md).
    const hooks = batches.filter((b) => b.incident.id === h.workflowId).flatMap((b) => webhookEvents(b, {}));
    expect(hooks.map((e) => e.type)).toEqual(['incident.triggered', 'incident.silenced', 'incident.unsilenced']);
    expect(hooks[1]!.data).toMatchObject({ silence: id, until: held.silenced!.until });
    // The silence itself: created and expired, audited in the archive; no longer listed.
    expect(await listSilences(env.client)).toEqual([]);
    const audit = await until('the silence audit', () => batches.filter((b) => b.incident.id === 'silences').flatMap((b) => b.entries.map((e) => e.text)), (t) => t.some((x) => x.includes(`${id}`) && x.includes('ended: expired')));
    expect(audit.some((x) => x.startsWith(`Silence ${id} `) && x.includes('created by alice'))).toBe(true);
    // Announced in chat too (routing.default's channel): created, then expired.
    const notices = await until('the announcements', () => chat.messages.filter((m) => m.key.startsWith('silences@') && m.text.startsWith(`Silence ${id} `)).map((m) => `${m.channel}: ${m.text}`), (t) => t.length === 2);
    expect(notices[0]).toMatch(/^incidents: Silence s-\d+ .* created by alice/);
    expect(notices[1]).toMatch(/ended: expired$/);
    // Once alerted it is an ordinary incident: a resolve closes it with a postmortem.
    await h.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'deploy finished' }] });
    await until('the postmortem', () => h.query(stateQuery), (s) => s.timeline.some((e) => e.type === 'postmortem'));
  });

  it('refuses a silence from someone off the roster or without a role, and audits the refusal', async () => {
    const stranger = await createSilence(env.client, { actor: actor(null), matcher: '{namespace="shop"}', durationMs: 10 * MIN });
    expect(stranger).toMatchObject({ outcome: 'refused', message: expect.stringContaining('not on the roster') });
    const roleless = await createSilence(env.client, { actor: actor('dave', []), matcher: '{namespace="shop"}', durationMs: 10 * MIN });
    expect(roleless).toMatchObject({ outcome: 'refused', message: expect.stringContaining('neither the responder nor the admin role') });
    expect(await listSilences(env.client)).toEqual([]);
    await until('the refusals in the audit', () => batches.filter((b) => b.incident.id === 'silences').flatMap((b) => b.entries).filter((e) => e.type === 'refused').length, (n) => n >= 2);
  });

  it('rejects a malformed matcher or duration with a message saying what to fix', async () => {
    await expect(createSilence(env.client, { actor: actor('alice'), matcher: '{namespace="shop"', durationMs: 10 * MIN })).rejects.toThrow(ApiError);
    await expect(createSilence(env.client, { actor: actor('alice'), matcher: '{team!="x"}', durationMs: 10 * MIN })).rejects.toThrow('matches every alert');
    await expect(createSilence(env.client, { actor: actor('alice'), matcher: '{namespace="shop"}', durationMs: 1_000 })).rejects.toThrow('durationMs must be whole milliseconds from 1m to 7d');
  });
  // Early removal and a resolve during a silence need no time skipping: they run on the dev server
  // in test/integration/api/silences.test.ts.
});

/** Every payload of a history as text (routing answers are local-activity marker payloads). */
function payloadTexts(node: unknown, out: string[] = []): string[] {
  if (node instanceof Uint8Array) out.push(Buffer.from(node).toString('utf8'));
  else if (Array.isArray(node)) node.forEach((n) => payloadTexts(n, out));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => payloadTexts(n, out));
  return out;
}

describe('histories recorded before silences', () => {
  it('never carry `silenced` in a routing answer, so replaying them never takes the held-back path (replay.test.ts replays them)', () => {
    const histories = releaseHistories();
    expect(histories.length).toBeGreaterThan(0);
    for (const h of histories) {
      const texts = payloadTexts(h.history);
      expect(texts.some((t) => t.includes('"policyId"'))).toBe(true); // the routing answer (or the carried state) was read
      expect(texts.filter((t) => t.includes('"silenced"'))).toEqual([]);
    }
  });
});
