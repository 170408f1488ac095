// Reads temporal-dev.yaml, the description of the embedded Temporal dev server, and turns it into
// `temporal server start-dev` arguments. Shared by `make dev` (scripts/dev.ts) and the test harness.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, formatIssues } from './load';
import { SEARCH_ATTRIBUTE_NAMES } from '../workflows/definitions';

const loopback = z
  .string()
  .refine((ip) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || ip === 'localhost', { message: 'expected a loopback address (127.0.0.0/8)' });
const port = z.number().int().min(1).max(65535);
const SA_TYPES = ['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'] as const;

export const temporalDevSchema = z
  .object({
    server: z
      .object({
        ip: loopback.default('127.0.0.1'),
        port: port.default(7233),
        uiPort: port.default(8233),
        namespace: z.string().min(1).default('default'),
        dbFilename: z.string().min(1).optional(),
        logLevel: z.enum(['debug', 'info', 'warn', 'error', 'never']).default('warn'),
      })
      .strict(),
    searchAttributes: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected a search attribute name'), z.enum(SA_TYPES)),
    dynamicConfig: z.record(z.string().min(1), z.union([z.boolean(), z.number(), z.string()])).default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const name of SEARCH_ATTRIBUTE_NAMES) {
      if (cfg.searchAttributes[name] !== 'Keyword')
        ctx.addIssue({ code: 'custom', path: ['searchAttributes', name], message: `the incident workflow needs ${name}: Keyword` });
    }
  });

export type TemporalDevConfig = z.output<typeof temporalDevSchema>;

export function parseTemporalDev(text: string, source = 'temporal-dev.yaml'): TemporalDevConfig {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ConfigError(source, doc.errors.map((e) => `YAML syntax: ${e.message}`));
  const result = temporalDevSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
}

export function loadTemporalDev(path = 'temporal-dev.yaml'): TemporalDevConfig {
  return parseTemporalDev(readFileSync(path, 'utf8'), path);
}

/** `--search-attribute` and `--dynamic-config-value` flags; shared by dev and tests. */
export function serverExtraArgs(cfg: TemporalDevConfig): string[] {
  const args: string[] = [];
  for (const [name, type] of Object.entries(cfg.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(cfg.dynamicConfig)) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  return args;
}

/** The full `temporal server start-dev` argument list for `make dev`. */
export function startDevArgs(cfg: TemporalDevConfig, root: string): string[] {
  const s = cfg.server;
  const args = ['server', 'start-dev', '--ip', s.ip, '--port', String(s.port), '--ui-port', String(s.uiPort), '--namespace', s.namespace, '--log-level', s.logLevel];
  if (s.dbFilename) args.push('--db-filename', s.dbFilename.startsWith('/') ? s.dbFilename : `${root}/${s.dbFilename}`);
  return [...args, ...serverExtraArgs(cfg)];
}
