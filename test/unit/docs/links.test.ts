// Every relative link in README.md and docs/ must reach a file or folder of the repository, and a
// #fragment a heading of its page: code moves (platforms/, kube/, the workflow split) then show up
// here as broken links instead of as silently stale docs. Paths named in text (`kube/format.ts`,
// `npx jest test/...`) are checked too.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '../../..');

function markdownFiles(dir = join(ROOT, 'docs')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The page without fenced code blocks and inline code, where `[x](y)` and `# x` are not markup. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading ids: lowercase, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const body = text.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
  for (const [, heading] of body.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = heading!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const problems: string[] = [];
  for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // http:, https:, mailto:
    const [path, fragment] = target!.split('#') as [string, string | undefined];
    const resolved = path ? join(dirname(file), decodeURIComponent(path)) : file;
    const where = `${relative(ROOT, file)}: (${target})`;
    if (!existsSync(resolved)) problems.push(`${where} points at ${relative(ROOT, resolved)}, which does not exist`);
    else if (fragment && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(fragment))
      problems.push(`${where}: ${relative(ROOT, resolved)} has no heading #${fragment}`);
  }
  return problems;
}

/** Top-level folders whose paths docs name in text (`kube/format.ts`), relative to the repository root. */
const SOURCE_PATH = /(?:^|[\s`([])((?:activities|api|bench|charts|config|docs|intake|kube|metrics|platforms|scripts|simcluster|telemetry|temporal|test|watcher|worker|workflows)\/[\w./-]*[\w/])/gm;

/** Repository paths named in the text (code included: shell blocks name test files) that do not exist. */
function missingPaths(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SOURCE_PATH)]
    .map((m) => m[1]!)
    .filter((path) => !existsSync(join(ROOT, path)))
    .map((path) => `${relative(ROOT, file)} names ${path}, which does not exist`);
}

describe('links in README.md and docs/', () => {
  const files = [join(ROOT, 'README.md'), ...markdownFiles()];

  it.each(files.map((f) => [relative(ROOT, f), f]))('every relative link in %s resolves', (_name, file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('every repository path named in %s exists', (_name, file) => {
    expect(missingPaths(file)).toEqual([]);
  });

  it('reports a missing file and a missing heading, and ignores code and web links', () => {
    const dir = mkdtempSync(join(tmpdir(), 'links-'));
    try {
      writeFileSync(join(dir, 'b.md'), '# B page\n## What `make setup` installs\n');
      const page = join(dir, 'a.md');
      writeFileSync(page, '[ok](b.md#what-make-setup-installs) [gone](gone.md) [nope](b.md#nope) [web](https://example.com/x) `[code](no.md)`\n```\n[fenced](no.md)\nnpx jest test/unit/gone.test.ts\n```\nSee `kube/format.ts`, /api/incidents and data/dev-token.\n');
      expect(brokenLinks(page).map((p) => p.replace(/^.*?: /, ''))).toEqual([
        `(gone.md) points at ${relative(ROOT, join(dir, 'gone.md'))}, which does not exist`,
        `(b.md#nope): ${relative(ROOT, join(dir, 'b.md'))} has no heading #nope`,
      ]);
      expect(missingPaths(page)).toEqual([`${relative(ROOT, page)} names test/unit/gone.test.ts, which does not exist`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names headings as GitHub does', () => {
    expect(anchors('# Try it: a demo incident\n## Diagnostics and /kubectl\n## A\n## A\n```\n# not a heading\n```')).toEqual(
      new Set(['try-it-a-demo-incident', 'diagnostics-and-kubectl', 'a', 'a-1']),
    );
  });
});
