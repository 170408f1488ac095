// The README is the front door: short (the rest is in docs/), and its two commands and every
// `make` target it or the docs name must exist, so the text stays true as the Makefile changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const makefile = readFileSync(join(ROOT, 'Makefile'), 'utf8');
const targets = new Set([...makefile.matchAll(/^([a-z][a-z0-9-]*):/gm)].map((m) => m[1]!));

function docs(dir = join(ROOT, 'docs')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? docs(path) : name.endsWith('.md') ? [path] : [];
  });
}

describe('README', () => {
  it('stays under 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThan(200);
  });

  it('opens with the two commands, make dev and make test, which the Makefile defines', () => {
    const block = readme.split('## Two commands')[1]!.split('```')[1]!;
    expect(block.match(/^make \S+/gm)).toEqual(['make dev', 'make test']);
    expect(['dev', 'test'].filter((t) => !targets.has(t))).toEqual([]);
  });

  it('names only make targets the Makefile has, in the README and in docs/', () => {
    // As a command: in inline code or at the start of a line of a shell block, not prose ("make one incident").
    const missing: string[] = [];
    for (const file of [join(ROOT, 'README.md'), ...docs()]) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/(?:`|^)make ([a-z][a-z0-9-]*)\b/gm)) {
        if (!targets.has(target!)) missing.push(`${relative(ROOT, file)}: make ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('links every page of docs/', () => {
    const unlinked = docs()
      .map((f) => relative(ROOT, f))
      .filter((page) => !readme.includes(`](${page})`) && !readme.includes(`](${page}#`));
    expect(unlinked).toEqual([]);
  });
});
