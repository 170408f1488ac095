// docs/operations.md documents the probe and metrics endpoints of each process; checked against the
// routes each server's source handles, so a new or dropped endpoint shows up here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const page = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
const source = (...files: string[]) => files.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');

describe('docs/operations.md, health and metrics', () => {
  const servers: Record<string, string> = {
    api: source('api/server.ts', 'api/metrics.ts'),
    worker: source('worker/health.ts'),
    watcher: source('watcher/http.ts'),
  };
  const section = page.split('## Health and metrics')[1]?.split('\n## ')[0] ?? '';
  const rows = section.split('\n').filter((l) => /^\| (api|worker|watcher) \|/.test(l));

  it('has a health row for every process', () => {
    expect(rows.map((r) => r.split('|')[1]!.trim()).sort()).toEqual(['api', 'watcher', 'worker']);
  });

  it.each(['api', 'worker', 'watcher'])('documents exactly the probe endpoints the %s serves', (process) => {
    const cells = rows.find((r) => r.startsWith(`| ${process} |`))!.split('|').map((c) => c.trim());
    const documented = { '/healthz': cells[3]!, '/readyz': cells[4]!, '/metrics': cells[5]! };
    for (const [path, text] of Object.entries(documented)) {
      const served = servers[process]!.includes(`'${path}'`);
      expect({ path, served: !text.startsWith('none') }).toEqual({ path, served });
    }
  });
});
