// How the postmortem store fails, always against the fake (a real cluster cannot be told to time
// out or refuse connections on cue): what Temporal retries, what fails for good, and that a write
// which landed before a client timeout is found by id on the retry (one document, version 1).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { compilePostmortem } from '../../../activities/postmortem/compile';
import { renderMarkdown } from '../../../activities/postmortem/render';
import { connectElastic, type ElasticConfig } from '../../../activities/postmortem/elastic';
import { ElasticPostmortemStore } from '../../../activities/postmortem/elastic-store';
import { FakeElasticsearch } from '../../fakes/elasticsearch';
import { OPTIONS, escalatedHandedOffState } from '../../unit/postmortem/fixtures';

const doc = compilePostmortem(escalatedHandedOffState(), OPTIONS);
const md = renderMarkdown(doc);
let fake: FakeElasticsearch;
const stores: ElasticPostmortemStore[] = [];

beforeEach(async () => {
  fake = await FakeElasticsearch.start();
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await fake?.stop();
});

function store(extra: Partial<ElasticConfig> = {}, env: NodeJS.ProcessEnv = {}, node = fake.url): ElasticPostmortemStore {
  const cfg: ElasticConfig = { node, compatibleWith: 9, requestTimeout: 5_000, archive: { enabled: false, dataStream: 'incident-events' }, ...extra };
  const s = new ElasticPostmortemStore(connectElastic(cfg, env), 'incident-postmortems');
  stores.push(s);
  return s;
}

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as ApplicationFailure);

describe('Elasticsearch postmortem store under failures', () => {
  it('finds the document on retry when the first write landed but its answer timed out: one document, version 1', async () => {
    const s = store({ requestTimeout: 300 });
    await s.ensureIndex();
    fake.delay((method, path) => method === 'PUT' && path.includes('/_doc/'), 1_500);
    const first = await failure(s.put(doc, md));
    expect(first).toBeInstanceOf(ApplicationFailure);
    expect(first).toMatchObject({ nonRetryable: false, type: 'Unavailable' });
    expect(first.message).toMatch(/did not answer in time/);
    const retried = await s.put(doc, md);
    expect(retried).toMatchObject({ created: false, version: 1 });
    expect(fake.docs('incident-postmortems')).toEqual([expect.objectContaining({ id: doc.id, version: 1 })]);
  });

  it('turns 503 into a retryable failure and 429 into a rate-limited one with a delay', async () => {
    const s = store();
    fake.outage = 503;
    const unavailable = await failure(s.put(doc, md));
    expect(unavailable).toMatchObject({ nonRetryable: false, type: 'Unavailable' });
    expect(unavailable.message).toMatch(/answered 503 cluster_block_exception/);
    fake.outage = 429;
    const limited = await failure(s.put(doc, md));
    expect(limited).toMatchObject({ nonRetryable: false, type: 'RateLimited' });
    expect(limited.nextRetryDelay).toBeDefined();
    fake.outage = undefined;
    expect(await s.put(doc, md)).toMatchObject({ created: true, version: 1 });
  });

  it('retries through refused connections and works again once the server is back on its port', async () => {
    const s = store();
    await fake.refuseConnections();
    const refused = await failure(s.put(doc, md));
    expect(refused).toMatchObject({ nonRetryable: false, type: 'Unavailable' });
    expect(refused.message).toMatch(/is not reachable/);
    await fake.resume();
    expect(await s.put(doc, md)).toMatchObject({ created: true, version: 1 });
  });

  it('fails for good against an Elasticsearch 8 with the default compatible-with=9, naming the fix; compatibleWith 8 works', async () => {
    const es8 = await FakeElasticsearch.start({ major: 8 });
    try {
      const err = await failure(store({}, {}, es8.url).put(doc, md));
      expect(err).toMatchObject({ nonRetryable: true, type: 'InvalidRequest' });
      expect(err.message).toMatch(/media_type_header_exception.*Accept version must be either version 8 or 7, but found 9.*set elasticsearch.compatibleWith to 8/);
      expect(await store({ compatibleWith: 8 }, {}, es8.url).put(doc, md)).toMatchObject({ created: true });
    } finally {
      await es8.stop();
    }
  });

  it('refuses a server that does not say it is Elasticsearch (no X-Elastic-Product header)', async () => {
    const impostor: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"acknowledged":true}'));
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
    try {
      const err = await failure(store({}, {}, `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`).put(doc, md));
      expect(err).toMatchObject({ nonRetryable: true, type: 'InvalidRequest' });
      expect(err.message).toMatch(/is not Elasticsearch/);
    } finally {
      await new Promise((r) => impostor.close(r));
    }
  });

  it('reports rejected credentials as retryable InvalidAuth without ever showing the key', async () => {
    const secured = await FakeElasticsearch.start({ apiKey: 'right-key-0123456789' });
    try {
      const err = await failure(store({ auth: { apiKey: { fromEnv: 'ES_KEY' } } }, { ES_KEY: 'wrong-key-0123456789' }, secured.url).put(doc, md));
      expect(err).toMatchObject({ nonRetryable: false, type: 'InvalidAuth' });
      expect(err.message).toMatch(/answered 401 security_exception.*check elasticsearch.auth/);
      expect(JSON.stringify(err)).not.toContain('wrong-key');
      expect(await store({ auth: { apiKey: { fromEnv: 'ES_KEY' } } }, { ES_KEY: 'right-key-0123456789' }, secured.url).put(doc, md)).toMatchObject({ created: true });
    } finally {
      await secured.stop();
    }
  });

  it('says which environment variable is missing for the API key, never a value', () => {
    expect(() => store({ auth: { apiKey: { fromEnv: 'NOT_SET_ES_KEY' } } }, {})).toThrow('secret environment variable NOT_SET_ES_KEY is not set');
  });
});
