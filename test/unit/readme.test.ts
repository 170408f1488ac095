// The README promises what the code does: the anomaly fields the intake requires, and the probe
// and metrics endpoints of each process (checked against the route each server source handles).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anomalySchema } from '../../intake/schema';
import { anomaly } from '../helpers/anomaly';

const ROOT = join(__dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const source = (...files: string[]) => files.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');

describe('README', () => {
  it('marks reason and message as required in the anomaly row, as the intake enforces', () => {
    const row = readme.split('\n').find((l) => l.startsWith('| `POST /api/anomalies` |'))!;
    expect(row).toContain('`reason` (required');
    expect(row).toContain('`message` (required');
    for (const field of ['reason', 'message'] as const) {
      const { [field]: _dropped, ...rest } = anomaly();
      expect(anomalySchema.safeParse(rest).success).toBe(false);
    }
  });

  const servers: Record<string, string> = {
    api: source('api/server.ts', 'api/metrics.ts'),
    worker: source('worker/health.ts'),
    watcher: source('watcher/http.ts'),
  };
  const section = readme.split('## Health and metrics')[1]?.split('\n## ')[0] ?? '';
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
