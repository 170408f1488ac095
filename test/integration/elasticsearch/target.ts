// Where the store tests run: the strict fake by default, a real Elasticsearch when ELASTICSEARCH_URL
// is set (`make test-real-es`). Names are unique per test, and cleanup removes what a test created,
// so a real cluster is left as it was.
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { FakeElasticsearch } from '../../fakes/elasticsearch';
import type { ElasticConfig } from '../../../activities/postmortem/elastic';

export interface EsTarget {
  url: string;
  real: boolean;
  /** The fake, when the target is the fake. */
  fake?: FakeElasticsearch;
  /** A unique lowercase name for an index or data stream of this test. */
  name(base: string): string;
  config(extra?: Partial<ElasticConfig>): ElasticConfig;
  /** Makes recent writes searchable (the test's own refresh, not the store's). */
  refresh(index: string): Promise<void>;
  stop(): Promise<void>;
}

export const REAL_ES_URL = process.env.ELASTICSEARCH_URL;

export async function esTarget(): Promise<EsTarget> {
  const fake = REAL_ES_URL ? undefined : await FakeElasticsearch.start();
  const url = REAL_ES_URL ?? fake!.url;
  const admin = new Client({ node: url, maxRetries: 0, ...(process.env.ELASTICSEARCH_API_KEY ? { auth: { apiKey: process.env.ELASTICSEARCH_API_KEY } } : {}) });
  const created: string[] = [];
  const run = randomBytes(4).toString('hex');
  return {
    url,
    real: !fake,
    fake,
    name(base) {
      const n = `${base}-test-${run}-${created.length}`;
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
        if (!fake) {
          for (const n of created) {
            await admin.indices.deleteDataStream({ name: n }, { ignore: [404] });
            await admin.indices.delete({ index: n }, { ignore: [404] });
            await admin.indices.deleteIndexTemplate({ name: n }, { ignore: [404] });
          }
        }
      } finally {
        await admin.close();
        await fake?.stop();
      }
    },
  };
}
