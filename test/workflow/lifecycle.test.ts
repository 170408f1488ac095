// The incident lifecycle on a real Temporal dev server with the real workflow code and real
// activities; only the chat service is the in-memory platform at the adapter seam.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { startDevServer, runTestWorker, type RunningWorker } from '../helpers/temporal';
import { eventually } from '../helpers/eventually';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { actor } from '../helpers/actors';
import { MemoryChat } from '../fakes/memory-chat';
import {
  acknowledgeUpdate, actionItemUpdate, handoffUpdate, noteSignal, incidentWorkflowId, occurrenceSignal, recoveredSignal, resolveUpdate, stateQuery,
} from '../../workflows/definitions';
import type { Config } from '../../config/schema';
import { eventId, type EventSink } from '../../activities/events';
import { FilePostmortemStore, fileName } from '../../activities/postmortem/file-store';
import type { PostmortemStore } from '../../activities/postmortem/store';

let env: TestWorkflowEnvironment;
let worker: RunningWorker | undefined;
let chat: MemoryChat;
let config: Config;
let files: FilePostmortemStore;
let gate: Promise<void> = Promise.resolve();
let putStarted: (() => void) | undefined;
/** Every published event, by id: a sink that sees a repeated id would double-count. */
const published: { id: string; type: string; incident: string }[] = [];
const recordingSink: EventSink = {
  name: 'recording',
  async publish(batch) {
    batch.entries.forEach((e, i) => published.push({ id: eventId(batch, i), type: e.type, incident: batch.incident.id }));
  } };

beforeAll(async () => {
  env = await startDevServer();
  chat = new MemoryChat();
  config = testConfig((raw) => {
    raw.autoResolve = { enabled: true, quietPeriod: '1s' };
  });
  files = new FilePostmortemStore(join(config.dataDir, 'postmortems'));
  // The real file store, with a gate a test can close to hold a postmortem write in flight.
  const gated: PostmortemStore = {
    put: async (doc, md) => {
      putStarted?.();
      await gate;
      return files.put(doc, md);
    },
    get: (id) => files.get(id),
    list: (f) => files.list(f),
    edit: (id, change) => files.edit(id, change) };
  worker = await runTestWorker(env, { config, platforms: { local: chat }, eventSinks: [recordingSink], postmortemStore: gated });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});



describe('incident workflow on a real Temporal server', () => {
  it('alerts, pages the on-call person, takes an ack, a handoff, the new ack and a resolve, then writes the postmortem', async () => {
    const a = anomaly();
    const handle = await openIncident(env.client, a);
    const alert = await eventually(() => chat.alerts().find((m) => m.card?.incidentId === handle.workflowId), 'the alert');
    expect(alert!.channel).toBe('incidents');
    await eventually(() => chat.pagesFor('alice') === 1, 'one page to alice');

    const ack = await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    expect(ack).toMatchObject({ outcome: 'done', status: 'acknowledged' });
    const handoff = await handle.executeUpdate(handoffUpdate, { args: [{ actor: actor('alice'), to: 'bob', toRequested: '@bob', note: 'my shift ends' }] });
    expect(handoff).toMatchObject({ outcome: 'done', status: 'triggered' });
    await eventually(() => chat.pagesFor('bob') === 1, 'one page to bob');
    expect(await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('bob') }] })).toMatchObject({ outcome: 'done' });
    const resolved = await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('bob'), summary: 'rolled back the image tag' }] });
    expect(resolved).toMatchObject({ outcome: 'done', status: 'resolved' });

    const result = await handle.result();
    expect(result.status).toBe('resolved');
    const state = await handle.query(stateQuery);
    expect(state.assignee).toBe('bob');
    expect(state.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['detected', 'alerted', 'diagnostics', 'paged', 'acknowledged', 'handoff', 'resolved', 'postmortem']),
    );
    expect(state.timeline.find((e) => e.type === 'diagnostics')!.text).toMatch(/No diagnostics provider is configured for cluster "test"/);
    const file = join(config.dataDir, 'postmortems', `${fileName(result.postmortemId!)}.md`);
    expect(existsSync(file)).toBe(true);
    // The alert was updated in place, never re-posted.
    expect(chat.alerts().filter((m) => m.card?.incidentId === handle.workflowId)).toHaveLength(1);
    await eventually(() => alert!.card?.status === 'resolved', 'the alert to show resolved');
    expect(chat.pagesFor('alice')).toBe(1);
    // Every timeline entry reached the event sinks once, in order.
    const mine = published.filter((e) => e.incident === handle.workflowId);
    expect(mine.map((e) => e.type)).toEqual(state.timeline.map((e) => e.type));
    expect(new Set(mine.map((e) => e.id)).size).toBe(mine.length);
  });

  it('records action items and notes for the postmortem, and refuses action items from outside the roster', async () => {
    const handle = await openIncident(env.client, anomaly());
    const added = await handle.executeUpdate(actionItemUpdate, { args: [{ actor: actor('alice'), text: 'alert on image pull errors earlier' }] });
    expect(added.outcome).toBe('done');
    const refused = await handle.executeUpdate(actionItemUpdate, { args: [{ actor: actor(null, [], 'local:mallory'), text: 'x' }] });
    expect(refused.outcome).toBe('refused');
    await handle.signal(noteSignal, { type: 'kubectl', actor: 'alice', text: 'kubectl get pods -n shop (3 rows)' });
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'fixed' }] });
    const result = await handle.result();
    const state = await handle.query(stateQuery);
    expect(state.actionItems).toEqual([expect.objectContaining({ text: 'alert on image pull errors earlier', by: 'alice' })]);
    expect(state.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['action-item', 'refused', 'kubectl']));
    const md = readFileSync(join(config.dataDir, 'postmortems', `${fileName(result.postmortemId!)}.md`), 'utf8');
    expect(md).toContain('alert on image pull errors earlier');
  });

  it('refuses an ack from someone not on the roster, records the attempt and changes nothing', async () => {
    const handle = await openIncident(env.client, anomaly());
    const refused = await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor(null, [], 'local:mallory') }] });
    expect(refused.outcome).toBe('refused');
    expect(refused.message).toMatch(/not on the roster/);
    const state = await handle.query(stateQuery);
    expect(state.status).toBe('triggered');
    expect(state.timeline.filter((e) => e.type === 'refused')).toHaveLength(1);
    expect(state.timeline.find((e) => e.type === 'refused')!.text).toContain('local:mallory');
    const again = await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    const twice = await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('alice') }] });
    expect([again.outcome, twice.outcome]).toEqual(['done', 'already']);
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'done' }] });
    await handle.result();
  });

  it('adds an action item that arrives while the postmortem is being written to the stored postmortem', async () => {
    const handle = await openIncident(env.client, anomaly());
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const writing = new Promise<void>((r) => (putStarted = r));
    try {
      await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'fixed' }] });
      await writing; // the postmortem was compiled and its write is held at the gate
      await handle.executeUpdate(actionItemUpdate, { args: [{ actor: actor('alice'), text: 'late follow-up' }] });
    } finally {
      open();
      gate = Promise.resolve();
      putStarted = undefined;
    }
    const result = await handle.result();
    const stored = await files.get(result.postmortemId!);
    expect(stored!.json.actionItems.map((a) => a.text)).toEqual(['late follow-up']);
    expect(stored!.markdown).toContain('late follow-up');
  });

  it('rejects a malformed update in its validator without touching the history', async () => {
    const handle = await openIncident(env.client, anomaly());
    const error = await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: '  ' }] }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((error as WorkflowUpdateFailedError).cause?.message).toMatch(/summary is required/);
    const state = await handle.query(stateQuery);
    expect(state.status).toBe('triggered');
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'ok' }] });
    await handle.result();
  });

  it('turns 200 concurrent anomalies with one fingerprint into one incident with 200 occurrences and one alert', async () => {
    const a = anomaly();
    await Promise.all(Array.from({ length: 200 }, () => openIncident(env.client, { ...a, observedAt: new Date().toISOString() })));
    const handle = env.client.workflow.getHandle(incidentWorkflowId(a.cluster, a.fingerprint));
    const state = await eventually(async () => { const st = await handle.query(stateQuery); return st.occurrences.count === 200 && st; }, '200 occurrences');
    expect(state.occurrences.samples.length).toBeLessThanOrEqual(5);
    const runs = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) runs.push(w.runId);
    expect(runs).toHaveLength(1);
    const alerts = chat.alerts().filter((m) => m.card?.incidentId === handle.workflowId);
    expect(alerts).toHaveLength(1);
    // The debounced updater coalesces the storm: a handful of edits, not one per occurrence.
    await eventually(() => alerts[0]!.card?.occurrences === 200, 'the alert to show 200 occurrences');
    expect(alerts[0]!.updates).toBeLessThan(10);
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'storm over' }] });
    await handle.result();
  });

  it('auto-resolves after observed recovery holds for the quiet period, and a recurrence cancels it', async () => {
    const a = anomaly();
    const handle = await openIncident(env.client, a);
    await eventually(async () => (await handle.query(stateQuery)).messages.length === 1, 'the alert reference');
    await handle.signal(recoveredSignal, { observedAt: new Date().toISOString(), message: 'all replicas ready' });
    await handle.signal(occurrenceSignal, a); // recurs within the quiet period
    let state = await handle.query(stateQuery);
    expect(state.timeline.map((e) => e.type)).toContain('recurred');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await handle.query(stateQuery)).status).toBe('triggered');
    await handle.signal(recoveredSignal, { observedAt: new Date().toISOString(), message: 'all replicas ready' });
    const result = await handle.result();
    expect(result.status).toBe('resolved');
    state = await handle.query(stateQuery);
    expect(state.resolvedBy).toBe('system');
    expect(state.summary).toMatch(/Recovered: all replicas ready/);
  });

  it('continues as new when history grows, carrying state without re-alerting or re-paging', async () => {
    const a = anomaly();
    const handle = await openIncident(env.client, a, { historyLimit: 60 });
    for (let i = 0; i < 80; i++) await handle.signal(occurrenceSignal, a);
    const state = await eventually(async () => { const st = await handle.query(stateQuery); return st.generation >= 1 && st.occurrences.count === 81 && st; }, 'a continued run with 81 occurrences');
    expect(state.messages).toHaveLength(1);
    expect(chat.alerts().filter((m) => m.card?.incidentId === handle.workflowId)).toHaveLength(1);
    expect(chat.pagesFor('alice')).toBeGreaterThan(0);
    const pagesBefore = chat.dms.filter((d) => d.key.startsWith(handle.workflowId)).length;
    expect(pagesBefore).toBe(1);
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'fine' }] });
    expect((await handle.result()).status).toBe('resolved');
  });
});
