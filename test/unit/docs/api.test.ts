// docs/api.md promises what the intake enforces: reason and message are required anomaly fields,
// and a batch's limits are the ones the route applies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anomalySchema } from '../../../intake/schema';
import { anomaly } from '../../helpers/anomaly';
import { BATCH_BODY_LIMIT, MAX_BATCH_ITEMS } from '../../../api/anomalies';

const page = readFileSync(join(__dirname, '../../../docs/api.md'), 'utf8');

describe('docs/api.md', () => {
  it('marks reason and message as required in the anomaly row, as the intake enforces', () => {
    const row = page.split('\n').find((l) => l.startsWith('| `POST /api/anomalies` |'))!;
    expect(row).toContain('`reason` (required');
    expect(row).toContain('`message` (required');
    for (const field of ['reason', 'message'] as const) {
      const { [field]: _dropped, ...rest } = anomaly();
      expect(anomalySchema.safeParse(rest).success).toBe(false);
    }
  });

  it('states the batch limits the batch route enforces', () => {
    const row = page.split('\n').find((l) => l.startsWith('| `POST /api/anomalies/batch` |'))!;
    expect(row).toContain(`1 to ${MAX_BATCH_ITEMS} anomalies`);
    const section = page.slice(page.indexOf('## Batches of anomalies'));
    expect(section).toContain(`(1 to ${MAX_BATCH_ITEMS} items, body at most\n${BATCH_BODY_LIMIT / 1024 / 1024} MiB)`);
    expect(section).toContain(`more than ${MAX_BATCH_ITEMS} items \`413 batch_too_large\``);
  });
});
