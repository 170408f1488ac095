// The import-cycle rule is only worth something if lint really runs it: lint a two-file cycle with the
// project's own config and expect it to fire. The tree itself is `make lint`'s (`npx eslint .` in
// make test runs the same config), so linting it again here would only cost ~20 s of every run.
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const RULE = 'import-x/no-cycle';
// The project's config with that rule alone and without type information (the rule needs none,
// and building the TypeScript program is most of lint's time).
const options = { cwd: ROOT, ruleFilter: ({ ruleId }: { ruleId: string }) => ruleId === RULE, overrideConfig: { languageOptions: { parserOptions: { projectService: false } } } };

/** The rule's findings (and, with `fatal`, files that could not be parsed) as `path:line message`. */
async function cycles(eslint: ESLint, patterns: string[], fatal = true): Promise<string[]> {
  const results = await eslint.lintFiles(patterns);
  return results.flatMap((r) => r.messages.filter((m) => m.ruleId === RULE || (fatal && m.fatal)).map((m) => `${r.filePath.slice(ROOT.length + 1)}:${m.line} ${m.message}`));
}

describe('the import-cycle lint rule', () => {
  it('reports both files of a two-file cycle and leaves a type-only import alone', async () => {
    // The fixtures are ignored by the project config (they would fail `make lint`), so lint them with ignores off.
    const eslint = new ESLint({ ...options, ignore: false });
    const found = await cycles(eslint, ['test/unit/lint/fixtures/cycle/*.ts']);
    expect(found.sort()).toEqual([
      'test/unit/lint/fixtures/cycle/a.ts:2 Dependency cycle detected',
      'test/unit/lint/fixtures/cycle/b.ts:2 Dependency cycle detected',
    ]);
  });
});
