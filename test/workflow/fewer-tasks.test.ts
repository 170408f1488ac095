// What a new incident's history is made of since fewer-tasks-per-incident (issue 11): diagnostics
// and their digest are one activity, and timeline entries reach the event sinks with the alert
// updates, not one batch per change. Real dev server, real worker; chat is the in-memory platform.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { startDevServer, runTestWorker, type RunningWorker } from '../helpers/temporal';
import { until } from '../helpers/eventually';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { MemoryChat } from '../fakes/memory-chat';
import { stateQuery } from '../../workflows/definitions';
import { eventId, type EventSink } from '../../activities/events';

let env: TestWorkflowEnvironment;
let worker: RunningWorker | undefined;
const chat = new MemoryChat();
const published = new Set<string>();
const sink: EventSink = { name: 'recording', publish: async (b) => b.entries.forEach((_, i) => published.add(eventId(b, i))) };
/** How each test treats the digest reply (key `.../diagnostics`); others pass. */
let digestReply: (attempt: number) => void = () => {};
const digestAttempts = new Map<string, number>();

beforeAll(async () => {
  env = await startDevServer();
  chat.beforePost = (req) => {
    if (!req.key.endsWith('/diagnostics')) return;
    const n = (digestAttempts.get(req.key) ?? 0) + 1;
    digestAttempts.set(req.key, n);
    digestReply(n);
  };
  const config = testConfig((raw) => (raw.alertUpdateDebounce = '1s'));
  worker = await runTestWorker(env, { config, platforms: { local: chat }, pagers: {}, eventSinks: [sink] });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

async function activities(h: WorkflowHandle): Promise<string[]> {
  const events = (await h.fetchHistory()).events ?? [];
  return events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter((n): n is string => !!n);
}
const count = (names: string[], name: string) => names.filter((n) => n === name).length;
const digestOf = (h: WorkflowHandle) => chat.replies().filter((m) => m.key.startsWith(`${h.workflowId}@`) && m.key.endsWith('/diagnostics'));

describe('a new incident since fewer-tasks-per-incident', () => {
  it('runs diagnostics and posts their digest in one activity, and sends every entry to the sinks with the card updates', async () => {
    digestReply = () => {};
    const h = await openIncident(env.client, anomaly({ cluster: 'lean' }));
    await until('the digest and the page', () => chat.dms.length > 0 && digestOf(h).length, (n) => !!n);
    // Settled: every entry published (the updater's beat carries them), nothing in flight.
    const s = await until('every entry published', () => h.query(stateQuery), (x) => x.publishedUpTo === x.timeline.length && x.timeline.some((e) => e.type === 'diagnostics'), 20_000);
    const names = await activities(h);
    expect(count(names, 'diagnoseAndReply')).toBe(1);
    expect(count(names, 'runDiagnostics') + count(names, 'replyInThread')).toBe(0);
    // One batch per card update at most (before: one per change, four for a new incident).
    expect(count(names, 'publishEvents')).toBeGreaterThanOrEqual(1);
    expect(count(names, 'publishEvents')).toBeLessThanOrEqual(count(names, 'updateAlerts'));
    const key = `${h.workflowId}@${s.openedAt}`;
    expect(s.timeline.map((_, i) => published.has(`${key}#${i}`))).toEqual(s.timeline.map(() => true));
  }, 60_000);

  it('retries a digest reply that failed for a passing reason on its own, without running the diagnostics again', async () => {
    digestReply = (n) => {
      if (n === 1) throw new Error('socket hang up');
    };
    const h = await openIncident(env.client, anomaly({ cluster: 'lean-retry' }));
    await until('the digest', () => digestOf(h).length, (n) => n === 1, 30_000);
    const s = await until('the diagnostics entry', () => h.query(stateQuery), (x) => x.timeline.some((e) => e.type === 'diagnostics'));
    expect(s.timeline.filter((e) => e.type === 'alert-failed')).toEqual([]);
    const names = await until('the reply activity', () => activities(h), (n) => count(n, 'replyInThread') === 1);
    expect(count(names, 'diagnoseAndReply')).toBe(1);
  }, 60_000);

  it('records a digest reply refused for good in the timeline and does not retry it', async () => {
    digestReply = () => {
      throw ApplicationFailure.nonRetryable('channel_not_found', 'ChannelNotFound');
    };
    const h = await openIncident(env.client, anomaly({ cluster: 'lean-refused' }));
    const s = await until('the refusal in the timeline', () => h.query(stateQuery), (x) => x.timeline.some((e) => e.type === 'alert-failed'));
    expect(s.timeline.filter((e) => e.type === 'alert-failed').map((e) => e.text)).toEqual(['Posting diagnostics failed: channel_not_found']);
    await new Promise((r) => setTimeout(r, 500));
    expect(count(await activities(h), 'replyInThread')).toBe(0);
    expect([...digestAttempts].filter(([k]) => k.startsWith(`${h.workflowId}@`)).map(([, n]) => n)).toEqual([1]);
  }, 60_000);
});
