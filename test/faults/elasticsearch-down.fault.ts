// Fault 5, Elasticsearch down for two minutes (FAULT_ES_OUTAGE_S changes it): the run's real node sits
// behind a proxy that refuses connections while four incidents are acknowledged and resolved (one
// opened during the outage). Their postmortems and event archives wait in Temporal's retries and land
// once the node is back: one postmortem document each (version 1), every timeline entry archived
// once, one "Resolved. Postmortem" reply each in chat. Time to recover: from the node's return to the
// last postmortem stored (the retry backoff reaches minutes, so this figure is part of the point).
import type { IncidentState } from '../../workflows/definitions';
import { EsFaultProxy } from '../fakes/elasticsearch';
import { anomaly } from '../helpers/anomaly';
import { runElasticsearchUrl, testIndexPrefix } from '../helpers/elasticsearch';
import { expectNothingLostOrDuplicated, reportFigures, routeToFaultSlack, slackTally, startFaultSlack, type FaultSlack } from '../helpers/faults';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { adminClient } from '../integration/elasticsearch/target';

const OUTAGE_MS = Number(process.env.FAULT_ES_OUTAGE_S ?? 120) * 1000;
const prefix = testIndexPrefix();
const pmIndex = `incident-postmortems-${prefix}`;
const eventStream = `incident-events-${prefix}`;
const admin = adminClient(runElasticsearchUrl());
let proxy: EsFaultProxy;
let slack: FaultSlack;
let stack: Stack;

beforeAll(async () => {
  proxy = await EsFaultProxy.start(runElasticsearchUrl());
  slack = await startFaultSlack();
  stack = await startStack({
    worker: true,
    config: (raw) => {
      routeToFaultSlack(raw, slack, raw.dataDir, { level1: '1h', level2: '1h' });
      raw.postmortems = { store: 'elasticsearch', index: pmIndex };
      raw.elasticsearch = { node: proxy.url, requestTimeout: '5s', archive: { enabled: true, dataStream: eventStream } };
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  await slack?.fake.stop();
  await admin.close();
});

const enc = encodeURIComponent;
const state = async (id: string) => (await (await stack.request(`/api/incidents/${enc(id)}`, { token: 'ops' })).json()) as IncidentState;
async function open(n: number): Promise<string> {
  const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'es-down', owner: { kind: 'Deployment', name: `svc-${n}`, namespace: 'shop' } }) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { incidentId: string }).incidentId;
}
async function ackAndResolve(id: string): Promise<void> {
  for (const [action, body] of [['ack', {}], ['resolve', { summary: 'rolled back' }]] as const) {
    const res = await stack.request(`/api/incidents/${enc(id)}/${action}`, { token: 'alice', json: body });
    expect(res.status).toBe(200);
  }
}
/** Documents in the real node, read past the proxy. */
async function stored(index: string, query: Record<string, unknown>): Promise<{ id: string; version: number }[]> {
  await admin.indices.refresh({ index, ignore_unavailable: true });
  const r = await admin.search({ index, query, size: 1000, version: true, ignore_unavailable: true });
  return r.hits.hits.map((h) => ({ id: h._id!, version: h._version! }));
}

describe('Elasticsearch down for minutes', () => {
  it('stores every postmortem and archive entry exactly once after the node is back', async () => {
    const ids = await Promise.all([1, 2, 3].map(open));
    await eventually(() => ids.every((id) => slackTally(slack).alerted.has(id)), 'three incidents alerted');

    await proxy.refuseConnections();
    const downAt = Date.now();
    for (const id of ids) await ackAndResolve(id);
    ids.push(await open(4));
    await eventually(() => slackTally(slack).alerted.has(ids[3]!), 'the incident opened during the outage alerted');
    await ackAndResolve(ids[3]!);
    // The outage is felt: storing a postmortem has failed against the closed port.
    await eventually(async () => {
      const pending = (await stack.client.workflow.getHandle(ids[0]!).describe()).raw.pendingActivities ?? [];
      return pending.some((p) => p.activityType?.name === 'storePostmortem' && /not reachable/.test(p.lastFailure?.message ?? ''));
    }, 'a refused storePostmortem attempt', 60_000);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    expect(await stored(pmIndex, { match_all: {} })).toEqual([]);

    await proxy.resume();
    const upAt = Date.now();
    // Postmortem retries back off up to 5 minutes: the one after the outage may be that far away.
    await eventually(
      async () => (await Promise.all(ids.map(async (id) => (await stack.client.workflow.getHandle(id).describe()).status.name))).every((s) => s === 'COMPLETED'),
      'every incident completed (postmortem stored, archive published)',
      OUTAGE_MS + 330_000,
      1_000,
    );
    const recoverMs = Date.now() - upAt;

    let lost = 0;
    for (const id of ids) {
      const s = await state(id);
      const docs = await stored(pmIndex, { term: { incidentId: id } });
      const events = await stored(eventStream, { term: { 'incident.key': `${s.id}@${s.openedAt}` } });
      if (docs.length === 0 || events.length < s.timeline.length) lost += 1;
      expect(docs).toEqual([{ id: s.postmortemId, version: 1 }]);
      expect(events.map((e) => e.version)).toEqual(s.timeline.map(() => 1));
    }
    const t = slackTally(slack);
    const replies = slack.fake.channel(slack.channel).messages.filter((m) => m.threadTs && m.text.startsWith('Resolved. Postmortem'));
    expect(replies).toHaveLength(ids.length);
    const figures = { incidents: ids.length, lost, duplicatePages: t.duplicatePages, duplicateMessages: t.duplicateMessages, recoverMs };
    reportFigures(`Elasticsearch down ${Math.round(OUTAGE_MS / 1000)} s`, figures);
    expectNothingLostOrDuplicated(figures);
  }, OUTAGE_MS + 480_000);
});
