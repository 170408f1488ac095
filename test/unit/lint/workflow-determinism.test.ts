// The determinism rules for workflows/** are only worth something if lint really enforces them:
// lint sample code as if it were a workflow file and expect each rule to fire.
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

async function problems(code: string, file = 'workflows/incident.ts'): Promise<string[]> {
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

  it('makes floating promises an error everywhere', async () => {
    const found = await problems('async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n', 'activities/chat/index.ts');
    expect(found.join('\n')).toContain('@typescript-eslint/no-floating-promises');
  });
});
