// The determinism rules for workflows/** are only worth something if lint really enforces them:
// lint sample code as if it were a workflow file and expect each rule to fire.
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

async function problems(code: string, file = 'workflows/incident/index.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint rules for workflow code', () => {
  it('forbids Node built-ins in workflows', async () => {
    expect(await problems("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([
      expect.stringContaining('Workflow code must be deterministic: no Node built-ins.'),
    ]);
  });

  it('forbids value imports of activities but allows type imports', async () => {
    const value = await problems("import { createChatActivities } from '../activities/chat';\nexport const x = createChatActivities;\n");
    expect(value.join('\n')).toContain('Import activities with `import type`');
    expect(await problems("import type { ChatActivities } from '../activities/chat';\nexport type X = ChatActivities;\n")).toEqual([]);
  });

  it('forbids the client and worker SDKs in workflows', async () => {
    const found = await problems("import { Client } from '@temporalio/client';\nexport const c = Client;\n");
    expect(found.join('\n')).toContain('Workflows may not use the client SDK.');
  });

  it('forbids wall-clock reads and Math.random outside workflows/clock.ts', async () => {
    const found = await problems('export const a = Date.now();\nexport const b = new Date();\nexport const c = Math.random();\n');
    expect(found).toHaveLength(3);
    expect(await problems('export const a = Date.now();\n', 'workflows/clock.ts')).toEqual([]);
  });

  it('forbids Date() without new, which reads the clock like new Date()', async () => {
    const found = await problems('export const a = Date();\n');
    expect(found).toEqual([expect.stringContaining('Date() reads the clock')]);
    expect(await problems("export const d = new Date('2026-12-05T10:00:00Z');\n")).toEqual([]);
  });

  it('forbids performance.now() and every other use of the performance global', async () => {
    expect(await problems('export const a = performance.now();\n')).toEqual([expect.stringContaining('performance.now() reads the clock')]);
    expect(await problems('export const t = performance.timeOrigin;\n')).toHaveLength(1);
  });

  it('forbids crypto.randomUUID() and every other use of the crypto global', async () => {
    expect(await problems('export const id = crypto.randomUUID();\n')).toEqual([expect.stringContaining('Use uuid4() from @temporalio/workflow')]);
    expect(await problems('export const b = crypto.getRandomValues(new Uint8Array(4));\n')).toHaveLength(1);
  });

  it('forbids reaching globals through globalThis', async () => {
    const found = await problems('export const id = globalThis.crypto.randomUUID();\nexport const t = globalThis.performance.now();\n');
    expect(found).toEqual([expect.stringContaining('through globalThis'), expect.stringContaining('through globalThis')]);
  });

  it.each([
    ['kube/', '../kube/client', 'Workflows may only import types from kube/'],
    ['intake/', '../intake/signal', 'Workflows may only import types from kube/'],
    ['simcluster/', '../simcluster/store', 'Workflows may only import types from kube/'],
    ['platforms/', '../platforms/slack/config', 'Workflows may only import types from kube/'],
    ['metrics/', '../metrics', 'Workflows may only import types from kube/'],
    ['temporal/', '../temporal/connection', 'Workflows may only import types from processes'],
  ])('forbids value imports of %s but allows type imports', async (_folder, from, message) => {
    expect((await problems(`import { thing } from '${from}';\nexport const x = thing;\n`)).join('\n')).toContain(message);
    expect(await problems(`import type { Thing } from '${from}';\nexport type X = Thing;\n`)).toEqual([]);
  });

  it('makes floating promises an error everywhere', async () => {
    const found = await problems('async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n', 'activities/chat/index.ts');
    expect(found.join('\n')).toContain('@typescript-eslint/no-floating-promises');
  });
});
