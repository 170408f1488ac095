// postmortems and the event archive (owned by the Elasticsearch integration).
import { z } from 'zod';

export const postmortemsSchema = z
  .object({ store: z.enum(['file']).default('file') })
  .strict()
  .default({ store: 'file' });
