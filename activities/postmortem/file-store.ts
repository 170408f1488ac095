// The embedded postmortem store: JSON + Markdown files under <dataDir>/postmortems. Written
// atomically (temp file + rename) under the postmortem id, so a retried store replaces, never adds.
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PostmortemDoc } from './compile';

const fileName = (id: string) => encodeURIComponent(id);

export class FilePostmortemStore {
  constructor(readonly dir: string) {}

  async put(doc: PostmortemDoc, markdown: string): Promise<{ id: string; location: string }> {
    await mkdir(this.dir, { recursive: true });
    const base = join(this.dir, fileName(doc.id));
    await writeAtomic(`${base}.md`, markdown);
    await writeAtomic(`${base}.json`, `${JSON.stringify(doc, null, 2)}\n`);
    return { id: doc.id, location: `${base}.json` };
  }

  async get(id: string): Promise<{ json: PostmortemDoc; markdown: string } | undefined> {
    const base = join(this.dir, fileName(id));
    try {
      const [json, markdown] = await Promise.all([readFile(`${base}.json`, 'utf8'), readFile(`${base}.md`, 'utf8')]);
      return { json: JSON.parse(json) as PostmortemDoc, markdown };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(): Promise<{ id: string; title: string; cluster: string; severity: string; resolvedAt: string }[]> {
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
      .map((d) => ({ id: d.id, title: d.title, cluster: d.cluster, severity: d.severity, resolvedAt: d.resolvedAt }))
      .sort((a, b) => b.resolvedAt.localeCompare(a.resolvedAt));
  }
}

async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
