// The embedded file store: create-once under the postmortem id (a retry keeps the first write),
// search by cluster, severity and time window, and edits that re-render the Markdown.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePostmortem, type PostmortemDoc } from '../../../activities/postmortem/compile';
import { renderMarkdown } from '../../../activities/postmortem/render';
import { FilePostmortemStore, fileName } from '../../../activities/postmortem/file-store';
import { OPTIONS, escalatedHandedOffState } from './fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pm-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = compilePostmortem(escalatedHandedOffState(), OPTIONS);
const doc = (over: Partial<PostmortemDoc>): PostmortemDoc => ({ ...base, ...over });

describe('file postmortem store', () => {
  it('writes JSON and Markdown once; a retried put keeps the first document', async () => {
    const store = new FilePostmortemStore(dir);
    expect(await store.put(base, renderMarkdown(base))).toMatchObject({ id: base.id, created: true });
    expect(await store.put({ ...base, summary: 'changed on retry' }, '# other\n')).toMatchObject({ created: false });
    const back = await store.get(base.id);
    expect(back?.json.summary).toBe(base.summary);
    expect(back?.markdown).toBe(renderMarkdown(base));
    expect(readdirSync(dir).sort()).toEqual([`${fileName(base.id)}.json`, `${fileName(base.id)}.md`]);
  });

  it('names files so a shell can use them: no percent escapes, no slashes or colons', () => {
    expect(fileName('incident/prod-eu/shop-deployment-checkout@2026-03-29T00:30:00.000Z')).toBe('incident__prod-eu__shop-deployment-checkout@2026-03-29T00-30-00.000Z');
    expect(fileName(base.id)).toMatch(/^[A-Za-z0-9._@+-]+$/);
  });

  it('still reads and edits postmortems written under the old percent-encoded names', async () => {
    const old = join(dir, encodeURIComponent(base.id));
    writeFileSync(`${old}.json`, JSON.stringify(base));
    writeFileSync(`${old}.md`, renderMarkdown(base));
    const store = new FilePostmortemStore(dir);
    expect((await store.get(base.id))?.json.id).toBe(base.id);
    await store.edit(base.id, (d) => ({ ...d, summary: 'edited' }));
    expect((await store.get(base.id))?.json.summary).toBe('edited');
    expect(readdirSync(dir).sort()).toEqual([`${encodeURIComponent(base.id)}.json`, `${encodeURIComponent(base.id)}.md`]);
  });

  it('lists newest resolution first, filtered by cluster, severity, namespace and time window', async () => {
    const store = new FilePostmortemStore(dir);
    const put = (d: PostmortemDoc) => store.put(d, renderMarkdown(d));
    await put(doc({ id: 'incident/eu/a@1', cluster: 'eu', severity: 'critical', openedAt: '2026-03-01T10:00:00.000Z', resolvedAt: '2026-03-01T11:00:00.000Z' }));
    await put(doc({ id: 'incident/eu/b@2', cluster: 'eu', severity: 'warning', openedAt: '2026-03-05T10:00:00.000Z', resolvedAt: '2026-03-05T10:30:00.000Z' }));
    await put(doc({ id: 'incident/us/c@3', cluster: 'us', severity: 'critical', namespace: 'web', openedAt: '2026-03-05T12:00:00.000Z', resolvedAt: '2026-03-05T13:00:00.000Z' }));
    const ids = async (f: Parameters<typeof store.list>[0]) => (await store.list(f)).map((p) => p.id);
    expect(await ids({})).toEqual(['incident/us/c@3', 'incident/eu/b@2', 'incident/eu/a@1']);
    expect(await ids({ cluster: 'eu' })).toEqual(['incident/eu/b@2', 'incident/eu/a@1']);
    expect(await ids({ severity: 'critical', namespace: 'web' })).toEqual(['incident/us/c@3']);
    expect(await ids({ since: '2026-03-01T10:30:00+00:00', until: '2026-03-01T23:00:00Z' })).toEqual(['incident/eu/a@1']);
    expect(await ids({ limit: 2 })).toEqual(['incident/us/c@3', 'incident/eu/b@2']);
    expect(await new FilePostmortemStore(join(dir, 'missing')).list()).toEqual([]);
  });

  it('edits a postmortem and re-renders its Markdown; unknown ids answer undefined', async () => {
    const store = new FilePostmortemStore(dir);
    await store.put(base, renderMarkdown(base));
    const add = (text: string) => store.edit(base.id, (d) => ({ ...d, actionItems: [...d.actionItems, { text, by: 'bob', byName: 'Bob Marley', at: '2026-03-30T09:00:00.000Z' }] }));
    await Promise.all([add('one'), add('two')]);
    const back = await store.get(base.id);
    expect(back!.json.actionItems.map((a) => a.text)).toEqual(['raise the memory limit of checkout', 'one', 'two']);
    expect(back!.markdown).toContain('- [ ] two (Bob Marley');
    expect(await store.edit('incident/none/none@x', (d) => d)).toBeUndefined();
  });
});
