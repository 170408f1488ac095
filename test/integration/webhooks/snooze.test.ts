// incident.snoozed and incident.snooze_ended on the real stack (real Temporal dev server, api,
// worker, a loopback receiver): a receiver such as a status page learns that paging is held back
// until a given time, and when that hold ends (here: an acknowledgement ends it early).
import { verifyWebhook } from '../../../activities/webhooks/verify';
import { anomaly } from '../../helpers/anomaly';
import { eventually } from '../../helpers/stack';
import { bodyOf, incidentApi, webhookStack } from './incidents';

const SECRET = 'whsec_snooze_5d2a9c7e1f30';
let hooks: Awaited<ReturnType<typeof webhookStack>>;

beforeAll(async () => {
  hooks = await webhookStack({
    secret: SECRET,
    endpoints: (url, secret) => [
      { name: 'all', url: url('/hooks'), secret },
      { name: 'status-page', url: url('/status'), secret, events: ['incident.snoozed', 'incident.snooze_ended'] },
    ],
    config: (raw) => (raw.escalationPolicies = [{ id: 'default', levels: [{ targets: [{ person: 'alice' }], delay: '1h' }] }]),
  });
}, 120_000);
afterAll(() => hooks?.stop());

const api = incidentApi(() => hooks.stack);
const { state, act } = api;
const acceptedFor = (id: string, path?: string) => hooks.acceptedFor(id, path);

describe('snooze webhooks on the real stack', () => {
  it('tell the receiver, signed and once, that escalation is snoozed until a time and when the snooze ended', async () => {
    const id = await api.report({ ...anomaly({ cluster: 'hooks-snooze' }), observedAt: new Date().toISOString() });
    await eventually(async () => (await state(id)).level === 1, 'level 1 paged', 30_000);
    expect(await act(id, 'snooze', 'alice', { duration: '30m' })).toMatchObject({ outcome: 'done' });
    await act(id, 'ack', 'alice');
    const s = await eventually(async () => {
      const st = await state(id);
      return st.timeline.some((e) => e.data?.snoozeEnded) && (st.publishedUpTo ?? 0) >= st.timeline.length ? st : undefined;
    }, 'the snooze ended and the timeline published', 60_000);
    const key = `${s.id}@${s.openedAt}`;
    const snoozedAt = s.timeline.findIndex((e) => e.type === 'snoozed');
    const endedAt = s.timeline.findIndex((e) => e.data?.snoozeEnded);
    const until = s.timeline[snoozedAt]!.data!.until as string;
    expect(Date.parse(until) - Date.parse(s.timeline[snoozedAt]!.at)).toBe(30 * 60_000);

    await eventually(() => acceptedFor(id).some((r) => bodyOf(r).type === 'incident.snooze_ended'), 'the snooze end delivered', 30_000);
    const got = acceptedFor(id);
    expect(got.map((r) => bodyOf(r).type)).toEqual(['incident.triggered', 'incident.snoozed', 'incident.acknowledged', 'incident.snooze_ended']);
    for (const r of got) expect(verifyWebhook(r.raw, r.headers['webhook-signature'], SECRET)).toMatchObject({ ok: true });
    const [snoozed, ended] = got.map(bodyOf).filter((b) => b.type.startsWith('incident.snooze'));
    expect(snoozed).toMatchObject({ id: `${key}#${snoozedAt}`, data: { until, durationMs: 30 * 60_000, actor: 'alice', text: expect.stringContaining(`until ${until}`) } });
    expect(ended).toMatchObject({ id: `${key}#${endedAt}`, data: { snoozeEnded: until, actor: 'system', text: expect.stringMatching(/ended: acknowledged$/) } });
    // An endpoint that chose the snooze events gets exactly those.
    expect(acceptedFor(id, '/status').map((r) => bodyOf(r).type)).toEqual(['incident.snoozed', 'incident.snooze_ended']);
    expect(hooks.receiver.requests.filter((r) => r.status >= 300)).toEqual([]);
  }, 120_000);
});
