// postmortems, elasticsearch and the event archive (owned by the Elasticsearch integration).
import { z } from 'zod';
import { parseDuration } from './duration';
import { durationWithin, secretRef as secret, timeZone as zone } from './primitives';
const timeout = durationWithin(100);





// Elasticsearch index and data stream names: lowercase, no wildcards or separators, not "." or "_" first.
const indexName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,199}$/, 'expected a lowercase Elasticsearch index name (letters, digits, ".", "_", "-")');

export const postmortemsSchema = z
  .object({
    /** `file`: JSON + Markdown under <dataDir>/postmortems. `elasticsearch`: the index below. */
    store: z.enum(['file', 'elasticsearch']).default('file').describe('file: JSON + Markdown under <dataDir>/postmortems; elasticsearch: documents in the index below (needs the elasticsearch section)'),
    /** Index (created with an index template) for postmortem documents. */
    index: indexName.default('incident-postmortems').describe('Elasticsearch index (created with an index template) for postmortem documents'),
    /** Besides UTC, postmortems show times in this zone. */
    displayTimeZone: zone.optional().describe('Besides UTC, postmortems show times in this IANA zone'),
  })
  .strict()
  .default({ store: 'file', index: 'incident-postmortems' })
  .describe('Where postmortems are stored when an incident resolves');

const auth = z
  .union([
    z.object({ apiKey: secret.describe('Elasticsearch API key (fromEnv or fromFile)') }).strict(),
    z.object({ username: z.string().min(1).describe('User name for basic authentication'), password: secret.describe('Password (fromEnv or fromFile)') }).strict(),
  ])
  .describe('{ apiKey } or { username, password }; secrets only by reference');

export const elasticsearchSchema = z
  .object({
    /** e.g. https://es.example.internal:9200 */
    node: z
      .string()
      .url()
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), { message: 'must not contain credentials: use elasticsearch.auth with a secret reference instead' })
      .describe('Elasticsearch URL, e.g. https://es.example.internal:9200 (no credentials in it)'),
    auth: auth.optional(),
    /**
     * REST API compatibility requested in Accept/Content-Type. The client is version 9: keep 9 for
     * Elasticsearch 9 servers, set 8 for Elasticsearch 8 servers (which refuse compatible-with=9).
     */
    compatibleWith: z.union([z.literal(8), z.literal(9)]).default(9).describe('REST API compatibility: 9 for Elasticsearch 9 servers, 8 for Elasticsearch 8'),
    /** Per request; Temporal retries the activity, so the client itself does not retry. */
    requestTimeout: timeout.default(parseDuration('30s')!).describe('Per request, e.g. "30s"; Temporal then retries the activity (the client itself does not retry)'),
    /** PEM file with the CA that signed the cluster's certificate (https nodes). */
    caFile: z.string().min(1).optional().describe("PEM file with the CA that signed the cluster's certificate (https nodes)"),
    archive: z
      .object({
        /** Index every incident timeline entry into a data stream. */
        enabled: z.boolean().default(false).describe('Index every incident timeline entry into a data stream'),
        dataStream: indexName.default('incident-events').describe('Data stream name for the archive (its index template is created on first use)'),
      })
      .strict()
      .default({ enabled: false, dataStream: 'incident-events' })
      .describe('The incident event archive'),
  })
  .strict()
  .optional()
  .describe('Elasticsearch for postmortems (postmortems.store: elasticsearch) and the event archive');

/** Cross-checks run by referenceProblems in schema.ts (on the raw input). */
export function elasticProblems(cfg: Record<string, any>): { path: (string | number)[]; message: string }[] {
  const store = cfg.postmortems && typeof cfg.postmortems === 'object' ? cfg.postmortems.store : undefined;
  if (store === 'elasticsearch' && !cfg.elasticsearch)
    return [{ path: ['postmortems', 'store'], message: 'is "elasticsearch" but there is no "elasticsearch" section: add elasticsearch.node (e.g. http://127.0.0.1:9200) or use store: file' }];
  return [];
}
