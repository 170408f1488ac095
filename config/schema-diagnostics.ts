// Diagnostics per cluster and /kubectl from chat (owned by diagnostics and kubectl).
import { z } from 'zod';

export const clusterDiagnosticsSchema = z.object({}).strict().default({});
export const kubectlSchema = z.object({}).strict().default({});
