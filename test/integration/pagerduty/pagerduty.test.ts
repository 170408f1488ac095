// The PagerDuty pager and event sink against the fake Events API v2: what is sent, and how each
// answer becomes a typed failure for Temporal.
import { ApplicationFailure } from '@temporalio/common';
import { createPagerDuty } from '../../../activities/paging/pagerduty/events';
import type { EventBatch } from '../../../activities/events';
import type { PagerDutyConfig } from '../../../activities/paging/pagerduty/config';
import type { Person } from '../../../config/schema';
import { parseConfig } from '../../../config/load';
import { exampleRaw } from '../../helpers/config';
import { FakePagerDuty } from '../../fakes/pagerduty/server';

const SERVICE_KEY = 'a'.repeat(32);
const CAROL_KEY = 'c'.repeat(32);
const env = { PD_SERVICE: SERVICE_KEY, PD_CAROL: CAROL_KEY, PD_SHORT: 'too-short' };

let fake: FakePagerDuty;
let pd: PagerDutyConfig;
const warnings: string[] = [];
let pagerduty: ReturnType<typeof createPagerDuty>;

beforeAll(async () => {
  fake = await FakePagerDuty.start();
  const raw = exampleRaw();
  raw.paging = { pagerduty: { enabled: true, url: fake.url, routingKey: { fromEnv: 'PD_SERVICE' }, people: { carol: { fromEnv: 'PD_CAROL' } } } };
  const config = parseConfig(raw, 'pagerduty test config');
  pd = config.paging.pagerduty!;
  pagerduty = createPagerDuty({ config: () => pd, env, warn: (m) => warnings.push(m), clientUrl: () => 'http://127.0.0.1:8080' });
});
afterAll(async () => fake?.stop());

const person = (id: string, name: string): Person => ({ id, name, roles: ['responder'], chat: {} });
let n = 0;
const incident = () => `incident/prod/checkout-${process.pid}-${++n}`;
const page = (incidentId: string, personId = 'alice') => ({
  incidentId,
  key: `${incidentId}@2026-03-02T10:00:00.000Z/page/L1R0/${personId}`,
  personId,
  refs: [],
  text: 'you are paged for CrashLoopBackOff on Deployment/checkout in prod (critical). Reply /ack to take it.',
  via: ['pagerduty'],
  severity: 'critical' as const,
});
const batch = (incidentId: string, types: string[]): EventBatch => ({
  incident: { id: incidentId, key: `${incidentId}@t`, cluster: 'prod', severity: 'critical', kind: 'CrashLoopBackOff', status: 'resolved', resource: { kind: 'Deployment', name: 'checkout' } },
  startIndex: 0,
  entries: types.map((type) => ({ at: '2026-03-02T10:05:00.000Z', type: type as never, text: type })),
});
async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('PagerDuty', () => {
  it('triggers with the incident id as dedup key, the service routing key and the page severity', async () => {
    const id = incident();
    expect(await pagerduty.pager.page(page(id), person('alice', 'Alice Liddell'))).toEqual(['pagerduty']);
    const [event] = fake.eventsFor(id);
    expect(event).toMatchObject({
      routing_key: SERVICE_KEY,
      event_action: 'trigger',
      dedup_key: id,
      payload: { source: 'prod', severity: 'critical', custom_details: { incident: id, person: 'alice' } },
      client_url: `http://127.0.0.1:8080/chat#incident=${encodeURIComponent(id)}`,
    });
    expect(event!.payload!.summary).toMatch(/^Alice Liddell: you are paged for CrashLoopBackOff/);
  });

  it("uses a person's own routing key when they have one", async () => {
    const id = incident();
    expect(await pagerduty.pager.page(page(id, 'carol'), person('carol', 'Carol Danvers'))).toEqual(["pagerduty (carol's service)"]);
    expect(fake.eventsFor(id)[0]!.routing_key).toBe(CAROL_KEY);
  });

  it('mirrors acknowledgement and resolution to every routing key, and a repeated batch is harmless', async () => {
    const id = incident();
    await pagerduty.pager.page(page(id), person('alice', 'Alice Liddell'));
    await pagerduty.sink.publish(batch(id, ['paged', 'acknowledged']));
    expect(fake.alertState(id)).toBe('acknowledged');
    await pagerduty.sink.publish(batch(id, ['resolved', 'postmortem']));
    await pagerduty.sink.publish(batch(id, ['resolved', 'postmortem']));
    expect(fake.alertState(id)).toBe('resolved');
    expect(fake.eventsFor(id).map((e) => `${e.event_action}:${e.routing_key[0]}`)).toEqual(['trigger:a', 'acknowledge:a', 'acknowledge:c', 'resolve:a', 'resolve:c', 'resolve:a', 'resolve:c']);
  });

  it('sends nothing for timeline entries other than acknowledged and resolved', async () => {
    const before = fake.events.length;
    await pagerduty.sink.publish(batch(incident(), ['detected', 'alerted', 'paged', 'escalated', 'handoff', 'note']));
    expect(fake.events.length).toBe(before);
  });

  it('turns throttling into a rate-limit failure and server errors into retryable ones', async () => {
    fake.failNext({ status: 429, retryAfter: '12' });
    expect(await failure(pagerduty.pager.page(page(incident()), person('alice', 'Alice')))).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 12_000 });
    fake.failNext({ status: 429 });
    expect(await failure(pagerduty.sink.publish(batch(incident(), ['acknowledged'])))).toMatchObject({ type: 'RateLimited', nonRetryable: false });
    fake.failNext({ status: 502 });
    expect(await failure(pagerduty.pager.page(page(incident()), person('alice', 'Alice')))).toMatchObject({ type: 'Unavailable', nonRetryable: false });
  });

  it("fails a page PagerDuty rejects permanently with PagerDuty's own explanation", async () => {
    const bad = createPagerDuty({ config: () => ({ ...pd, routingKey: { fromEnv: 'PD_SHORT' }, people: {} }), env });
    const err = await failure(bad.pager.page(page(incident()), person('alice', 'Alice')));
    expect(err).toMatchObject({ type: 'InvalidRequest', nonRetryable: true });
    expect(err.message).toContain("Length of 'routing_key' is incorrect (should be 32 characters)");
    expect(err.message).not.toContain('too-short');
  });

  it('skips a mirror event PagerDuty rejects with a warning instead of failing the incident', async () => {
    const bad = createPagerDuty({ config: () => ({ ...pd, routingKey: { fromEnv: 'PD_SHORT' }, people: {} }), env, warn: (m) => warnings.push(m) });
    await bad.sink.publish(batch(incident(), ['acknowledged']));
    expect(warnings.at(-1)).toMatch(/PagerDuty mirror of incident\/prod\/.* skipped: PagerDuty rejected the acknowledge event: Length of 'routing_key'/);
  });

  it('names the missing routing key of a person nobody configured a key for', async () => {
    const none = createPagerDuty({ config: () => ({ ...pd, routingKey: undefined, people: {} }), env });
    const err = await failure(none.pager.page(page(incident(), 'bob'), person('bob', 'Bob Marley')));
    expect(err).toMatchObject({ type: 'PersonUnreachable', nonRetryable: true });
    expect(err.message).toBe('Bob Marley has no PagerDuty routing key: set paging.pagerduty.people.bob or paging.pagerduty.routingKey');
  });
});
