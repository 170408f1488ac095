// Elasticsearch's wire behaviour our code relies on, checked on the run's real node (or
// ELASTICSEARCH_URL) and, with the same assertions, on the strict fake that the outage tests still
// use: where the fake drifts from the real server, this file fails.
import { type Client, errors } from '@elastic/elasticsearch';
import { adminClient, esTarget, type EsTarget } from './target';

const auth: Record<string, string> = process.env.ELASTICSEARCH_API_KEY ? { authorization: `ApiKey ${process.env.ELASTICSEARCH_API_KEY}` } : {};

/** The error of a call expected to fail: status and Elasticsearch's error body. */
async function rejected(p: Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof errors.ResponseError) return { status: err.meta.statusCode!, body: err.meta.body };
    throw err;
  }
  throw new Error('expected Elasticsearch to refuse the request');
}

const vnd = (v: number) => `application/vnd.elasticsearch+json; compatible-with=${v}`;

describe.each(['real', 'fake'] as const)('Elasticsearch wire behaviour (%s)', (kind) => {
  let target: EsTarget;
  let es: Client;
  beforeAll(async () => {
    target = await esTarget(kind);
    es = adminClient(target.url);
  });
  afterAll(async () => {
    await es?.close();
    await target?.stop();
  });

  it('names itself with X-Elastic-Product on answers and on errors', async () => {
    const ok = await fetch(target.url, { headers: auth });
    expect(ok.headers.get('x-elastic-product')).toBe('Elasticsearch');
    const missing = await fetch(`${target.url}/${target.name('missing')}/_doc/x`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-elastic-product')).toBe('Elasticsearch');
  });

  it('refuses a body whose Content-Type asks another compatible-with than Accept, or an unsupported one', async () => {
    const index = target.name('compat');
    const put = (accept: string, contentType: string) =>
      fetch(`${target.url}/${index}/_doc/1`, { method: 'PUT', headers: { ...auth, accept, 'content-type': contentType }, body: '{"a":1}' });
    const mismatch = await put(vnd(9), vnd(8));
    expect(mismatch.status).toBe(400);
    const body = (await mismatch.json()) as any;
    expect(body.error.type).toBe('media_type_header_exception');
    expect(body.error.root_cause[0].type).toBe('media_type_header_exception');
    expect(body.error.caused_by.reason).toMatch(/compatible versions must match/);
    const tooOld = await put(vnd(7), vnd(7));
    expect(tooOld.status).toBe(400);
    expect(((await tooOld.json()) as any).error.caused_by.reason).toMatch(/Accept version must be either version 9 or 8, but found 7/);
    expect((await put(vnd(8), vnd(8))).status).toBe(201);
  });

  it('answers a second create of the same id with 409 version_conflict_engine_exception', async () => {
    const index = target.name('conflict');
    await es.index({ index, id: 'a', document: { n: 1 }, op_type: 'create' });
    const again = await rejected(es.index({ index, id: 'a', document: { n: 2 }, op_type: 'create' }));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, error: { type: 'version_conflict_engine_exception', root_cause: [{ type: 'version_conflict_engine_exception' }] } });
    expect(again.body.error.reason).toMatch(/\[a\]: version conflict, document already exists \(current version \[1\]\)/);
  });

  it('refuses a write whose if_seq_no/if_primary_term is stale', async () => {
    const index = target.name('cas');
    const first = await es.index({ index, id: 'a', document: { n: 1 } });
    await es.index({ index, id: 'a', document: { n: 2 }, if_seq_no: first._seq_no, if_primary_term: first._primary_term });
    const stale = await rejected(es.index({ index, id: 'a', document: { n: 3 }, if_seq_no: first._seq_no, if_primary_term: first._primary_term }));
    expect(stale.status).toBe(409);
    expect(stale.body.error.reason).toMatch(/version conflict, required seqNo \[\d+\], primary term \[\d+\]\. current document has seqNo/);
    expect((await es.get<{ n: number }>({ index, id: 'a' }))._source!.n).toBe(2);
  });

  it('deletes only with the current if_seq_no/if_primary_term, then answers 404 found:false', async () => {
    const index = target.name('delete');
    const first = await es.index({ index, id: 'a', document: { n: 1 } });
    const second = await es.index({ index, id: 'a', document: { n: 2 } });
    const stale = await rejected(es.delete({ index, id: 'a', if_seq_no: first._seq_no, if_primary_term: first._primary_term }));
    expect(stale.status).toBe(409);
    expect(stale.body.error.type).toBe('version_conflict_engine_exception');
    expect((await es.delete({ index, id: 'a', if_seq_no: second._seq_no, if_primary_term: second._primary_term })).result).toBe('deleted');
    const gone = await rejected(es.get({ index, id: 'a' }));
    expect(gone).toEqual({ status: 404, body: expect.objectContaining({ _index: index, _id: 'a', found: false }) });
    expect(await es.indices.exists({ index })).toBe(true);
    expect(await es.indices.exists({ index: target.name('never-created') })).toBe(false);
  });

  it('requires _bulk bodies to end with a newline', async () => {
    const index = target.name('bulk');
    const res = await fetch(`${target.url}/_bulk`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      body: `{"create":{"_index":"${index}","_id":"1"}}\n{"a":1}`,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.reason).toMatch(/must be terminated by a newline/);
  });

  it('takes only create ops with a @timestamp into a data stream, per item in _bulk', async () => {
    const ds = target.name('events');
    await es.indices.putIndexTemplate({ name: ds, index_patterns: [ds], data_stream: {}, priority: 200 });
    const r = await es.bulk({
      operations: [
        { create: { _index: ds, _id: 'ok' } },
        { '@timestamp': '2026-03-01T00:00:00Z', n: 1 },
        { index: { _index: ds, _id: 'wrong-op' } },
        { '@timestamp': '2026-03-01T00:00:00Z', n: 2 },
        { create: { _index: ds, _id: 'no-time' } },
        { n: 3 },
        { create: { _index: ds, _id: 'ok' } },
        { '@timestamp': '2026-03-01T00:00:00Z', n: 4 },
      ],
    });
    expect(r.errors).toBe(true);
    const items = r.items.map((i) => Object.values(i)[0]!);
    expect(items.map((i) => i.status)).toEqual([201, 400, 400, 409]);
    expect(items[1]!.error!.reason).toMatch(/only write ops with an op_type of create are allowed in data streams/);
    expect(items[2]!.error!.type).toMatch(/parsing_exception/);
    expect(items[3]!.error!.type).toBe('version_conflict_engine_exception');
    expect(items[0]!._index).toMatch(new RegExp(`^\\.ds-${ds}-`));
  });

  it('refuses to sort on a text field and an unknown query type', async () => {
    const index = target.name('search');
    await es.indices.create({ index, mappings: { properties: { title: { type: 'text' }, at: { type: 'date' } } } });
    const sortText = await rejected(es.search({ index, sort: [{ title: { order: 'asc' } }] }));
    expect(sortText.status).toBe(400);
    expect(JSON.stringify(sortText.body)).toMatch(/Text fields are not optimised for operations that require per-document field data/);
    const unknown = await rejected(es.search({ index, query: { no_such_query: {} } as never }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.type).toBe('parsing_exception');
    expect(unknown.body.error.reason).toMatch(/unknown query \[no_such_query\]/);
  });

  it('makes writes searchable only after a refresh, while get by id is real-time', async () => {
    const index = target.name('nrt');
    await es.indices.create({ index, settings: { refresh_interval: '-1' } });
    await es.index({ index, id: 'a', document: { n: 1 } });
    expect((await es.get({ index, id: 'a' })).found).toBe(true);
    expect((await es.search({ index })).hits.hits).toHaveLength(0);
    await es.indices.refresh({ index });
    expect((await es.search({ index })).hits.hits).toHaveLength(1);
  });
});
