// The webhook sink against a loopback receiver (no Temporal: the sink is called as the publishing
// activity calls it): what is sent and signed, and how each answer becomes delivered, dropped or a
// retryable failure that Temporal retries without sending again what was delivered.
import { ApplicationFailure } from '@temporalio/common';
import type { EventBatch } from '../../../activities/events';
import type { TimelineType } from '../../../workflows/definitions';
import { WebhookSink } from '../../../activities/webhooks/sink';
import { verifyWebhook } from '../../../activities/webhooks/verify';
import { workerRegistry } from '../../../metrics/incidents';
import { testConfig } from '../../helpers/config';
import { WebhookReceiver } from './receiver';

const SECRET = 'whsec_delivery_test_0123456789';
const env = { HOOK_SECRET: SECRET };
let receiver: WebhookReceiver;
const warnings: string[] = [];

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
});
afterAll(async () => receiver?.stop());

/** A sink over endpoints given as raw config (validated like the real file). */
function sink(endpoints: Record<string, unknown>[], clock: { nowMs?: () => number } = {}): WebhookSink {
  const cfg = testConfig((raw) => (raw.webhooks = { endpoints: endpoints.map((e) => ({ secret: { fromEnv: 'HOOK_SECRET' }, ...e })) }));
  return new WebhookSink({
    config: () => cfg.webhooks,
    env,
    warn: (m) => warnings.push(m),
    links: () => ({ apiUrl: 'http://127.0.0.1:8080', temporalUiUrl: 'http://127.0.0.1:8233', temporalNamespace: 'default' }),
    ...clock,
  });
}

let n = 0;
function batch(types: TimelineType[], over: Partial<EventBatch['incident']> = {}, startIndex = 0): EventBatch {
  const id = `incident/prod/checkout-${process.pid}-${++n}`;
  return {
    incident: { id, key: `${id}@2026-12-05T10:00:00.000Z`, cluster: 'prod', namespace: 'shop', severity: 'critical', kind: 'CrashLoopBackOff', status: 'resolved', resource: { kind: 'Deployment', name: 'checkout' }, ...over },
    startIndex,
    entries: types.map((type, i) => ({ at: `2026-12-05T10:0${i}:00.000Z`, type, text: `${type} text`, actor: type === 'acknowledged' ? 'alice' : 'system', ...(type === 'postmortem' ? { data: { id: `${id}@pm` } } : {}) })),
  };
}
const bodiesFor = (b: EventBatch, path = '/hooks') => receiver.accepted(path).map((r) => JSON.parse(r.raw)).filter((e) => e.incident.id === b.incident.id);
async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}
async function metric(endpoint: string, outcome: string): Promise<number> {
  const m = (await workerRegistry.getSingleMetric('webhook_deliveries_total')!.get()).values;
  return m.filter((v) => v.labels.endpoint === endpoint && v.labels.outcome === outcome).reduce((a, v) => a + v.value, 0);
}

describe('the webhook sink', () => {
  it('sends each lifecycle transition once, in order, signed over its raw body, and nothing for other entries', async () => {
    const b = batch(['detected', 'alerted', 'diagnostics', 'paged', 'escalated', 'acknowledged', 'note', 'handoff', 'resolved', 'postmortem'], {}, 3);
    await sink([{ name: 'all', url: receiver.url() }]).publish(b);
    const got = receiver.accepted().filter((r) => JSON.parse(r.raw).incident.id === b.incident.id);
    expect(got.map((r) => JSON.parse(r.raw).type)).toEqual(['incident.triggered', 'incident.escalated', 'incident.acknowledged', 'incident.handed_off', 'incident.resolved', 'incident.postmortem_ready']);
    expect(got.map((r) => r.headers['webhook-id'])).toEqual([3, 7, 8, 10, 11, 12].map((i) => `${b.incident.key}#${i}`));
    for (const r of got) {
      expect(verifyWebhook(r.raw, r.headers['webhook-signature'], SECRET)).toMatchObject({ ok: true });
      expect(JSON.parse(r.raw).id).toBe(r.headers['webhook-id']);
      expect(r.headers['webhook-signature']).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    }
    const enc = encodeURIComponent(b.incident.id);
    expect(JSON.parse(got[2]!.raw)).toEqual({
      id: `${b.incident.key}#8`,
      type: 'incident.acknowledged',
      created: '2026-12-05T10:05:00.000Z',
      incident: {
        ...b.incident,
        links: { incident: `http://127.0.0.1:8080/api/incidents/${enc}`, chat: `http://127.0.0.1:8080/chat#incident=${enc}`, temporal: `http://127.0.0.1:8233/namespaces/default/workflows/${enc}` },
      },
      data: { text: 'acknowledged text', actor: 'alice' },
    });
    expect(JSON.parse(got[5]!.raw).incident.links.postmortem).toBe(`http://127.0.0.1:8080/api/postmortems/${encodeURIComponent(`${b.incident.id}@pm`)}`);
  });

  it('fails retryably on 503 with the Retry-After delay, stops there, and on retry sends only what was not delivered', async () => {
    const s = sink([{ name: 'flaky', url: receiver.url() }]);
    const b = batch(['detected', 'acknowledged', 'resolved']);
    receiver.failNext({ status: 200 }, { status: 503, retryAfter: '7' });
    const err = await failure(s.publish(b));
    expect(err).toMatchObject({ nonRetryable: false, nextRetryDelay: 7000 });
    expect(err.message).toContain(`endpoint "flaky" answered HTTP 503 to ${b.incident.key}#1`);
    expect(bodiesFor(b).map((e) => e.type)).toEqual(['incident.triggered']); // the resolution waits behind the ack
    await s.publish(b);
    await s.publish(b); // a retry after success sends nothing either
    expect(bodiesFor(b).map((e) => e.type)).toEqual(['incident.triggered', 'incident.acknowledged', 'incident.resolved']);
    expect(await metric('flaky', 'retry')).toBe(1);
    expect(await metric('flaky', 'delivered')).toBe(3);
  });

  it.each([408, 429, 500, 502])('retries HTTP %i', async (status) => {
    receiver.failNext({ status });
    expect(await failure(sink([{ name: 'retried', url: receiver.url() }]).publish(batch(['detected'])))).toMatchObject({ nonRetryable: false });
  });

  it('drops an event the receiver refuses with a 4xx, warns and counts it, and goes on with the next event', async () => {
    const s = sink([{ name: 'picky', url: receiver.url() }]);
    const b = batch(['detected', 'resolved']);
    receiver.failNext({ status: 410 });
    await s.publish(b);
    await s.publish(b);
    expect(bodiesFor(b).map((e) => e.type)).toEqual(['incident.resolved']);
    expect(receiver.requests.filter((r) => r.headers['webhook-id'] === `${b.incident.key}#0`).map((r) => r.status)).toEqual([410]);
    expect(warnings.at(-1)).toBe(
      `webhook event ${b.incident.key}#0 (incident.triggered) dropped: endpoint "picky" answered HTTP 410, which is not retried; check the endpoint's url and its receiver (docs/webhooks.md)`,
    );
    expect(await metric('picky', 'dropped')).toBe(1);
  });

  it('fails retryably when the receiver does not answer in time', async () => {
    receiver.failNext({ hangMs: 1500 });
    const err = await failure(sink([{ name: 'slow', url: receiver.url(), timeout: '300ms' }]).publish(batch(['detected'])));
    expect(err.message).toContain('endpoint "slow" did not answer within 300 ms');
  });

  it('fails retryably when the port refuses connections, without the URL (it may carry a token) in the message', async () => {
    const closed = await WebhookReceiver.start();
    const url = closed.url('/hooks?token=s3cr3t');
    await closed.stop();
    const err = await failure(sink([{ name: 'gone', url }]).publish(batch(['detected'])));
    expect(err).toMatchObject({ nonRetryable: false, type: 'Unavailable' });
    expect(err.message).toContain('endpoint "gone" is unreachable (ECONNREFUSED)');
    expect(err.message).not.toContain('s3cr3t');
  });

  it('drops what an endpoint still refuses after failing for its retryFor, then drops at once until it answers again', async () => {
    let now = Date.parse('2026-12-05T10:00:00Z');
    const s = sink([{ name: 'dying', url: receiver.url(), retryFor: '1h' }], { nowMs: () => now });
    const first = batch(['detected', 'acknowledged']);
    receiver.failAll({ status: 503 });
    try {
      await failure(s.publish(first));
      now += 59 * 60_000;
      await failure(s.publish(first));
      now += 2 * 60_000;
      await s.publish(first); // past the hour: given up, the publish succeeds
      expect(warnings.at(-1)).toBe(
        `webhook events ${first.incident.key}#0, ${first.incident.key}#1 dropped: endpoint "dying" has failed for longer than its retryFor (3600 s): endpoint "dying" answered HTTP 503 to ${first.incident.key}#0`,
      );
      expect(await metric('dying', 'dropped')).toBe(2);
      const next = batch(['resolved']);
      await s.publish(next); // still failing: no new hour of retries
      expect(await metric('dying', 'dropped')).toBe(3);
      receiver.failAll(undefined);
      const back = batch(['detected']);
      await s.publish(back);
      expect(bodiesFor(back).map((e) => e.type)).toEqual(['incident.triggered']);
      receiver.failNext({ status: 503 });
      await failure(s.publish(batch(['detected']))); // answering again restarted the clock
    } finally {
      receiver.failAll(undefined);
    }
    expect(bodiesFor(first)).toEqual([]);
  });

  it('gives each endpoint only the events and incidents its filters select, and one endpoint down does not hold back another', async () => {
    const closed = await WebhookReceiver.start();
    const deadUrl = closed.url();
    await closed.stop();
    const s = sink([
      { name: 'dead', url: deadUrl },
      { name: 'resolutions', url: receiver.url('/resolutions'), events: ['incident.resolved'] },
      { name: 'prod-critical', url: receiver.url('/prod-critical'), match: { cluster: ['prod'], severity: ['critical'] } },
      { name: 'shop', url: receiver.url('/shop'), match: { namespace: ['shop'] } },
    ]);
    const critical = batch(['detected', 'resolved']);
    const warning = batch(['detected', 'resolved'], { severity: 'warning', namespace: undefined });
    await failure(s.publish(critical));
    await failure(s.publish(warning));
    const types = (path: string, b: EventBatch) => bodiesFor(b, path).map((e) => e.type);
    expect(types('/resolutions', critical)).toEqual(['incident.resolved']);
    expect(types('/resolutions', warning)).toEqual(['incident.resolved']);
    expect(types('/prod-critical', critical)).toEqual(['incident.triggered', 'incident.resolved']);
    expect(types('/prod-critical', warning)).toEqual([]);
    expect(types('/shop', critical)).toEqual(['incident.triggered', 'incident.resolved']);
    expect(types('/shop', warning)).toEqual([]);
  });
});
