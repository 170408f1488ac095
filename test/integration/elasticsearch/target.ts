// Where the store tests run: the real Elasticsearch node of this Jest run (test/helpers/elasticsearch.ts,
// started by test/global-setup.ts), or another real cluster named by ELASTICSEARCH_URL
// (`make test-real-es`). Names carry the test file's own prefix, and cleanup removes what a test
// created, so files sharing the node never meet and an outside cluster is left as it was.
import { Client } from '@elastic/elasticsearch';
import type { ElasticConfig } from '../../../activities/postmortem/elastic';
import { runElasticsearchUrl, testIndexPrefix } from '../../helpers/elasticsearch';
import { FakeElasticsearch } from '../../fakes/elasticsearch';

export interface EsTarget {
  url: string;
  /** What runs behind url, for test names. */
  label: string;
  /** A unique lowercase name for an index or data stream of this test. */
  name(base: string): string;
  config(extra?: Partial<ElasticConfig>): ElasticConfig;
  /** Makes recent writes searchable (the test's own refresh, not the store's). */
  refresh(index: string): Promise<void>;
  stop(): Promise<void>;
}

export const OUTSIDE_ES_URL = process.env.ELASTICSEARCH_URL;
export const targetLabel = OUTSIDE_ES_URL ? 'Elasticsearch at ELASTICSEARCH_URL' : 'the real test node';

/** A client for checking what the store wrote (not the store's own connection). */
export function adminClient(url: string): Client {
  return new Client({ node: url, maxRetries: 0, ...(process.env.ELASTICSEARCH_API_KEY ? { auth: { apiKey: process.env.ELASTICSEARCH_API_KEY } } : {}) });
}

/** The real node (or ELASTICSEARCH_URL); `fake` for the strict fake, to hold it to the same checks. */
export async function esTarget(kind: 'real' | 'fake' = 'real'): Promise<EsTarget> {
  const fake = kind === 'fake' ? await FakeElasticsearch.start() : undefined;
  const url = fake?.url ?? OUTSIDE_ES_URL ?? runElasticsearchUrl();
  const admin = adminClient(url);
  const created: string[] = [];
  const prefix = testIndexPrefix();
  return {
    url,
    label: fake ? 'the strict fake' : targetLabel,
    name(base) {
      const n = `${base}-${prefix}-${created.length}`;
      created.push(n);
      return n;
    },
    config: (extra = {}) => ({
      node: url,
      compatibleWith: 9,
      requestTimeout: 10_000,
      archive: { enabled: false, dataStream: 'incident-events' },
      ...(process.env.ELASTICSEARCH_API_KEY ? { auth: { apiKey: { fromEnv: 'ELASTICSEARCH_API_KEY' } } } : {}),
      ...extra,
    }),
    async refresh(index) {
      await admin.indices.refresh({ index });
    },
    async stop() {
      try {
        if (!fake) for (const n of created) await removeAll(admin, n);
      } finally {
        await admin.close();
        await fake?.stop();
      }
    },
  };
}

/**
 * Removes an index, data stream and template of that name. The test node (Maven's integ-test-zip)
 * has no data-streams module, hence no `_data_stream` API (writing into a stream works): its streams
 * stay until the node and its data dir are thrown away at the end of the run.
 */
export async function removeAll(admin: Client, name: string): Promise<void> {
  const noApi = (err: unknown) => /no handler found/.test(JSON.stringify((err as { meta?: { body?: unknown } })?.meta?.body ?? String(err)));
  try {
    await admin.indices.deleteDataStream({ name }, { ignore: [404] });
  } catch (err) {
    if (!noApi(err)) throw err;
    // The stream stays, and with it its template (Elasticsearch refuses to remove a template in use).
    const streams = await admin.indices.resolveIndex({ name, ignore_unavailable: true });
    if (streams.data_streams.length > 0) return;
  }
  await admin.indices.delete({ index: name }, { ignore: [404] });
  await admin.indices.deleteIndexTemplate({ name }, { ignore: [404] });
}
