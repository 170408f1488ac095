// A strict Elasticsearch fake on 127.0.0.1 (port 0) for the real @elastic/elasticsearch client.
// Like the real server it sends `X-Elastic-Product: Elasticsearch` on every response (the client
// refuses 2xx answers without it), checks the REST compatibility version in Accept/Content-Type
// (an Elasticsearch 9 accepts compatible-with 8 or 9, an 8 accepts 7 or 8), and answers with
// error bodies shaped like the real ones. Outages: 503 or 429 for every request, connections
// refused (listener closed, reopened later on the same port), slow answers after the write was
// applied (client timeouts), and per-item failures in _bulk.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Cluster, type WriteResult } from './cluster';
import { EsError, errors } from './errors';
import { search, type SearchBody } from './query';
import { bulk, type BulkItemFault } from './bulk';
import { RefusableListener } from './listener';

export interface FakeElasticsearchOptions {
  /** Server major version (default 9). */
  major?: 8 | 9;
  /** When set, requests need `Authorization: ApiKey <apiKey>`. */
  apiKey?: string;
  /** Automatic refresh period (default 1000 ms, like index.refresh_interval); 0 = only on request. */
  refreshIntervalMs?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  /** For _bulk: the `_id`s of the items, in order. */
  bulkIds?: string[];
}

export class FakeElasticsearch {
  readonly cluster = new Cluster();
  readonly requests: LoggedRequest[] = [];
  /** Every request answers this status (503 or 429) until cleared. */
  outage: 503 | 429 | undefined;
  /** Per-item failures injected into _bulk answers. */
  bulkFault: BulkItemFault | undefined;
  private delays: { match: (method: string, path: string) => boolean; ms: number; count: number }[] = [];
  private readonly listener = new RefusableListener((req, res) => void this.handle(req, res));
  private timer: NodeJS.Timeout | undefined;

  private constructor(readonly opts: FakeElasticsearchOptions) {}

  static async start(opts: FakeElasticsearchOptions = {}): Promise<FakeElasticsearch> {
    const es = new FakeElasticsearch(opts);
    await es.listener.listen(0);
    const every = opts.refreshIntervalMs ?? 1000;
    if (every > 0) {
      es.timer = setInterval(() => es.cluster.autoRefresh(), every);
      es.timer.unref();
    }
    return es;
  }

  get url(): string {
    return this.listener.url;
  }

  get port(): number {
    return this.listener.port;
  }

  /** The next `count` requests matching are answered `ms` late (the write still happens at once). */
  delay(match: (method: string, path: string) => boolean, ms: number, count = 1): void {
    this.delays.push({ match, ms, count });
  }

  /** Closes the listening socket and every open connection: clients get ECONNREFUSED. */
  refuseConnections(): Promise<void> {
    return this.listener.refuseConnections();
  }

  /** Listens again on the same port after refuseConnections(). */
  resume(): Promise<void> {
    return this.listener.resume();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (!this.listener.closed) await this.listener.refuseConnections();
  }

  /** Stored documents of an index or data stream (live view, not the search view). */
  docs(name: string): { id: string; source: Record<string, any>; version: number; seqNo: number }[] {
    return this.cluster.resolve(name, true).flatMap((i) => [...i.docs.values()]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const log: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.search, status: 0 };
    this.requests.push(log);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let raw = Buffer.concat(chunks);
    let status = 200;
    let body: unknown;
    const compat = { accept: header(req, 'accept'), contentType: header(req, 'content-type') };
    try {
      if (header(req, 'content-encoding') === 'gzip') raw = gunzipSync(raw);
      this.checkAuth(req);
      const requested = compatibility(compat.accept, compat.contentType, raw.length > 0, this.opts.major ?? 9);
      res.setHeader('content-type', requested ? `application/vnd.elasticsearch+json;compatible-with=${requested}` : 'application/json');
      if (this.outage === 503) throw errors.unavailable();
      if (this.outage === 429) throw errors.rejected();
      const text = raw.toString('utf8');
      [status, body] = this.route(log, url, text);
    } catch (err) {
      const e = err instanceof EsError ? err : new EsError(500, 'exception', (err as Error).message);
      status = e.status;
      body = e.body();
      if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
    }
    log.status = status;
    const delay = this.delays.find((d) => d.count > 0 && d.match(log.method, log.path));
    if (delay) {
      delay.count -= 1;
      await new Promise((r) => setTimeout(r, delay.ms));
    }
    if (res.destroyed) return;
    res.setHeader('x-elastic-product', 'Elasticsearch');
    res.statusCode = status;
    if (log.method === 'HEAD' || body === undefined) {
      res.end();
      return;
    }
    res.end(JSON.stringify(body));
  }

  private checkAuth(req: IncomingMessage): void {
    if (!this.opts.apiKey) return;
    const auth = header(req, 'authorization');
    if (!auth) throw errors.unauthorized();
    if (auth !== `ApiKey ${this.opts.apiKey}`) throw errors.badApiKey();
  }

  private route(log: LoggedRequest, url: URL, text: string): [number, unknown] {
    const method = log.method;
    const p = url.searchParams;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const json = (): any => {
      if (!text) return {};
      try {
        return JSON.parse(text);
      } catch (err) {
        throw errors.xContentParse(`Unexpected character: ${(err as Error).message}`);
      }
    };
    const refresh = (index?: string) => {
      if (p.get('refresh') === 'true' || p.get('refresh') === '' || p.get('refresh') === 'wait_for') {
        for (const i of index ? this.cluster.resolve(index, true) : this.cluster.indices.values()) i.refresh();
      }
    };
    const cluster = this.cluster;
    const [a, b, c] = parts;
    if (parts.length === 0 && (method === 'GET' || method === 'HEAD')) return [200, info(this.opts.major ?? 9)];
    if (a === '_index_template' && b && parts.length === 2) {
      if (method === 'PUT' || method === 'POST') {
        cluster.putTemplate(b, json());
        return [200, { acknowledged: true }];
      }
      if (method === 'GET' || method === 'HEAD') {
        const t = cluster.templates.get(b);
        if (!t) throw errors.templateNotFound(b);
        return [200, { index_templates: [{ name: b, index_template: t }] }];
      }
      if (method === 'DELETE') {
        if (!cluster.templates.delete(b)) throw errors.templateNotFound(b);
        return [200, { acknowledged: true }];
      }
    }
    if (a === '_data_stream' && b && parts.length === 2) {
      if (method === 'PUT') return (cluster.createDataStream(b), [200, { acknowledged: true }]);
      const ds = cluster.dataStreams.get(b);
      if (!ds) throw errors.dataStreamNotFound(b);
      if (method === 'GET')
        return [200, { data_streams: [{ name: b, timestamp_field: { name: '@timestamp' }, indices: ds.indices.map((i) => ({ index_name: i, index_uuid: i })), generation: ds.indices.length, status: 'GREEN', template: ds.template }] }];
      if (method === 'DELETE') {
        for (const i of ds.indices) cluster.indices.delete(i);
        cluster.dataStreams.delete(b);
        return [200, { acknowledged: true }];
      }
    }
    if (a === '_bulk' || b === '_bulk') {
      if (method !== 'POST' && method !== 'PUT') throw errors.illegalArgument(`no handler found for uri [${url.pathname}] and method [${method}]`);
      const out = bulk(cluster, text, a === '_bulk' ? undefined : a, this.bulkFault, log);
      refresh();
      return [200, out];
    }
    if (a === '_refresh' || b === '_refresh') {
      for (const i of a === '_refresh' ? cluster.indices.values() : cluster.resolve(a!)) i.refresh();
      return [200, { _shards: { total: 1, successful: 1, failed: 0 } }];
    }
    if (a === '_search' || b === '_search' || a === '_count' || b === '_count') {
      const all = a === '_search' || a === '_count';
      const indices = all ? [...cluster.indices.values()] : cluster.resolve(a!, p.get('ignore_unavailable') === 'true');
      if (a !== '_count' && b !== '_count') return [200, search(indices, json() as SearchBody, p)];
      const r = search(indices, { query: (json() as SearchBody).query, size: 0 }, new URLSearchParams());
      return [200, { count: (r.hits as { total: { value: number } }).total.value, _shards: r._shards }];
    }
    if (a && !a.startsWith('_') && parts.length === 1) {
      if (method === 'HEAD') return [cluster.indices.has(a) || cluster.dataStreams.has(a) ? 200 : 404, undefined];
      if (method === 'PUT') {
        const idx = cluster.createIndex(a, json());
        return [200, { acknowledged: true, shards_acknowledged: true, index: idx.name }];
      }
      if (method === 'DELETE') {
        if (!cluster.indices.delete(a)) throw errors.indexNotFound(a);
        return [200, { acknowledged: true }];
      }
      if (method === 'GET') {
        const idx = cluster.indices.get(a);
        if (!idx) throw errors.indexNotFound(a);
        return [200, { [a]: { aliases: {}, mappings: idx.mappings, settings: { index: idx.settings } } }];
      }
    }
    if (a && (b === '_doc' || b === '_create') && (c !== undefined || method === 'POST')) {
      const id = c ?? `auto-${Date.now().toString(36)}-${log.path.length}-${this.requests.length}`;
      if (method === 'GET' || method === 'HEAD') return this.getDoc(a, id);
      if (method === 'DELETE') {
        const r = cluster.remove(a, id, seqParams(p));
        refresh(a);
        return [r.status, writeBody(r)];
      }
      if (method === 'PUT' || method === 'POST') {
        const opType = b === '_create' || p.get('op_type') === 'create' ? 'create' : 'index';
        const cas = seqParams(p);
        if (opType === 'create' && cas.ifSeqNo !== undefined) throw errors.validation(['create operations do not support compare and set. use index instead']);
        if (cas.ifSeqNo !== undefined && cas.ifPrimaryTerm === undefined) throw errors.validation([`ifSeqNo is set, but primary term is [0]`]);
        const r = cluster.write(a, id, json(), { opType, ...cas });
        refresh(a);
        return [r.status, writeBody(r)];
      }
    }
    throw errors.illegalArgument(`no handler found for uri [${url.pathname}] and method [${method}]`);
  }

  private getDoc(index: string, id: string): [number, unknown] {
    const [idx] = this.cluster.resolve(index);
    const d = idx?.docs.get(id);
    if (!d) return [404, { _index: index, _id: id, found: false }];
    return [200, { _index: idx!.name, _id: id, _version: d.version, _seq_no: d.seqNo, _primary_term: d.primaryTerm, found: true, _source: d.source }];
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function seqParams(p: URLSearchParams): { ifSeqNo?: number; ifPrimaryTerm?: number } {
  const n = (k: string) => (p.get(k) === null ? undefined : Number(p.get(k)));
  return { ifSeqNo: n('if_seq_no'), ifPrimaryTerm: n('if_primary_term') };
}

export function writeBody(r: WriteResult): Record<string, unknown> {
  return { _index: r.index, _id: r.id, _version: r.version, result: r.result, _shards: { total: 2, successful: 1, failed: 0 }, _seq_no: r.seqNo, _primary_term: r.primaryTerm };
}

/**
 * The REST compatibility check of RestCompatibleVersionHelper: a comma list in Accept is a media
 * range (no version); with a body both headers must request the same supported version or neither.
 */
function compatibility(accept: string | undefined, contentType: string | undefined, hasContent: boolean, major: number): number | undefined {
  const version = (h: string | undefined): number | undefined => {
    if (!h || h.includes(',') || h.trim() === '*/*') return undefined;
    const m = /compatible-with\s*=\s*(\d+)/i.exec(h);
    return m ? Number(m[1]) : undefined;
  };
  const a = version(accept);
  const c = version(contentType);
  const supported = `either version ${major} or ${major - 1}`;
  const acceptV = a ?? major;
  if (acceptV > major || acceptV < major - 1) throw errors.mediaType(`Accept version must be ${supported}, but found ${acceptV}. Accept=${accept}`);
  if (hasContent) {
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (!['application/json', 'application/x-ndjson', 'application/vnd.elasticsearch+json', 'application/vnd.elasticsearch+x-ndjson'].includes(type))
      throw new EsError(406, 'content_type_header_exception', `Content-Type header [${contentType ?? ''}] is not supported`);
    const contentV = c ?? major;
    if (contentV > major || contentV < major - 1) throw errors.mediaType(`Content-Type version must be ${supported}, but found ${contentV}. Content-Type=${contentType}`);
    if (contentV !== acceptV)
      throw errors.mediaType(`A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${accept}, Content-Type=${contentType}`);
    if ((a === undefined) !== (c === undefined))
      throw errors.mediaType(`A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version. Accept=${accept}, Content-Type=${contentType}`);
  }
  return a ?? c;
}

function info(major: number): Record<string, unknown> {
  return {
    name: 'fake-es',
    cluster_name: 'fake',
    cluster_uuid: 'fAkEcLuStErUuId0000000',
    version: {
      number: major === 9 ? '9.1.0' : '8.19.0',
      build_flavor: 'default',
      build_type: 'docker',
      build_hash: '0000000000000000000000000000000000000000',
      build_date: '2025-07-01T00:00:00.000Z',
      build_snapshot: false,
      lucene_version: major === 9 ? '10.2.2' : '9.12.1',
      minimum_wire_compatibility_version: major === 9 ? '8.19.0' : '7.17.0',
      minimum_index_compatibility_version: major === 9 ? '8.0.0' : '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}
