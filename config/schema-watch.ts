// Watcher settings per cluster (owned by the watcher): detectors, filters, custom resources.
import { z } from 'zod';

export const watchSchema = z.object({}).strict().default({});
