// Keeps the upgrade policy (docs/upgrades.md) honest: every patched()/deprecatePatch() in workflows/
// uses an id from workflows/versioning.ts, every id there is used and has a row in the patch table
// of the docs, so whoever deprecates a patch later can find when and why it came.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PATCH } from '../../../workflows/versioning';

const ROOT = resolve(__dirname, '../../..');
const PATCHES: Record<string, string> = PATCH;

/** The argument text of each patched()/deprecatePatch() call in `source` (comments left out). */
function patchCalls(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return [...code.matchAll(/\b(?:patched|deprecatePatch)\(\s*([^)]*?)\s*\)/g)].map((m) => m[1]!);
}

/** What is wrong with the calls in `files` (path -> source) given the ids in `patches` and the docs. */
function policyProblems(files: Record<string, string>, patches: Record<string, string>, docs: string): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const [file, source] of Object.entries(files)) {
    for (const arg of patchCalls(source)) {
      const key = /^PATCH\.(\w+)$/.exec(arg)?.[1];
      if (key && key in patches) used.add(key);
      else problems.push(`${file}: patch id ${arg} is not a PATCH.<key> of workflows/versioning.ts: add it there and to the table in docs/upgrades.md`);
    }
  }
  const table = docs.split(/^## Patch ids$/m)[1] ?? '';
  const documented = new Set([...table.matchAll(/^\|\s*`?([a-z0-9-]+)`?\s*\|/gm)].map((m) => m[1]!));
  for (const [key, id] of Object.entries(patches)) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) problems.push(`PATCH.${key} = '${id}': ids are kebab-case`);
    if (!documented.has(id)) problems.push(`PATCH.${key} = '${id}' has no row in the patch table of docs/upgrades.md`);
    if (!used.has(key)) problems.push(`PATCH.${key} is used nowhere in workflows/: remove it (the docs row stays as the record)`);
  }
  const ids = Object.values(patches);
  if (new Set(ids).size !== ids.length) problems.push('two PATCH keys share an id');
  return problems;
}

function workflowSources(dir = join(ROOT, 'workflows')): Record<string, string> {
  return Object.assign(
    {},
    ...readdirSync(dir, { withFileTypes: true }).map((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return workflowSources(path);
      return e.name.endsWith('.ts') ? { [relative(ROOT, path)]: readFileSync(path, 'utf8') } : {};
    }),
  );
}

const docsWith = (...rows: string[]) => `# x\n\n## Patch ids\n\n| id | introduced in | deprecated in | removed in | change |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`;

describe('the patch id policy', () => {
  it('holds for the workflow code and docs/upgrades.md', () => {
    expect(policyProblems(workflowSources(), PATCHES, readFileSync(join(ROOT, 'docs/upgrades.md'), 'utf8'))).toEqual([]);
  });

  it('refuses an id written inline instead of taken from workflows/versioning.ts', () => {
    const files = { 'workflows/incident.ts': "if (wf.patched('faster-updates')) x();\nwf.deprecatePatch(PATCH.other);\n" };
    expect(policyProblems(files, {}, docsWith())).toEqual([
      "workflows/incident.ts: patch id 'faster-updates' is not a PATCH.<key> of workflows/versioning.ts: add it there and to the table in docs/upgrades.md",
      'workflows/incident.ts: patch id PATCH.other is not a PATCH.<key> of workflows/versioning.ts: add it there and to the table in docs/upgrades.md',
    ]);
  });

  it('refuses an id without a row in the patch table, and one nothing uses', () => {
    const files = { 'workflows/incident.ts': 'if (wf.patched(PATCH.fasterUpdates)) x();\n' };
    const patches = { fasterUpdates: 'faster-updates', gone: 'gone-change' };
    expect(policyProblems(files, patches, docsWith('| `gone-change` | 0.2.0 | 0.3.0 | 0.4.0 | removed |'))).toEqual([
      "PATCH.fasterUpdates = 'faster-updates' has no row in the patch table of docs/upgrades.md",
      'PATCH.gone is used nowhere in workflows/: remove it (the docs row stays as the record)',
    ]);
  });

  it('accepts a used, documented, kebab-case id', () => {
    const files = { 'workflows/incident.ts': '// once wf.patched(PATCH.x), now:\nwf.deprecatePatch( PATCH.fasterUpdates );\n' };
    expect(policyProblems(files, { fasterUpdates: 'faster-updates' }, docsWith('| faster-updates | 0.2.0 | 0.3.0 | | human actions update the card at once |'))).toEqual([]);
  });
});
