// The Elasticsearch postmortem store with the real client against the run's real Elasticsearch node
// (or the cluster at ELASTICSEARCH_URL, `make test-real-es`).
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@elastic/elasticsearch';
import { compilePostmortem, type PostmortemDoc } from '../../../activities/postmortem/compile';
import { renderMarkdown } from '../../../activities/postmortem/render';
import { connectElastic } from '../../../activities/postmortem/elastic';
import { ElasticPostmortemStore } from '../../../activities/postmortem/elastic-store';
import { OPTIONS, escalatedHandedOffState } from '../../unit/postmortem/fixtures';
import { adminClient, esTarget, targetLabel, type EsTarget } from './target';

let target: EsTarget;
let admin: Client;
const stores: ElasticPostmortemStore[] = [];

beforeAll(async () => {
  target = await esTarget();
  admin = adminClient(target.url);
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await admin?.close();
  await target?.stop();
});

function store(extra: Parameters<EsTarget['config']>[0] = {}): ElasticPostmortemStore {
  const s = new ElasticPostmortemStore(connectElastic(target.config(extra), process.env), target.name('incident-postmortems'));
  stores.push(s);
  return s;
}

/** The fixed postmortem with its identity and times changed, so one index can hold several. */
function doc(over: Partial<PostmortemDoc> = {}): PostmortemDoc {
  const d = compilePostmortem(escalatedHandedOffState(), OPTIONS);
  const id = over.id ?? d.id;
  return { ...d, ...over, id, incidentId: id.split('@')[0]! };
}

describe(`Elasticsearch postmortem store (${targetLabel})`, () => {
  it('creates an index template with an explicit mapping, then the index, on first use', async () => {
    const s = store();
    await s.put(doc(), renderMarkdown(doc()));
    const t = await admin.indices.getIndexTemplate({ name: s.index });
    const props = (t.index_templates[0]!.index_template.template?.mappings?.properties ?? {}) as Record<string, { type?: string }>;
    expect(props.cluster!.type).toBe('keyword');
    expect(props.openedAt!.type).toBe('date');
    expect(props.timeline!.type).toBe('nested');
    expect(props.responders!.type).toBe('nested');
    expect(await admin.indices.exists({ index: s.index })).toBe(true);
  });

  it('stores a postmortem under its id and reads back the same JSON and Markdown', async () => {
    const s = store();
    const d = doc();
    const md = renderMarkdown(d);
    const stored = await s.put(d, md);
    expect(stored).toMatchObject({ id: d.id, created: true, version: 1 });
    expect(stored.location).toBe(`${target.url}/${s.index}/_doc/${encodeURIComponent(d.id)}`);
    const back = await s.get(d.id);
    expect(back?.json).toEqual(d);
    expect(back?.markdown).toBe(md);
    const raw = await admin.get({ index: s.index, id: d.id });
    expect(raw._id).toBe(d.id);
  });

  it('keeps exactly one document at version 1 when the store is retried after its first write landed', async () => {
    const s = store();
    const d = doc();
    await s.put(d, renderMarkdown(d));
    const retried = await s.put(d, renderMarkdown(d));
    expect(retried).toMatchObject({ id: d.id, created: false, version: 1 });
    await target.refresh(s.index);
    const count = await admin.count({ index: s.index });
    expect(count.count).toBe(1);
    expect((await admin.get({ index: s.index, id: d.id }))._version).toBe(1);
  });

  it('answers undefined for an unknown id and an empty list before anything was stored', async () => {
    const s = store();
    expect(await s.list()).toEqual([]);
    expect(await s.get('incident/none/none@2026-01-01T00:00:00.000Z')).toBeUndefined();
  });

  it('searches by cluster, namespace, severity and time window, newest resolution first', async () => {
    const s = store();
    const put = (d: PostmortemDoc) => s.put(d, renderMarkdown(d));
    await put(doc({ id: 'incident/eu/a@2026-03-01T10:00:00.000Z', cluster: 'eu', severity: 'critical', openedAt: '2026-03-01T10:00:00.000Z', resolvedAt: '2026-03-01T11:00:00.000Z' }));
    await put(doc({ id: 'incident/eu/b@2026-03-05T10:00:00.000Z', cluster: 'eu', severity: 'warning', openedAt: '2026-03-05T10:00:00.000Z', resolvedAt: '2026-03-05T10:30:00.000Z' }));
    await put(doc({ id: 'incident/us/c@2026-03-05T12:00:00.000Z', cluster: 'us', severity: 'critical', namespace: 'web', openedAt: '2026-03-05T12:00:00.000Z', resolvedAt: '2026-03-05T13:00:00.000Z' }));
    await target.refresh(s.index);
    const ids = async (f: Parameters<typeof s.list>[0]) => (await s.list(f)).map((p) => p.id.split('@')[0]);
    expect(await ids({})).toEqual(['incident/us/c', 'incident/eu/b', 'incident/eu/a']);
    expect(await ids({ cluster: 'eu' })).toEqual(['incident/eu/b', 'incident/eu/a']);
    expect(await ids({ severity: 'critical' })).toEqual(['incident/us/c', 'incident/eu/a']);
    expect(await ids({ namespace: 'web' })).toEqual(['incident/us/c']);
    expect(await ids({ cluster: 'eu', since: '2026-03-02T00:00:00Z' })).toEqual(['incident/eu/b']);
    expect(await ids({ since: '2026-03-01T10:30:00Z', until: '2026-03-01T23:00:00Z' })).toEqual(['incident/eu/a']);
    expect(await ids({ limit: 1 })).toEqual(['incident/us/c']);
    expect((await s.list({ cluster: 'us' }))[0]).toEqual({
      id: 'incident/us/c@2026-03-05T12:00:00.000Z',
      title: doc().title,
      cluster: 'us',
      severity: 'critical',
      resolvedAt: '2026-03-05T13:00:00.000Z',
      namespace: 'web',
      openedAt: '2026-03-05T12:00:00.000Z',
    });
  });

  it('edits with optimistic concurrency: an edit that lost the race is reapplied on the newer version', async () => {
    const s = store();
    const d = doc();
    await s.put(d, renderMarkdown(d));
    const item = (text: string) => ({ text, by: 'alice', byName: 'Alice Liddell', at: '2026-03-30T09:00:00.000Z' });
    let calls = 0;
    const first = await s.edit(d.id, async (current) => {
      calls += 1;
      // Someone else writes a newer version between our read and our write.
      if (calls === 1) await admin.index({ index: s.index, id: d.id, document: { ...current, actionItems: [...current.actionItems, item('concurrent')] }, refresh: true });
      return { ...current, actionItems: [...current.actionItems, item('first')] };
    });
    expect(calls).toBe(2);
    expect(first).toBeDefined();
    const back = await s.get(d.id);
    expect(back!.json.actionItems.map((a) => a.text)).toEqual(['raise the memory limit of checkout', 'concurrent', 'first']);
    expect(first!.version).toBe(3);
    expect(back!.markdown).toContain('- [ ] first (Alice Liddell');
    expect(await s.edit('incident/none/none@x', (c) => c)).toBeUndefined();
  });

  it('rejects a document its mapping cannot take as a permanent (non-retryable) failure', async () => {
    const s = store();
    const bad = doc({ id: 'incident/bad/date@2026-01-01T00:00:00.000Z', openedAt: 'yesterday at noon' });
    const err = await s.put(bad, '# bad\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ nonRetryable: true, type: 'InvalidRequest' });
    expect((err as Error).message).toMatch(/answered 400 .*retrying cannot help/);
  });

  it('works with compatible-with=8 headers too (what an Elasticsearch 8 server needs)', async () => {
    const s = store({ compatibleWith: 8 });
    const d = doc();
    expect(await s.put(d, renderMarkdown(d))).toMatchObject({ created: true });
    expect((await s.get(d.id))?.json.id).toBe(d.id);
    await target.refresh(s.index);
    expect(await s.list({ cluster: d.cluster })).toHaveLength(1);
  });
});
