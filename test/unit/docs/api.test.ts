// docs/api.md promises what the intake enforces: reason and message are required anomaly fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anomalySchema } from '../../../intake/schema';
import { anomaly } from '../../helpers/anomaly';

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
});
