// Postmortems and the event archive in the run's real Elasticsearch node (behind a fault proxy), from
// the whole stack on a real Temporal dev server: a lifecycle with an escalation and a handoff, an
// Elasticsearch outage (503, then connection refused) while an incident resolves, and the api's
// search, reads and late action items over the Elasticsearch store. Last, the embedded default:
// a second api without Elasticsearch serves the same search and the local chat list from files.
import type { IncidentState } from '../../../workflows/definitions';
import type { LocalMessage } from '../../../platforms/local/shared/protocol';
import type { PostmortemDoc } from '../../../activities/postmortem/compile';
import { startStack, eventually, type Stack, type TokenName } from '../../helpers/stack';
import { anomaly } from '../../helpers/anomaly';
import { EsFaultProxy } from '../../fakes/elasticsearch';
import { adminClient } from '../elasticsearch/target';
import { runElasticsearchUrl, testIndexPrefix } from '../../helpers/elasticsearch';
import { FilePostmortemStore } from '../../../activities/postmortem/file-store';
import { compilePostmortem } from '../../../activities/postmortem/compile';
import { renderMarkdown } from '../../../activities/postmortem/render';
import { OPTIONS, escalatedHandedOffState } from '../../unit/postmortem/fixtures';

let proxy: EsFaultProxy | undefined;
let stack: Stack | undefined;
// This file's own index and data stream on the run's shared node.
const prefix = testIndexPrefix();
const pmIndex = `incident-postmortems-${prefix}`;
const eventStream = `incident-events-${prefix}`;
const admin = adminClient(runElasticsearchUrl());

beforeAll(async () => {
  proxy = await EsFaultProxy.start(runElasticsearchUrl());
  stack = await startStack({
    worker: true,
    config: (raw) => {
      // Level 1 (alice) escalates to level 2 (carol) after a second, on the real clock.
      raw.escalationPolicies = [{ id: 'default', levels: [{ targets: [{ person: 'alice' }], delay: '1s' }, { targets: [{ person: 'carol' }], delay: '10m' }] }];
      raw.postmortems = { store: 'elasticsearch', index: pmIndex, displayTimeZone: 'Europe/Berlin' };
      raw.elasticsearch = { node: proxy!.url, requestTimeout: '5s', archive: { enabled: true, dataStream: eventStream } };
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  await admin.close();
});

const enc = encodeURIComponent;
const json = async (res: Response) => (await res.json()) as any;
const api = () => stack!;
const state = async (id: string): Promise<IncidentState> => json(await api().request(`/api/incidents/${enc(id)}`, { token: 'ops' }));
const channel = async (name: string): Promise<LocalMessage[]> => (await json(await api().request(`/local-chat/api/channels/${name}/messages`))).messages;
const paged = async (person: string, id: string) => (await channel(`dm-${person}`)).some((m) => m.incidentId === id);
const act = async (token: TokenName, id: string, action: string, body: unknown = {}) => {
  const res = await api().request(`/api/incidents/${enc(id)}/${action}`, { token, json: body });
  expect(res.status).toBe(200);
  return json(res);
};
const command = async (user: string, text: string) => json(await api().request('/local-chat/api/command', { json: { user, channel: 'incidents', text } }));
async function open(cluster: string): Promise<string> {
  return (await json(await api().request('/api/anomalies', { token: 'ops', json: anomaly({ cluster }) }))).incidentId;
}
const withPostmortem = (id: string) => eventually(async () => ((await state(id)).postmortemId ? state(id) : undefined), 'the postmortem id', 30_000);
/** Documents in the real node, read past the proxy: id, _version and source. */
async function stored(index: string, query: Record<string, unknown>): Promise<{ id: string; version: number; source: Record<string, any> }[]> {
  await admin.indices.refresh({ index, ignore_unavailable: true });
  const r = await admin.search<Record<string, any>>({ index, query, size: 1000, version: true, ignore_unavailable: true });
  return r.hits.hits.map((h) => ({ id: h._id!, version: h._version!, source: h._source! }));
}
const postmortems = (incidentId: string) => stored(pmIndex, { term: { incidentId } });
const archived = (key: string) => stored(eventStream, { term: { 'incident.key': key } });

describe('postmortems and the event archive in Elasticsearch', () => {
  it('indexes one postmortem under its id with MTTA and MTTR right after an escalation, a handoff and acks, and archives each transition once', async () => {
    const id = await open('pm-es');
    await eventually(() => paged('carol', id), 'the escalation to level 2 (carol)');
    await act('carol', id, 'ack');
    await act('carol', id, 'handoff', { to: 'bob', note: 'my shift ends' });
    await eventually(() => paged('bob', id), 'the handoff page to bob');
    await act('bob', id, 'ack');
    await act('bob', id, 'resolve', { summary: 'rolled back to v41' });
    const s = await withPostmortem(id);
    // The workflow completes only after every entry (the last is "postmortem") was published.
    const handle = api().client.workflow.getHandle(id);
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 'the workflow to complete', 30_000);

    const docs = await postmortems(id);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.id).toBe(s.postmortemId);
    expect(docs[0]!.version).toBe(1);
    const pm = docs[0]!.source as PostmortemDoc;
    // MTTA: opening -> carol's ack (the first), after the level-1 timeout; MTTR: opening -> bob's resolve.
    expect(pm.timeToAcknowledgeMs).toBe(Date.parse(s.acknowledgedAt!) - Date.parse(s.openedAt));
    expect(pm.timeToAcknowledgeMs).toBeGreaterThanOrEqual(1_000);
    expect(pm.acknowledgedBy).toBe('carol');
    expect(pm.timeToResolveMs).toBe(Date.parse(s.resolvedAt!) - Date.parse(s.openedAt));
    expect(pm).toMatchObject({ escalations: 1, handoffs: 1, resolvedBy: 'bob', summary: 'rolled back to v41', displayTimeZone: 'Europe/Berlin' });
    expect(pm.escalationTrail.map((x) => [x.level, x.paged.map((p) => p.id)])).toEqual([[1, ['alice']], [2, ['carol']]]);
    expect(pm.handoffTrail).toEqual([expect.objectContaining({ from: 'carol', to: 'bob', note: 'my shift ends', acknowledgedAt: expect.any(String) })]);
    expect(docs[0]!.source.markdown).toContain('# Postmortem: CrashLoopBackOff on Deployment/checkout in pm-es/shop');

    // The thread gets the one-line summary with the link to the postmortem.
    const reply = await eventually(async () => (await channel('incidents')).find((m) => m.incidentId === id && m.threadId && m.text.startsWith('Resolved. Postmortem')), 'the thread reply');
    expect(reply.text).toMatch(/^Resolved\. Postmortem \(acknowledged in .+, resolved in .+, 1 escalation, 1 handoff\): http:\/\/127\.0\.0\.1:\d+\/chat#postmortem=/);
    expect(reply.text).toContain(enc(s.postmortemId!));

    // Every timeline entry is in the archive exactly once, under its stable id, in order.
    const final = await state(id);
    const events = (await archived(`${s.id}@${s.openedAt}`)).sort((a, b) => a.source.event.index - b.source.event.index);
    expect(events.map((e) => e.source.event.type)).toEqual(final.timeline.map((e) => e.type));
    expect(events.map((e) => e.id)).toEqual(final.timeline.map((_, i) => `${s.id}@${s.openedAt}#${i}`));
    expect(events.every((e) => e.version === 1)).toBe(true);
  });

  it('indexes the postmortem once after Elasticsearch answers 503 and then refuses connections while the incident resolves', async () => {
    const id = await open('pm-outage');
    await act('alice', id, 'ack');
    const handle = api().client.workflow.getHandle(id);
    proxy!.outage = 503;
    try {
      await act('alice', id, 'resolve', { summary: 'restarted the node' });
      await eventually(async () => proxy!.requests.some((r) => r.path.startsWith(`/${pmIndex}/_doc/`) && r.status === 503), 'a 503 for the postmortem write');
      await proxy!.refuseConnections();
      // The next attempt met a closed port: Temporal has scheduled the one after it.
      await eventually(async () => {
        const store = ((await handle.describe()).raw.pendingActivities ?? []).find((p) => p.activityType?.name === 'storePostmortem');
        return (store?.attempt ?? 0) >= 3 && /not reachable/.test(store?.lastFailure?.message ?? '');
      }, 'a refused attempt of storePostmortem');
      expect(await postmortems(id)).toHaveLength(0);
    } finally {
      proxy!.outage = undefined;
      await proxy!.resume();
    }
    const result = await eventually(async () => ((await handle.describe()).status.name === 'COMPLETED' ? handle.result() : undefined), 'the workflow to complete', 30_000);
    expect(await postmortems(id)).toEqual([expect.objectContaining({ id: result.postmortemId, version: 1 })]);
    const s = await state(id);
    expect(await archived(`${s.id}@${s.openedAt}`)).toHaveLength(s.timeline.length);
  });

  it('finds the postmortem by cluster and time window through the api, as JSON or Markdown, and adds a late action item to it', async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    const id = await open('pm-api');
    await eventually(async () => (await api().request(`/api/incidents/${enc(id)}`, { token: 'ops' })).status === 200, 'the incident');
    const added = await command('alice', `/incident action ${id} alert on OOMKilled before the crash loop`);
    expect(added.reply).toMatchObject({ outcome: 'done', text: expect.stringContaining('Action item recorded for the postmortem') });
    await act('alice', id, 'resolve', { summary: 'raised the memory limit' });
    const s = await withPostmortem(id);
    const pmId = s.postmortemId!;
    const after = new Date(Date.now() + 60_000).toISOString();

    const { postmortems: found } = await eventually(async () => {
      const r = await json(await api().request(`/api/postmortems?cluster=pm-api&since=${enc(before)}&until=${enc(after)}`, { token: 'ops' }));
      return r.postmortems?.length ? r : undefined;
    }, 'the postmortem in the search');
    expect(found).toEqual([expect.objectContaining({ id: pmId, cluster: 'pm-api', severity: 'error', namespace: 'shop', openedAt: s.openedAt, resolvedAt: s.resolvedAt })]);
    const none = async (q: string) => (await json(await api().request(`/api/postmortems?${q}`, { token: 'ops' }))).postmortems;
    expect(await none('cluster=pm-other')).toEqual([]);
    expect(await none(`cluster=pm-api&since=${enc(after)}`)).toEqual([]);
    expect(await none(`cluster=pm-api&until=${enc(before)}`)).toEqual([]);
    expect(await none('cluster=pm-api&severity=critical')).toEqual([]);

    const asJson = await json(await api().request(`/api/postmortems/${enc(pmId)}`, { token: 'ops' }));
    expect(asJson).toMatchObject({ id: pmId, incidentId: id, summary: 'raised the memory limit', actionItems: [expect.objectContaining({ text: 'alert on OOMKilled before the crash loop', by: 'alice' })] });
    expect(asJson.markdown).toBeUndefined();
    const md = await api().request(`/api/postmortems/${enc(pmId)}`, { token: 'ops', headers: { accept: 'text/markdown' } });
    expect(md.headers.get('content-type')).toMatch(/text\/markdown/);
    expect(await md.text()).toMatch(/^# Postmortem: CrashLoopBackOff on Deployment\/checkout in pm-api\/shop[\s\S]*- \[ \] alert on OOMKilled before the crash loop/);
    const page = await json(await api().request('/local-chat/api/postmortems?user=bob'));
    expect(page.postmortems.map((p: { id: string }) => p.id)).toContain(pmId);

    // After the workflow closed, an action item goes into the postmortem document itself.
    await api().client.workflow.getHandle(id).result();
    const late = await command('bob', `/incident action ${id} load-test the new limit`);
    expect(late.reply.text).toMatch(/added to the postmortem/);
    expect(late.reply.outcome).toBe('done');
    const edited = await api().request(`/api/postmortems/${enc(pmId)}`, { token: 'ops', headers: { accept: 'text/markdown' } });
    expect(await edited.text()).toContain('- [ ] load-test the new limit (Bob Marley,');
    expect((await stored(pmIndex, { ids: { values: [pmId] } })).map((d) => d.version)).toEqual([2]);
  });

  it('explains invalid search parameters, all at once', async () => {
    const res = await api().request('/api/postmortems?since=yesterday&severity=urgent&limit=0&colour=red', { token: 'ops' });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_query');
    expect(body.error.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['since', 'severity', 'limit']));
    expect(body.error.fields.find((f: { path: string }) => f.path === 'since').message).toMatch(/ISO-8601 time with a zone/);
    const reversed = await json(await api().request('/api/postmortems?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z', { token: 'ops' }));
    expect(reversed.error.fields).toEqual([{ path: 'until', message: 'since must not be after until' }]);
  });

  it('answers 503 naming the store when Elasticsearch is down', async () => {
    await proxy!.refuseConnections();
    try {
      const res = await api().request('/api/postmortems?cluster=pm-api', { token: 'ops' });
      expect(res.status).toBe(503);
      expect((await json(res)).error).toEqual({ code: 'postmortem_store_unavailable', message: expect.stringMatching(/^The postmortem store did not answer: Elasticsearch at http:\/\/127\.0\.0\.1:\d+ is not reachable/) });
    } finally {
      await proxy!.resume();
    }
  });
});

describe('postmortems without Elasticsearch (the embedded file store)', () => {
  let files: Stack | undefined;
  beforeAll(async () => {
    files = await startStack({ env: api().env }); // api only, default config: store "file"
  });
  afterAll(async () => files?.stop());

  it('lists, searches and shows the postmortem files through REST and the local chat page', async () => {
    const store = new FilePostmortemStore(`${files!.dataDir}/postmortems`);
    const base = compilePostmortem(escalatedHandedOffState(), OPTIONS);
    const older = { ...base, id: `${base.incidentId}@2026-03-01T00:00:00.000Z`, openedAt: '2026-03-01T00:00:00.000Z', resolvedAt: '2026-03-01T01:00:00.000Z' };
    await store.put(base, renderMarkdown(base));
    await store.put(older, renderMarkdown(older));
    const page = await json(await files!.request('/local-chat/api/postmortems?user=bob'));
    expect(page.postmortems.map((p: { id: string }) => p.id)).toEqual([base.id, older.id]);
    const since = await json(await files!.request(`/api/postmortems?cluster=prod-eu&since=${enc('2026-03-28T00:00:00+01:00')}`, { token: 'ops' }));
    expect(since.postmortems.map((p: { id: string }) => p.id)).toEqual([base.id]);
    expect((await json(await files!.request('/api/postmortems?cluster=elsewhere', { token: 'ops' }))).postmortems).toEqual([]);
    const md = await files!.request(`/local-chat/api/postmortems/${enc(base.id)}?user=bob`, { headers: { accept: 'text/markdown' } });
    expect(await md.text()).toBe(renderMarkdown(base));
  });
});
