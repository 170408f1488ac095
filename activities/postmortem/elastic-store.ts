// Postmortems in Elasticsearch: an index template with an explicit mapping, one document per
// postmortem with the postmortem id as `_id`, written with op_type=create. A retry after a
// timeout (the first write may have landed) gets 409 and reads the stored document instead: the
// first write stands, with _version 1, exactly as if there had been no retry. Later edits use
// optimistic concurrency (if_seq_no + if_primary_term) and reapply on conflict.
import type { Client } from '@elastic/elasticsearch';
import type { PostmortemDoc } from './compile';
import { renderMarkdown } from './render';
import { elasticFailure, responseOf, type ElasticConnection } from './elastic';
import { limitOf, summaryOf, type PostmortemChange, type PostmortemFilter, type PostmortemStore, type PostmortemSummary, type StoredPostmortem } from './store';

const keyword = { type: 'keyword' } as const;
const date = { type: 'date' } as const;
const text = { type: 'text' } as const;
const stored = { type: 'object', enabled: false } as const;

/** Explicit mapping: keywords for filters, dates for windows, nested timeline and responders. */
export const POSTMORTEM_MAPPINGS = {
  // Unknown fields are kept in _source but not indexed: a newer document never breaks an older index.
  dynamic: false,
  properties: {
    schemaVersion: { type: 'integer' },
    id: keyword,
    incidentId: keyword,
    title: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } },
    summary: text,
    severity: keyword,
    cluster: keyword,
    namespace: keyword,
    kind: keyword,
    reason: keyword,
    message: text,
    resource: keyword,
    owner: keyword,
    labels: { type: 'flattened' },
    openedAt: date,
    acknowledgedAt: date,
    acknowledgedBy: keyword,
    resolvedAt: date,
    resolvedBy: keyword,
    autoResolved: { type: 'boolean' },
    impact: { properties: { start: date, end: date, durationMs: { type: 'long' } } },
    timeToAcknowledgeMs: { type: 'long' },
    timeToResolveMs: { type: 'long' },
    occurrences: { type: 'long' },
    firstSeen: date,
    lastSeen: date,
    responders: { type: 'nested', properties: { id: keyword, name: keyword, roles: keyword, firstPagedAt: date, acknowledgedAt: date } },
    escalations: { type: 'integer' },
    handoffs: { type: 'integer' },
    escalationTrail: { type: 'nested', properties: { level: { type: 'integer' }, repeat: { type: 'integer' }, at: date, reason: keyword, paged: stored, failures: stored } },
    escalationExhaustedAt: date,
    handoffTrail: {
      type: 'nested',
      properties: { at: date, from: keyword, fromName: keyword, to: keyword, toName: keyword, by: keyword, byName: keyword, note: text, pagedAt: date, acknowledgedAt: date },
    },
    timeline: { type: 'nested', properties: { index: { type: 'integer' }, at: date, type: keyword, actor: keyword, actorName: keyword, text, data: stored } },
    diagnostics: stored,
    relatedEvents: stored,
    chat: stored,
    links: stored,
    actionItems: { type: 'nested', properties: { text, by: keyword, byName: keyword, at: date } },
    reviewPrompts: { type: 'text', index: false },
    displayTimeZone: keyword,
    markdown: { type: 'text', index: false },
  },
};

const SUMMARY_FIELDS = ['id', 'title', 'cluster', 'severity', 'resolvedAt', 'namespace', 'openedAt'];
const EDIT_ATTEMPTS = 5;

type StoredDoc = PostmortemDoc & { markdown?: string };

export class ElasticPostmortemStore implements PostmortemStore {
  private setup: Promise<void> | undefined;

  constructor(
    private readonly es: ElasticConnection,
    readonly index: string,
  ) {}

  private get client(): Client {
    return this.es.client;
  }

  private fail(err: unknown, doing: string): never {
    throw elasticFailure(err, doing, this.es.node);
  }

  /** Index template and index, once per process; a failed setup is tried again on the next call. */
  ensureIndex(): Promise<void> {
    this.setup ??= (async () => {
      await this.client.indices.putIndexTemplate({
        name: this.index,
        index_patterns: [this.index],
        priority: 200,
        template: { mappings: POSTMORTEM_MAPPINGS as never },
        _meta: { managed_by: 'k8s-incident-flow', schemaVersion: 2 },
      });
      if (await this.client.indices.exists({ index: this.index })) return;
      try {
        await this.client.indices.create({ index: this.index });
      } catch (err) {
        if (responseOf(err)?.type !== 'resource_already_exists_exception') throw err; // another worker won the race
      }
    })().catch((err: unknown) => {
      this.setup = undefined;
      this.fail(err, `set up the index ${this.index}`);
    });
    return this.setup;
  }

  async put(doc: PostmortemDoc, markdown: string): Promise<StoredPostmortem> {
    await this.ensureIndex();
    const location = `${this.es.node}/${this.index}/_doc/${encodeURIComponent(doc.id)}`;
    try {
      const r = await this.client.index({ index: this.index, id: doc.id, op_type: 'create', document: { ...doc, markdown }, refresh: 'wait_for' });
      return { id: doc.id, location, created: true, version: r._version };
    } catch (err) {
      if (responseOf(err)?.type !== 'version_conflict_engine_exception') this.fail(err, `index postmortem ${doc.id}`);
    }
    // Already there (a retry after a timeout, or a second worker): the first write stands.
    const existing = await this.read(doc.id);
    if (!existing) this.fail(new Error(`postmortem ${doc.id} conflicted on create but cannot be read back`), `read postmortem ${doc.id}`);
    return { id: doc.id, location, created: false, version: existing.version };
  }

  private async read(id: string): Promise<{ doc: StoredDoc; version: number; seqNo: number; primaryTerm: number } | undefined> {
    try {
      const r = await this.client.get<StoredDoc>({ index: this.index, id });
      if (!r.found || !r._source) return undefined;
      return { doc: r._source, version: r._version!, seqNo: r._seq_no!, primaryTerm: r._primary_term! };
    } catch (err) {
      const res = responseOf(err);
      if (res?.status === 404) return undefined; // not found, or the index does not exist yet
      this.fail(err, `read postmortem ${id}`);
    }
  }

  async get(id: string): Promise<{ json: PostmortemDoc; markdown: string } | undefined> {
    const found = await this.read(id);
    if (!found) return undefined;
    const { markdown, ...json } = found.doc;
    return { json, markdown: markdown ?? renderMarkdown(json) };
  }

  async list(filter: PostmortemFilter = {}): Promise<PostmortemSummary[]> {
    const must: Record<string, unknown>[] = [];
    if (filter.cluster) must.push({ term: { cluster: filter.cluster } });
    if (filter.namespace) must.push({ term: { namespace: filter.namespace } });
    if (filter.severity) must.push({ term: { severity: filter.severity } });
    if (filter.since) must.push({ range: { resolvedAt: { gte: filter.since } } });
    if (filter.until) must.push({ range: { openedAt: { lte: filter.until } } });
    try {
      const r = await this.client.search<PostmortemDoc>({
        index: this.index,
        ignore_unavailable: true,
        query: { bool: { filter: must } },
        sort: [{ resolvedAt: { order: 'desc' } }],
        size: limitOf(filter),
        _source: SUMMARY_FIELDS,
      });
      return r.hits.hits.flatMap((h) => (h._source ? [summaryOf({ ...h._source, id: h._source.id ?? h._id! })] : []));
    } catch (err) {
      this.fail(err, 'search postmortems');
    }
  }

  async edit(id: string, change: PostmortemChange): Promise<{ doc: PostmortemDoc; version: number } | undefined> {
    for (let n = 1; ; n++) {
      const current = await this.read(id);
      if (!current) return undefined;
      const { markdown: _old, ...doc } = current.doc;
      const next = await change(structuredClone(doc));
      if (!next) return { doc, version: current.version };
      try {
        const r = await this.client.index({
          index: this.index,
          id,
          document: { ...next, markdown: renderMarkdown(next) },
          if_seq_no: current.seqNo,
          if_primary_term: current.primaryTerm,
          refresh: 'wait_for',
        });
        return { doc: next, version: r._version };
      } catch (err) {
        // Someone else wrote in between: read their version and apply the change to it.
        if (responseOf(err)?.type !== 'version_conflict_engine_exception' || n >= EDIT_ATTEMPTS) this.fail(err, `update postmortem ${id}`);
      }
    }
  }

  close(): Promise<void> {
    return this.es.close();
  }
}
