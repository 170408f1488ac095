// The /kubectl audit trail on a real Temporal dev server: the api's signal-with-start creates the
// cluster's trail on first use, every entry reaches the event sinks once, in order, under a stable
// id, and the trail continues as new to stay small without losing or repeating an entry.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EventBatch, EventSink } from '../../activities/events';
import { eventId } from '../../activities/events';
import { audit } from '../../api/kubectl/audit';
import { AUDIT_WORKFLOW_TYPE, auditQuery, auditWorkflowId, type AuditEntry } from '../../workflows/audit-definitions';
import { testConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { runTestWorker, startDevServer, type RunningWorker } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
const published: { id: string; text: string; data: unknown }[] = [];
const sink: EventSink = {
  name: 'recording',
  async publish(batch: EventBatch) {
    batch.entries.forEach((e, i) => published.push({ id: eventId(batch, i), text: e.text, data: e.data }));
  },
};

beforeAll(async () => {
  env = await startDevServer();
  worker = await runTestWorker(env, { config: testConfig(), eventSinks: [sink] });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

const entry = (n: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  actor: 'alice',
  via: 'local:alice',
  platform: 'local',
  channel: 'ops',
  command: `kubectl get pods -n shop-${n}`,
  outcome: 'ran',
  detail: `cluster c1, namespace shop-${n}`,
  namespace: `shop-${n}`,
  ...over,
});

describe('the /kubectl audit trail of a cluster', () => {
  it('is started by the first command and publishes it to the event sinks with the workflow id as its stream', async () => {
    const deps = { client: env.client, taskQueue: 'incidents' };
    expect(await audit(deps, 'c0', entry(0, { outcome: 'refused', detail: 'Secrets are never shown from chat.' }))).toBe(true);
    await eventually(async () => published.some((p) => p.id.startsWith('audit/c0@')), 'the entry in the sink');
    const p = published.find((x) => x.id.startsWith('audit/c0@'))!;
    expect(p.id).toMatch(/^audit\/c0@.+#0$/);
    expect(p).toMatchObject({ text: 'refused: kubectl get pods -n shop-0 (Secrets are never shown from chat.)', data: { via: 'local:alice', outcome: 'refused', channel: 'ops' } });
    // The sink has the entry before the workflow has recorded the activity's completion: ask until it has.
    const view = await eventually(async () => {
      const v = await env.client.workflow.getHandle(auditWorkflowId('c0')).query(auditQuery);
      return v.published === 1 ? v : undefined;
    }, 'the trail counting its published entry');
    expect(view).toMatchObject({ cluster: 'c0', published: 1, pending: 0, recent: [expect.objectContaining({ command: 'kubectl get pods -n shop-0' })] });
  });

  it('continues as new to stay small and still publishes every entry exactly once, in order', async () => {
    // A tiny history limit makes the trail continue as new several times within 60 entries.
    await env.client.workflow.start(AUDIT_WORKFLOW_TYPE, { workflowId: auditWorkflowId('c1'), taskQueue: 'incidents', args: [{ cluster: 'c1', historyLimit: 30 }] });
    const deps = { client: env.client, taskQueue: 'incidents' };
    for (let n = 0; n < 60; n += 1) expect(await audit(deps, 'c1', entry(n))).toBe(true);
    const ids = await eventually(async () => {
      const mine = published.filter((p) => p.id.startsWith('audit/c1@')).map((p) => p.id);
      return mine.length >= 60 ? mine : undefined;
    }, 'sixty entries in the sink');
    const stream = ids[0]!.split('#')[0];
    expect(new Set(ids).size).toBe(60);
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => `${stream}#${i}`));
    const view = await eventually(async () => {
      const v = await env.client.workflow.getHandle(auditWorkflowId('c1')).query(auditQuery);
      return v.published >= 60 ? v : undefined;
    }, 'the trail counting all sixty published entries');
    expect(view.generation).toBeGreaterThanOrEqual(1);
    expect(view.published).toBe(60);
    expect(view.recent).toHaveLength(50);
    expect(view.recent.at(-1)!.command).toBe('kubectl get pods -n shop-59');
  });
});
