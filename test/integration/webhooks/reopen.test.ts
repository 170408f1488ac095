// incident.reopened on the real stack (real Temporal dev server, api, worker, a loopback receiver):
// a resolved incident that recurs within its flap window, and one reopened with /incident reopen,
// each reach the receiver as a signed `incident.reopened`, once and in timeline order, so a ticket
// closed on `incident.resolved` can be opened again.
import { verifyWebhook } from '../../../activities/webhooks/verify';
import type { Anomaly, IncidentState } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { eventually } from '../../helpers/stack';
import { bodyOf, incidentApi, webhookStack } from './incidents';

const SECRET = 'whsec_reopen_8c1e4f0a2b7d';
let hooks: Awaited<ReturnType<typeof webhookStack>>;

beforeAll(async () => {
  hooks = await webhookStack({
    secret: SECRET,
    endpoints: (url, secret) => [
      { name: 'all', url: url('/hooks'), secret },
      { name: 'tickets', url: url('/tickets'), secret, events: ['incident.resolved', 'incident.reopened'] },
    ],
    config: (raw) => {
      raw.incidents = { flapWindow: '10m' };
      raw.escalationPolicies = [{ id: 'default', levels: [{ targets: [{ person: 'alice' }], delay: '1h' }] }];
    },
  });
}, 120_000);
afterAll(() => hooks?.stop());

const api = incidentApi(() => hooks.stack);
const { state, act } = api;
const report = (a: Anomaly) => api.report({ ...a, observedAt: new Date().toISOString() });
const acceptedFor = (id: string, path?: string) => hooks.acceptedFor(id, path);

/** The state once the run holds `status` and every timeline entry went to the sinks. */
async function publishedAs(id: string, status: IncidentState['status'], entries: number): Promise<IncidentState> {
  return eventually(async () => {
    const s = await state(id);
    return s.status === status && s.timeline.length >= entries && (s.publishedUpTo ?? 0) >= s.timeline.length ? s : undefined;
  }, `${id} ${status} with its timeline published`, 60_000);
}

describe('incident.reopened on the real stack', () => {
  it('tells the receiver, signed and once, when a flap reopens a resolved incident and when a person reopens it', async () => {
    const problem = anomaly({ cluster: 'hooks-flap' });
    const id = await report(problem);
    await eventually(async () => (await state(id)).level === 1, 'level 1 paged', 30_000);
    await act(id, 'ack', 'alice');
    await act(id, 'resolve', 'alice', { summary: 'restarted the pods' });
    const resolved = await eventually(async () => {
      const s = await state(id);
      return s.postmortemId && (s.publishedUpTo ?? 0) >= s.timeline.length ? s : undefined;
    }, 'the postmortem stored and published', 60_000);

    // The same problem within the flap window: the same incident, back with alice.
    await report(problem);
    const flapped = await publishedAs(id, 'acknowledged', resolved.timeline.length + 1);
    const flapIndex = flapped.timeline.findIndex((e) => e.type === 'reopened');
    expect(flapped.timeline[flapIndex]).toMatchObject({ actor: 'system', data: { flap: 1 } });
    await eventually(() => acceptedFor(id).some((r) => bodyOf(r).type === 'incident.reopened'), 'the reopen delivered', 30_000);

    // Resolved again, then reopened by a person with /incident reopen (REST here).
    await act(id, 'resolve', 'alice', { summary: 'rolled back' });
    await eventually(async () => (await state(id)).timeline.filter((e) => e.type === 'postmortem').length === 2, 'the postmortem updated', 60_000);
    expect(await act(id, 'reopen', 'bob', { reason: 'errors are back' })).toMatchObject({ outcome: 'done', status: 'acknowledged' });
    const reopened = await publishedAs(id, 'acknowledged', flapped.timeline.length + 3);
    const key = `${reopened.id}@${reopened.openedAt}`;

    // Every transition once, in timeline order, with the stable ids the timeline gives them.
    const TYPES: Record<string, string> = { detected: 'incident.triggered', acknowledged: 'incident.acknowledged', resolved: 'incident.resolved', postmortem: 'incident.postmortem_ready', reopened: 'incident.reopened' };
    const expected = reopened.timeline.flatMap((e, i) => (TYPES[e.type] ? [{ type: TYPES[e.type]!, id: `${key}#${i}` }] : []));
    expect(expected.map((e) => e.type)).toEqual([
      'incident.triggered',
      'incident.acknowledged',
      'incident.resolved',
      'incident.postmortem_ready',
      'incident.reopened',
      'incident.resolved',
      'incident.postmortem_ready',
      'incident.reopened',
    ]);
    await eventually(() => acceptedFor(id).length >= expected.length, 'every event delivered', 30_000);
    const got = acceptedFor(id);
    expect(got.map((r) => ({ type: bodyOf(r).type, id: r.headers['webhook-id'] }))).toEqual(expected);
    for (const r of got) expect(verifyWebhook(r.raw, r.headers['webhook-signature'], SECRET)).toMatchObject({ ok: true });

    const [byFlap, byPerson] = got.filter((r) => bodyOf(r).type === 'incident.reopened').map(bodyOf);
    expect(byFlap).toMatchObject({ id: `${key}#${flapIndex}`, incident: { key }, data: { flap: 1, actor: 'system', text: expect.stringMatching(/^Reopened: recurred \(BackOff\) within the flap window/) } });
    expect(byPerson).toMatchObject({ incident: { key, status: 'acknowledged' }, data: { by: 'bob', actor: 'bob', text: expect.stringMatching(/^Reopened by Bob Marley \(.*\): errors are back$/) } });
    // An endpoint that chose resolved and reopened gets exactly those, in order.
    expect(acceptedFor(id, '/tickets').map((r) => bodyOf(r).type)).toEqual(['incident.resolved', 'incident.reopened', 'incident.resolved', 'incident.reopened']);
    expect(hooks.receiver.requests.filter((r) => r.status >= 300)).toEqual([]);
    await hooks.stack.client.workflow.getHandle(id).terminate('test cleanup: the flap window would keep the run open');
  }, 180_000);
});
