// Signed webhooks on the real stack: a real Temporal dev server, the api and the worker, and a
// receiver on loopback. An incident's whole lifecycle (triggered, escalated, acknowledged, handed
// off, resolved, postmortem ready) reaches the receiver once per event, signed and in order; the
// same holds across a receiver outage (503s, then a closed port, then back); endpoints get only
// what their filters select; an endpoint that never answers is given up after its retryFor and
// does not keep incidents from closing.
import { verifyWebhook } from '../../../activities/webhooks/verify';
import { workerRegistry } from '../../../metrics/incidents';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { incidentApi, secretFile } from './incidents';
import { WebhookReceiver, type Received } from './receiver';

const SECRET = 'whsec_lifecycle_5f2a9c7e1b3d';
const LIFECYCLE = ['incident.triggered', 'incident.escalated', 'incident.acknowledged', 'incident.handed_off', 'incident.resolved', 'incident.postmortem_ready'];
let stack: Stack;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  const gone = await WebhookReceiver.start();
  const deadUrl = gone.url('/dead');
  await gone.stop();
  stack = await startStack({
    worker: true,
    config: (raw) => {
      const secret = secretFile(raw.dataDir, SECRET);
      raw.webhooks = {
        endpoints: [
          { name: 'all', url: receiver.url('/hooks'), secret },
          { name: 'resolutions', url: receiver.url('/resolutions'), secret, events: ['incident.resolved'] },
          { name: 'elsewhere', url: receiver.url('/elsewhere'), secret, match: { cluster: ['elsewhere'] } },
          { name: 'dead', url: deadUrl, secret, retryFor: '3s' },
        ],
      };
      // Level 1 goes unanswered for 2 s, so every run escalates once to carol, who waits an hour.
      raw.escalationPolicies = [{ id: 'default', levels: [{ targets: [{ person: 'alice' }], delay: '2s' }, { targets: [{ person: 'carol' }], delay: '1h' }] }];
    },
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

const { state, act, report } = incidentApi(() => stack);

/** Opens an incident over the api and walks it through every transition. */
async function lifecycle(cluster: string): Promise<string> {
  const id = await report(anomaly({ cluster }));
  await eventually(async () => (await state(id)).timeline.some((e) => e.type === 'escalated'), 'the escalation to level 2', 30_000);
  await act(id, 'ack', 'carol');
  await act(id, 'handoff', 'carol', { to: 'bob', note: 'end of my shift' });
  await act(id, 'resolve', 'carol', { summary: 'rolled back to v41' });
  return id;
}

/** The ids the incident's timeline gives its six transitions, once everything is published. */
async function published(id: string, timeoutMs = 60_000): Promise<{ type: string; id: string }[]> {
  const s = await eventually(async () => {
    const st = await state(id);
    return st.status === 'resolved' && st.postmortemId && (st.publishedUpTo ?? 0) >= st.timeline.length ? st : undefined;
  }, `${id} resolved with every timeline entry published`, timeoutMs);
  // A sink failure that was not retried would show as a note here and skip the entries.
  expect(s.timeline.filter((e) => e.text.startsWith('Event sinks refused'))).toEqual([]);
  const key = `${s.id}@${s.openedAt}`;
  const types: Record<string, string> = { detected: 'incident.triggered', escalated: 'incident.escalated', acknowledged: 'incident.acknowledged', handoff: 'incident.handed_off', resolved: 'incident.resolved', postmortem: 'incident.postmortem_ready' };
  return s.timeline.flatMap((e, i) => (types[e.type] ? [{ type: types[e.type]!, id: `${key}#${i}` }] : []));
}

async function droppedFor(endpoint: string): Promise<number> {
  const { values } = await workerRegistry.getSingleMetric('webhook_deliveries_total')!.get();
  return values.filter((v) => v.labels.endpoint === endpoint && v.labels.outcome === 'dropped').reduce((a, v) => a + v.value, 0);
}

const bodyOf = (r: Received) => JSON.parse(r.raw) as { id: string; type: string; incident: { id: string } };
const acceptedFor = (id: string, path = '/hooks') => receiver.accepted(path).filter((r) => bodyOf(r).incident.id === id);

function expectSignedOnceInOrder(got: Received[], expected: { type: string; id: string }[]): void {
  expect(got.map((r) => ({ type: bodyOf(r).type, id: r.headers['webhook-id'] }))).toEqual(expected);
  for (const r of got) {
    expect(verifyWebhook(r.raw, r.headers['webhook-signature'], SECRET)).toMatchObject({ ok: true });
    expect(bodyOf(r).id).toBe(r.headers['webhook-id']);
  }
}

describe('signed webhooks on the real stack', () => {
  it('delivers every transition of a lifecycle exactly once, signed, in order, to the endpoints whose filters select it', async () => {
    const id = await lifecycle('hooks-east');
    const expected = await published(id);
    expect(expected.map((e) => e.type)).toEqual(LIFECYCLE);
    expectSignedOnceInOrder(acceptedFor(id), expected);
    expect(acceptedFor(id, '/resolutions').map((r) => bodyOf(r).type)).toEqual(['incident.resolved']);
    expect(acceptedFor(id, '/elsewhere')).toEqual([]);
    expect(receiver.requests.filter((r) => r.status >= 300)).toEqual([]);
    // The endpoint on a closed port was retried for 3 s, then given up: all six dropped, none held the incident.
    expect(await droppedFor('dead')).toBe(6);
  }, 120_000);

  it('still delivers each transition exactly once and in order across a receiver outage: 503s, a closed port, then back', async () => {
    receiver.failAll({ status: 503 });
    const id = await lifecycle('hooks-west');
    await eventually(() => receiver.requests.filter((r) => r.status === 503).length >= 2, 'two 503 answers', 30_000);
    receiver.failAll(undefined);
    await receiver.down();
    // The publishing activity is retrying against the closed port (Temporal shows why).
    const handle = stack.client.workflow.getHandle(id);
    await eventually(async () => (await handle.describe()).raw.pendingActivities?.some((a) => /endpoint "all" is unreachable \(ECONNREFUSED\)/.test(a.lastFailure?.message ?? '')), 'a publish attempt refused by the closed port', 40_000);
    await receiver.up();

    const expected = await published(id, 90_000);
    expect(expected.map((e) => e.type)).toEqual(LIFECYCLE);
    expectSignedOnceInOrder(acceptedFor(id), expected);
    expect(acceptedFor(id, '/resolutions').map((r) => bodyOf(r).type)).toEqual(['incident.resolved']);
    // The 503s went to the first event; nothing after it was sent before it was delivered.
    const failed = receiver.requests.filter((r) => r.status === 503 && r.path === '/hooks').map((r) => r.headers['webhook-id']);
    expect(new Set(failed)).toEqual(new Set([expected[0]!.id]));
    expect(await droppedFor('dead')).toBe(12);
    expect(await droppedFor('all')).toBe(0);
  }, 180_000);
});
