// platforms.local: the built-in chat page and its service, served by the api; the worker posts to
// it over HTTP like to any other platform.
import { z } from 'zod';
import type { PlatformConfig } from '../seams';

export const LOCAL_DEFAULT = { enabled: true, url: 'http://127.0.0.1:8080' };

export const localSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Serve the local chat (page and service) from the api. It has no login: turn it off wherever others can reach the api'),
    url: z.string().url().default(LOCAL_DEFAULT.url).describe("Where the worker reaches the local chat service (the api's address)"),
  })
  .strict()
  .default(LOCAL_DEFAULT)
  .describe('The built-in local chat page (no login; for development and demos)');

export const localConfig = {
  schema: localSchema,
  userId: 'User name on the local chat page',
} satisfies PlatformConfig;
