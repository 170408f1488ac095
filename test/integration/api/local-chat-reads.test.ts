// The local chat page's read views follow the reader's grants, as GET /api/incidents and
// /api/postmortems do: bob (a responder for cluster a only) lists only cluster-a incidents and
// postmortems and is refused a cluster-b one with the missing scope; alice (global roles) reads
// both. Real Temporal dev server, api and worker; postmortems in the file store.
import { join } from 'node:path';
import { FilePostmortemStore } from '../../../activities/postmortem/file-store';
import type { PostmortemDoc } from '../../../activities/postmortem/compile';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';

let stack: Stack;
const doc = (cluster: string, namespace: string) => ({
  id: `incident/${cluster}/deployment:${namespace}:web:crashloopbackoff@2026-01-01T00:00:00.000Z`,
  incidentId: `incident/${cluster}/deployment:${namespace}:web:crashloopbackoff`,
  title: `CrashLoopBackOff: Deployment/web in ${cluster}`,
  cluster,
  namespace,
  severity: 'error',
  resolvedAt: '2026-01-01T01:00:00.000Z',
});
const inA = doc('a', 'shop');
const inB = doc('b', 'shop');

beforeAll(async () => {
  stack = await startStack({
    worker: true,
    config: (raw) => {
      const bob = raw.people.find((p: any) => p.id === 'bob');
      delete bob.roles;
      bob.grants = [{ roles: ['responder'], clusters: ['a'] }];
    },
  });
  const store = new FilePostmortemStore(join(stack.config.dataDir, 'postmortems'));
  for (const d of [inA, inB]) await store.put(d as PostmortemDoc, `# ${d.title}\n`);
}, 60_000);
afterAll(async () => stack?.stop());

const get = (path: string, headers?: Record<string, string>) => stack.request(`/local-chat/api${path}`, { headers });
const listed = async (user: string) => ((await (await get(`/postmortems?user=${user}`)).json()) as { postmortems: { id: string }[] }).postmortems.map((p) => p.id).sort();
const one = (id: string, user: string, headers?: Record<string, string>) => get(`/postmortems/${encodeURIComponent(id)}?user=${user}`, headers);
const BOB_REFUSED = 'You (bob) may read incidents of cluster a only; this one is in cluster b. Ask an admin to add cluster b to people[bob].grants.';
const body = async (res: Response) => (await res.json()) as Record<string, any>;

describe('local chat incident views', () => {
  let ids: Record<'a' | 'b', string>;
  beforeAll(async () => {
    const report = async (cluster: string) => (await body(await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster }) }))).incidentId as string;
    ids = { a: await report('a'), b: await report('b') };
  });
  const incidents = async (user: string) => ((await body(await get(`/incidents?status=all&user=${user}`))).incidents as { id: string }[]).map((i) => i.id);

  it('list only what the local user\'s grants reach, and everything for global roles', async () => {
    await eventually(async () => (await incidents('alice')).includes(ids.a) && (await incidents('alice')).includes(ids.b), 'both incidents listed for alice');
    const bobs = await incidents('bob');
    expect(bobs).toContain(ids.a);
    expect(bobs).not.toContain(ids.b);
  });

  it('refuse one outside the grants with a 403 naming the missing scope', async () => {
    const refused = await get(`/incidents/${encodeURIComponent(ids.b)}?user=bob`);
    expect(refused.status).toBe(403);
    expect(await body(refused)).toEqual({ ok: false, error: 'refused', detail: expect.stringContaining(BOB_REFUSED) });
    expect(await body(await get(`/incidents/${encodeURIComponent(ids.a)}?user=bob`))).toMatchObject({ ok: true, incident: { id: ids.a } });
    expect(await body(await get(`/incidents/${encodeURIComponent(ids.b)}?user=alice`))).toMatchObject({ ok: true, incident: { id: ids.b } });
  });

  it('answer a read that names no user with a 400 saying to name one', async () => {
    for (const path of ['/incidents?status=all', `/incidents/${encodeURIComponent(ids.a)}`]) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(await body(res)).toEqual({ ok: false, error: 'invalid_arguments', detail: expect.stringContaining('add ?user=<name>') });
    }
  });
});

describe('local chat postmortems', () => {
  it('list only what the local user\'s grants reach, and everything for global roles', async () => {
    expect(await listed('bob')).toEqual([inA.id]);
    expect(await listed('alice')).toEqual([inA.id, inB.id].sort());
  });

  it('refuse one outside the grants with a 403 naming the missing scope, as JSON and as the page\'s HTML view', async () => {
    const refused = await one(inB.id, 'bob');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ ok: false, error: 'refused', detail: expect.stringContaining(BOB_REFUSED) });
    expect((await one(inB.id, 'bob', { accept: 'text/html' })).status).toBe(403);
    const own = await one(inA.id, 'bob', { accept: 'text/html' });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain(`<h1>${inA.title}</h1>`);
    expect((await one(inB.id, 'alice')).status).toBe(200);
  });

  it('answer a read that names no user with a 400 saying to name one', async () => {
    for (const path of ['/postmortems', `/postmortems/${encodeURIComponent(inA.id)}`, '/postmortems?user=Not%20A%20User']) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ ok: false, error: 'invalid_arguments', detail: expect.stringContaining('add ?user=<name>') });
    }
  });
});
