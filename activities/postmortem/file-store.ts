// The embedded postmortem store: JSON + Markdown files under <dataDir>/postmortems, written
// atomically (temp file + rename) under the postmortem id. Like the Elasticsearch store, a put of
// an id that exists keeps the first document (a retried store adds nothing and changes nothing).
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PostmortemDoc } from './compile';
import { renderMarkdown } from './render';
import { limitOf, matchesFilter, summaryOf, type PostmortemChange, type PostmortemFilter, type PostmortemStore, type PostmortemSummary, type StoredPostmortem } from './store';

/**
 * A name a shell can use without quoting: `incident/prod/x@2026-12-05T17:00:00.000Z` becomes
 * `incident__prod__x@2026-12-05T17-00-00.000Z`. Files written before (percent-encoded names) are
 * still read.
 */
export const fileName = (id: string) => id.replace(/\//g, '__').replace(/:/g, '-').replace(/[^A-Za-z0-9._@+-]/g, '_');
const legacyName = (id: string) => encodeURIComponent(id);

export class FilePostmortemStore implements PostmortemStore {
  /** Edits in this process run one at a time (the file store serves a single api/worker volume). */
  private editing: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  async put(doc: PostmortemDoc, markdown: string): Promise<StoredPostmortem> {
    await mkdir(this.dir, { recursive: true });
    const base = join(this.dir, fileName(doc.id));
    if (await this.get(doc.id)) return { id: doc.id, location: `${base}.json`, created: false };
    // Markdown first: the JSON file is what marks the postmortem as written.
    await writeAtomic(`${base}.md`, markdown);
    await writeAtomic(`${base}.json`, `${JSON.stringify(doc, null, 2)}\n`);
    return { id: doc.id, location: `${base}.json`, created: true };
  }

  async get(id: string): Promise<{ json: PostmortemDoc; markdown: string } | undefined> {
    return (await this.read(join(this.dir, fileName(id)))) ?? (await this.read(join(this.dir, legacyName(id))));
  }

  private async read(base: string): Promise<{ json: PostmortemDoc; markdown: string } | undefined> {
    try {
      const [json, markdown] = await Promise.all([readFile(`${base}.json`, 'utf8'), readFile(`${base}.md`, 'utf8')]);
      return { json: JSON.parse(json) as PostmortemDoc, markdown };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(filter: PostmortemFilter = {}): Promise<PostmortemSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const docs = await Promise.all(
      names.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(join(this.dir, n), 'utf8')) as PostmortemDoc),
    );
    return docs
      .map(summaryOf)
      .filter((s) => matchesFilter(s, filter))
      .sort((a, b) => b.resolvedAt.localeCompare(a.resolvedAt))
      .slice(0, limitOf(filter));
  }

  async edit(id: string, change: PostmortemChange): Promise<{ doc: PostmortemDoc } | undefined> {
    const run = this.editing.then(async () => {
      const current = await this.get(id);
      if (!current) return undefined;
      const next = await change(structuredClone(current.json));
      if (!next) return { doc: current.json };
      const base = join(this.dir, (await this.read(join(this.dir, fileName(id)))) ? fileName(id) : legacyName(id));
      await writeAtomic(`${base}.md`, renderMarkdown(next));
      await writeAtomic(`${base}.json`, `${JSON.stringify(next, null, 2)}\n`);
      return { doc: next };
    });
    this.editing = run.catch(() => undefined);
    return run;
  }
}

async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
