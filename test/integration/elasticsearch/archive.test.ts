// The event archive sink with the real client: every timeline entry once in a data stream under
// its stable id. The first part runs against the run's real node (or ELASTICSEARCH_URL); the
// per-item failure cases use the strict fake, which can fail single items on cue (a healthy node
// cannot be told to reject one item of a bulk).
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@elastic/elasticsearch';
import { ElasticEventArchive } from '../../../activities/archive';
import { connectElastic, type ElasticConfig } from '../../../activities/postmortem/elastic';
import { eventId, type EventBatch } from '../../../activities/events';
import { FakeElasticsearch, esErrors } from '../../fakes/elasticsearch';
import { adminClient, esTarget, targetLabel, type EsTarget } from './target';

const sinks: ElasticEventArchive[] = [];
afterEach(async () => {
  for (const s of sinks.splice(0)) await s.close();
});

function batch(startIndex: number, n: number, key = 'incident/prod-eu/checkout@2026-03-01T10:00:00.000Z'): EventBatch {
  return {
    incident: { id: key.split('@')[0]!, key, cluster: 'prod-eu', namespace: 'shop', severity: 'critical', kind: 'CrashLoopBackOff', status: 'triggered', resource: { kind: 'Deployment', name: 'checkout', namespace: 'shop' } },
    startIndex,
    entries: Array.from({ length: n }, (_, i) => ({ at: `2026-03-01T10:00:${String(startIndex + i).padStart(2, '0')}.000Z`, type: 'note' as const, actor: 'system', text: `entry ${startIndex + i}` })),
  };
}

function sink(cfg: ElasticConfig, dataStream: string): ElasticEventArchive {
  const s = new ElasticEventArchive(connectElastic(cfg, process.env), dataStream, { itemRetries: 2, itemRetryDelayMs: 20 });
  sinks.push(s);
  return s;
}

describe(`event archive (${targetLabel})`, () => {
  let target: EsTarget;
  let admin: Client;
  beforeAll(async () => {
    target = await esTarget();
    admin = adminClient(target.url);
  });
  afterAll(async () => {
    await admin?.close();
    await target?.stop();
  });

  it('archives each entry once under its stable id, and a retried batch adds nothing', async () => {
    const ds = target.name('incident-events');
    const s = sink(target.config(), ds);
    const b = batch(0, 3);
    await s.publish(b);
    await s.publish(b); // the retry of a batch whose first attempt landed
    await s.publish(batch(3, 2));
    await target.refresh(ds);
    const r = await admin.search<{ event: { id: string; index: number; type: string }; incident: { key: string; cluster: string } }>({ index: ds, size: 100, sort: [{ 'event.index': 'asc' }] });
    expect(r.hits.hits.map((h) => h._id)).toEqual([0, 1, 2, 3, 4].map((i) => `incident/prod-eu/checkout@2026-03-01T10:00:00.000Z#${i}`));
    expect(r.hits.hits[0]!._source).toMatchObject({ '@timestamp': '2026-03-01T10:00:00.000Z', event: { id: eventId(b, 0), index: 0, type: 'note' }, incident: { cluster: 'prod-eu', resource: 'Deployment/checkout' } });
    // resolveIndex, not getDataStream: the test node has no data-streams module (no _data_stream API).
    const resolved = await admin.indices.resolveIndex({ name: ds });
    expect(resolved.data_streams.map((d) => d.name)).toEqual([ds]);
    expect(r.hits.hits.every((h) => h._index.startsWith(`.ds-${ds}-`))).toBe(true);
  });
});

describe('event archive with per-item failures (fake)', () => {
  let fake: FakeElasticsearch;
  const cfg = (): ElasticConfig => ({ node: fake.url, compatibleWith: 9, requestTimeout: 5_000, archive: { enabled: true, dataStream: 'incident-events' } });
  beforeEach(async () => {
    fake = await FakeElasticsearch.start();
  });
  afterEach(async () => {
    await fake?.stop();
  });
  const bulkIds = () => fake.requests.filter((r) => r.path === '/_bulk').map((r) => r.bulkIds);

  it('retries only the item that failed in a bulk response, then succeeds', async () => {
    const b = batch(0, 4);
    const flaky = eventId(b, 2);
    let failures = 1;
    fake.bulkFault = ({ id }) => (id === flaky && failures-- > 0 ? esErrors.rejected('indexing request') : undefined);
    await sink(cfg(), 'incident-events').publish(b);
    expect(bulkIds()).toEqual([[0, 1, 2, 3].map((i) => eventId(b, i)), [flaky]]);
    expect(fake.docs('incident-events').map((d) => d.id).sort()).toEqual([0, 1, 2, 3].map((i) => eventId(b, i)).sort());
  });

  it('fails the activity retryably (rate limited) when an item keeps being rejected, and the retried batch completes it', async () => {
    const b = batch(0, 3);
    const stuck = eventId(b, 1);
    fake.bulkFault = ({ id }) => (id === stuck ? esErrors.rejected('indexing request') : undefined);
    const s = sink(cfg(), 'incident-events');
    const err = await s.publish(b).then(() => undefined, (e: unknown) => e as ApplicationFailure);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ nonRetryable: false, type: 'RateLimited' });
    expect(err!.message).toMatch(/1 of 3 event\(s\) of .* were not archived in incident-events \(429 es_rejected_execution_exception/);
    expect(bulkIds().slice(1)).toEqual([[stuck], [stuck]]);
    fake.bulkFault = undefined;
    await s.publish(b); // Temporal's retry sends the whole batch: two answer 409, one is created
    expect(fake.docs('incident-events')).toHaveLength(3);
    expect(fake.docs('incident-events').every((d) => d.version === 1)).toBe(true);
  });

  it('leaves out an entry the mapping refuses instead of failing the incident, and archives the rest', async () => {
    const b = batch(0, 3);
    b.entries[1] = { ...b.entries[1]!, at: 'not a time' };
    await sink(cfg(), 'incident-events').publish(b);
    expect(fake.docs('incident-events').map((d) => d.id).sort()).toEqual([eventId(b, 0), eventId(b, 2)].sort());
    expect(bulkIds()).toHaveLength(1);
  });

  it('sends NDJSON with compatible-with=8 to an Elasticsearch 8 when configured, and is refused without it', async () => {
    const es8 = await FakeElasticsearch.start({ major: 8 });
    try {
      const at8 = { ...cfg(), node: es8.url };
      const refused = await sink(at8, 'incident-events').publish(batch(0, 1)).then(() => undefined, (e: unknown) => e);
      expect(refused).toMatchObject({ nonRetryable: true, type: 'InvalidRequest' });
      await sink({ ...at8, compatibleWith: 8 }, 'incident-events').publish(batch(0, 2));
      expect(es8.docs('incident-events')).toHaveLength(2);
    } finally {
      await es8.stop();
    }
  });

  it('turns a whole-request 503 into a retryable failure', async () => {
    fake.outage = 503;
    const err = await sink(cfg(), 'incident-events').publish(batch(0, 1)).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ nonRetryable: false, type: 'Unavailable' });
  });
});
