// Lint keeps workflow code deterministic: no Node built-ins, no value imports of activities, api,
// watcher, worker, temporal, kube, intake, simcluster, platforms, metrics or SDK clients in
// workflows/**, time only through workflows/clock.ts, no Math.random, crypto or performance.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');
const importX = require('eslint-plugin-import-x');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', 'data/**', 'coverage/**', 'platforms/local/inbound/static/**', 'jest.config.js', 'eslint.config.js', 'scripts/test-summary.js'] },
  // A deliberate two-file import cycle that test/unit/lint/import-cycles.test.ts lints on its own.
  { ignores: ['test/unit/lint/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
            { name: '@temporalio/client', message: 'Workflows may not use the client SDK.' },
            { name: '@temporalio/worker', message: 'Workflows may not use the worker SDK.' },
            { name: '@temporalio/activity', message: 'Workflows may not use the activity SDK.' },
          ],
          patterns: [
            { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'Import activities with `import type` and call them through proxyActivities.' },
            { group: ['**/api', '**/api/**', '**/watcher', '**/watcher/**', '**/worker', '**/worker/**', '**/temporal', '**/temporal/**', '**/config/load'], allowTypeImports: true, message: 'Workflows may only import types from processes and config loading.' },
            // These reach the outside world (Kubernetes, intake, the simulator, chat platforms, metrics):
            // workflow code gets at them only through activities.
            { group: ['**/kube', '**/kube/**', '**/intake', '**/intake/**', '**/simcluster', '**/simcluster/**', '**/platforms', '**/platforms/**', '**/metrics', '**/metrics/**'], allowTypeImports: true, message: 'Workflows may only import types from kube/, intake/, simcluster/, platforms/ and metrics/: call them through activities.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Use nowMs() from workflows/clock.ts.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use nowIso()/nowMs() from workflows/clock.ts.' },
        { selector: "CallExpression[callee.name='Date']", message: 'Date() reads the clock: use nowIso() from workflows/clock.ts.' },
        { selector: "MemberExpression[object.name='globalThis']", message: 'Workflow code must not reach globals through globalThis (the determinism rules would not see it).' },
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Use uuid4() from @temporalio/workflow for randomness.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use a sleep() loop from @temporalio/workflow.' },
        { name: 'process', message: 'Workflow code must not read the process environment.' },
        { name: 'performance', message: 'performance.now() reads the clock: use nowMs() from workflows/clock.ts.' },
        { name: 'crypto', message: 'Use uuid4() from @temporalio/workflow for random ids.' },
      ],
    },
  },
  {
    // No import cycles: a module must not reach itself through value imports (type-only imports are
    // erased and load nothing). Packages are not followed, which keeps the rule cheap.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/extensions': ['.ts', '.js'], 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['workflows/clock.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
