// The event archive: an EventSink that indexes every incident timeline entry, with the incident's
// summary fields, into an Elasticsearch data stream. Each entry is a `_bulk` `create` whose `_id`
// is the entry's stable id (eventId), so a retried batch answers 409 for what is already there
// (fine: it is archived) instead of adding a duplicate. Items that fail for a transient reason
// (429 es_rejected_execution_exception, 5xx) are retried alone, a few times within the activity;
// if some still fail, the activity fails retryably and Temporal sends the batch again later.
//
// A data stream checks `_id`s only within its current backing index: a batch retried across a
// rollover could be stored twice. Retries come within minutes and rollovers rarely, so the
// archive accepts that; search on `event.id` when exactness matters.
import type { Client } from '@elastic/elasticsearch';
import { Context } from '@temporalio/activity';
import type { TimelineEntry } from '../../workflows/definitions';
import { eventId, type EventBatch, type EventSink } from '../events';
import { elasticFailure, rateLimitDelayMs, type ElasticConnection } from '../postmortem/elastic';
import { rateLimited, unavailable } from '../errors';
import { activityWarn as warn } from '../log';

const keyword = { type: 'keyword' } as const;

export const ARCHIVE_MAPPINGS = {
  dynamic: false,
  properties: {
    '@timestamp': { type: 'date' },
    event: {
      properties: { id: keyword, index: { type: 'integer' }, type: keyword, actor: keyword, text: { type: 'text' }, data: { type: 'object', enabled: false } },
    },
    incident: { properties: { id: keyword, key: keyword, cluster: keyword, namespace: keyword, severity: keyword, kind: keyword, status: keyword, resource: keyword } },
  },
};

export interface ArchiveOptions {
  /** Rounds of retrying only the failed items within one activity attempt. */
  itemRetries?: number;
  /** Pause before the first item retry; doubles each round. */
  itemRetryDelayMs?: number;
}

type Item = { id: string; doc: Record<string, unknown> };
type Outcome = { kind: 'ok' } | { kind: 'retry'; status: number; reason: string } | { kind: 'drop'; status: number; reason: string };

export class ElasticEventArchive implements EventSink {
  readonly name = 'elasticsearch-archive';
  private setup: Promise<void> | undefined;
  private readonly itemRetries: number;
  private readonly itemRetryDelayMs: number;

  constructor(
    private readonly es: ElasticConnection,
    readonly dataStream: string,
    opts: ArchiveOptions = {},
  ) {
    this.itemRetries = opts.itemRetries ?? 3;
    this.itemRetryDelayMs = opts.itemRetryDelayMs ?? 200;
  }

  private get client(): Client {
    return this.es.client;
  }

  /** The data stream's index template, once per process; the stream itself is created on first write. */
  ensureTemplate(): Promise<void> {
    this.setup ??= this.client.indices
      .putIndexTemplate({
        name: this.dataStream,
        index_patterns: [this.dataStream],
        data_stream: {},
        priority: 200,
        template: { mappings: ARCHIVE_MAPPINGS as never },
        _meta: { managed_by: 'k8s-incident-flow' },
      })
      .then(() => undefined)
      .catch((err: unknown) => {
        this.setup = undefined;
        throw elasticFailure(err, `set up the data stream template ${this.dataStream}`, this.es.node);
      });
    return this.setup;
  }

  async publish(batch: EventBatch): Promise<void> {
    if (batch.entries.length === 0) return;
    await this.ensureTemplate();
    let pending: Item[] = batch.entries.map((e, i) => ({ id: eventId(batch, i), doc: eventDoc(batch, e, i) }));
    let failures: Extract<Outcome, { kind: 'retry' }>[] = [];
    for (let round = 0; round <= this.itemRetries; round++) {
      if (round > 0) {
        await new Promise((r) => setTimeout(r, this.itemRetryDelayMs * 2 ** (round - 1)));
        heartbeat();
      }
      const outcomes = await this.bulkCreate(pending);
      const retry: Item[] = [];
      failures = [];
      outcomes.forEach((o, k) => {
        if (o.kind === 'retry') {
          retry.push(pending[k]!);
          failures.push(o);
        } else if (o.kind === 'drop') {
          // Retrying cannot fix a document the mapping refuses, and failing the activity
          // permanently would fail the incident: leave it out, loudly.
          warn(`event ${pending[k]!.id} was not archived: ${o.status} ${o.reason}`);
        }
      });
      pending = retry;
      if (pending.length === 0) return;
    }
    const what = `${pending.length} of ${batch.entries.length} event(s) of ${batch.incident.key} were not archived in ${this.dataStream} (${failures[0]!.status} ${failures[0]!.reason})`;
    throw failures.every((f) => f.status === 429) ? rateLimited(`${what}; retrying later`, rateLimitDelayMs()) : unavailable(`${what}; retrying`);
  }

  private async bulkCreate(items: Item[]): Promise<Outcome[]> {
    let r;
    try {
      r = await this.client.bulk({ operations: items.flatMap((it) => [{ create: { _index: this.dataStream, _id: it.id } }, it.doc]) }, this.es.ndjson);
    } catch (err) {
      throw elasticFailure(err, `archive ${items.length} event(s)`, this.es.node);
    }
    return items.map((_, k): Outcome => {
      const res = r.items[k]?.create;
      if (!res) return { kind: 'retry', status: 0, reason: 'no answer for this item' };
      if (!res.error) return { kind: 'ok' };
      const reason = `${res.error.type}: ${res.error.reason ?? ''}`;
      if (res.status === 409) return { kind: 'ok' }; // already archived by an earlier attempt
      if (res.status === 429 || res.status >= 500) return { kind: 'retry', status: res.status, reason };
      return { kind: 'drop', status: res.status, reason };
    });
  }

  close(): Promise<void> {
    return this.es.close();
  }
}

export function eventDoc(batch: EventBatch, e: TimelineEntry, i: number): Record<string, unknown> {
  const inc = batch.incident;
  return {
    '@timestamp': e.at,
    event: { id: eventId(batch, i), index: batch.startIndex + i, type: e.type, ...(e.actor ? { actor: e.actor } : {}), text: e.text, ...(e.data ? { data: e.data } : {}) },
    incident: {
      id: inc.id,
      key: inc.key,
      cluster: inc.cluster,
      ...(inc.namespace ? { namespace: inc.namespace } : {}),
      severity: inc.severity,
      kind: inc.kind,
      status: inc.status,
      resource: `${inc.resource.kind}/${inc.resource.name}`,
    },
  };
}

function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // not inside an activity (tests call the sink directly)
  }
}
