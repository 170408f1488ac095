// Generates docs/configuration.md (every key: path, type, default, description) and
// config/config.schema.json (for editors: yaml-language-server) from the composed zod schema, so the
// reference cannot drift from what the loader accepts. It walks the zod tree, not the schema files,
// so keys are found wherever their schema lives. test/unit/docs/configuration.test.ts fails when
// either file is stale. Regenerate: `make docs`.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema } from '../config/schema';
import { formatDuration, parseDuration } from '../config/duration';
import { configJsonSchema } from './chart-schema';

export const CONFIG_REFERENCE_PATH = 'docs/configuration.md';
export const CONFIG_JSON_SCHEMA_PATH = 'config/config.schema.json';

/** The zod internals this walker reads (zod 4: every schema keeps its definition in `_zod.def`). */
type Node = {
  _zod: { def: Record<string, any> & { type: string } };
  description?: string;
  safeParse(v: unknown): { success: boolean; data?: unknown };
};

export type Row = { path: string; type: string; default: string; description: string };

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);
const STRUCTURAL = new Set(['object', 'array', 'record', 'union']);

type Unwrapped = { core: Node; description?: string; default?: { value: unknown }; optional: boolean };

/** Peels optional/default/transform layers; the outermost description and default win. */
function unwrap(node: Node): Unwrapped {
  const out: Unwrapped = { core: node, optional: false };
  for (;;) {
    const def = out.core._zod.def;
    out.description ??= out.core.description;
    if (def.type === 'default' && !out.default) out.default = { value: def.defaultValue };
    if (def.type === 'optional') out.optional = true;
    if (WRAPPERS.has(def.type)) out.core = def.innerType as Node;
    // A transformed object (people[], temporal) is documented by what is written: its input.
    else if (def.type === 'pipe' && STRUCTURAL.has((def.in as Node)._zod.def.type)) out.core = def.in as Node;
    else return out;
  }
}

/** Every duration in the config is a string the transform turns into milliseconds. */
function isDuration(node: Node): boolean {
  const def = node._zod.def;
  if (def.type !== 'pipe' || (def.in as Node)._zod.def.type !== 'string') return false;
  return ['10s', '5m', '1s'].some((text) => {
    const r = node.safeParse(text);
    return r.success && r.data === parseDuration(text);
  });
}

const isSecret = (node: Node) => {
  const def = node._zod.def;
  return def.type === 'object' && Object.keys(def.shape).sort().join() === 'fromEnv,fromFile';
};

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

/** The facts zod keeps as checks: number format and bounds, string format, list length. */
function facts(node: Node): Record<string, any> {
  const out: Record<string, any> = {};
  for (const check of (node._zod.def.checks ?? []) as { _zod: { def: Record<string, any> } }[]) {
    const c = check._zod.def;
    if (c.check === 'number_format' || c.check === 'string_format') out.format = c.format;
    if (c.check === 'greater_than') out.min = { value: c.value, inclusive: c.inclusive };
    if (c.check === 'less_than') out.max = { value: c.value, inclusive: c.inclusive };
    if (c.check === 'min_length') out.minLength = c.minimum;
  }
  return out;
}

function range(f: Record<string, any>): string {
  const { min, max } = f as { min?: { value: number; inclusive: boolean }; max?: { value: number; inclusive: boolean } };
  if (min?.inclusive && max?.inclusive) return ` ${min.value}–${max.value}`;
  const parts = [min && `${min.inclusive ? '≥' : '>'} ${min.value}`, max && `${max.inclusive ? '≤' : '<'} ${max.value}`].filter(Boolean);
  return parts.length ? ` ${parts.join(', ')}` : '';
}

function typeOf(node: Node): string {
  const def = node._zod.def;
  const f = facts(node);
  switch (def.type) {
    case 'string':
      return f.format === 'url' ? 'URL' : f.format === 'email' ? 'email' : 'string';
    case 'number':
      return `${f.format === 'safeint' ? 'integer' : 'number'}${range(f)}`;
    case 'boolean':
      return 'boolean';
    case 'enum':
      return `one of ${Object.values(def.entries as Record<string, string>).map(code).join(', ')}`;
    case 'literal':
      return (def.values as unknown[]).map(code).join(' or ');
    case 'union':
      return (def.options as Node[]).map((o) => typeOf(unwrap(o).core)).join(' or ');
    case 'array':
      return `list of ${typeOf(unwrap(def.element as Node).core)}${f.minLength ? `, at least ${f.minLength}` : ''}`;
    case 'record':
      return `map of ${typeOf(unwrap(def.valueType as Node).core)}`;
    case 'object':
      return isSecret(node) ? 'secret: `{ fromEnv: VAR }` or `{ fromFile: /path }`' : `{ ${Object.keys(def.shape).join(', ')} }`;
    case 'pipe':
      return isDuration(node) ? 'duration' : typeOf(def.in as Node);
    default:
      return def.type;
  }
}

function defaultText(u: Unwrapped): string {
  if (!u.default) return u.optional ? 'none' : 'required';
  const v = u.default.value;
  if (typeof v === 'number' && isDuration(u.core)) return code(formatDuration(v));
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' ? code(x) : code(String(x)))).join(', ') : '`[]`';
  if (v && typeof v === 'object') return Object.keys(v).length ? 'the defaults of its keys' : '`{}`';
  return code(v);
}

/** Map keys: an enum of allowed keys is listed, anything else is a placeholder. */
function recordKey(def: Record<string, any>): string {
  const key = unwrap(def.keyType as Node).core._zod.def;
  return key.type === 'enum' ? '<kind>' : '<name>';
}

function walk(node: Node, path: string, rows: Row[]): void {
  const u = unwrap(node);
  const def = u.core._zod.def;
  let description = u.description ?? '';
  if (def.type === 'record' && unwrap(def.keyType as Node).core._zod.def.type === 'enum') {
    description += `${description ? ' ' : ''}Keys: ${Object.values(unwrap(def.keyType as Node).core._zod.def.entries as Record<string, string>).map(code).join(', ')}.`;
  }
  if (path) rows.push({ path, type: typeOf(u.core), default: defaultText(u), description });
  children(u.core, path, rows);
}

function children(core: Node, path: string, rows: Row[]): void {
  const def = core._zod.def;
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (def.type === 'object' && !isSecret(core)) for (const [key, child] of Object.entries(def.shape as Record<string, Node>)) walk(child, at(key), rows);
  else if (def.type === 'array') {
    const element = unwrap(def.element as Node).core;
    if (STRUCTURAL.has(element._zod.def.type)) children(element, `${path}[]`, rows);
  } else if (def.type === 'record') {
    const value = unwrap(def.valueType as Node).core;
    if (STRUCTURAL.has(value._zod.def.type) && !isSecret(value)) children(value, `${path}.${recordKey(def)}`, rows);
  } else if (def.type === 'union') {
    // The keys of every object option, once each (e.g. elasticsearch.auth: apiKey, or username and password).
    const seen = new Set(rows.map((r) => r.path));
    for (const option of def.options as Node[]) {
      const sub: Row[] = [];
      children(unwrap(option).core, path, sub);
      for (const r of sub) {
        if (seen.has(r.path)) continue;
        seen.add(r.path);
        rows.push(r);
      }
    }
  }
}

/** One row per key of the config file, in schema order. */
export function configRows(): Row[] {
  const rows: Row[] = [];
  walk(configSchema as unknown as Node, '', rows);
  return rows;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const INTRO = `# Configuration reference

<!-- Generated by scripts/config-reference.ts from the zod schema (config/schema.ts and the schemas it
composes); do not edit by hand: change the .describe() texts and run \`make docs\`. -->

One YAML file, read by every process: \`--config <path>\`, else \`$CONFIG_FILE\`, else
\`config/example.yaml\`. It is validated at start; an invalid file stops the process (exit code 2)
listing every problem by its path, and unknown keys are errors, so a typo never silently becomes a
default.

- **Durations** are strings such as \`30s\`, \`5m\`, \`1h30m\`, \`2d\` (units \`ms\`, \`s\`, \`m\`, \`h\`, \`d\`).
- An **id** is lowercase letters, digits, \`.\`, \`_\` and \`-\`.
- **Secrets are never written in this file**: where one is needed the file names an environment
  variable, \`{ fromEnv: INCIDENT_API_TOKEN }\`, or a mounted file, \`{ fromFile: /run/secrets/token }\`
  (exactly one of the two). A key of type *secret* below takes either form.
- **Editors**: [\`config/config.schema.json\`](../config/config.schema.json) is the same schema as JSON
  Schema. With the YAML language server (VS Code's YAML extension, many other editors) a first line
  \`# yaml-language-server: $schema=<path to config/config.schema.json>\` gives completion, these
  descriptions on hover and errors as you type, as in [\`config/example.yaml\`](../config/example.yaml).
- *required* in the default column means the key must be set whenever its section is present;
  *none* means it is optional and has no default.

The smallest valid file (as \`my-config.yaml\` in the repository root; everything else has a
default, see below):

\`\`\`yaml
# yaml-language-server: $schema=config/config.schema.json
people:
  - { id: alice, name: Alice Liddell, chat: { local: alice } }
escalationPolicies:
  - id: default
    levels: [{ targets: [{ person: alice }], delay: 5m }]
routing:
  default: { channels: [{ platform: local, channel: incidents }], policy: default }
\`\`\`

\`temporal-dev.yaml\` configures only the \`make dev\` Temporal server (address, ports, SQLite file,
search attributes, dynamic config) and is validated the same way.
`;

export function renderConfigReference(): string {
  const rows = configRows();
  const sections = rows.filter((r) => !r.path.includes('.') && !r.path.includes('['));
  const out = [INTRO, '## Sections', '', ...sections.map((s) => `- [\`${s.path}\`](#${s.path.toLowerCase()}): ${cell(s.description) || s.type}`), ''];
  for (const section of sections) {
    out.push(`## ${section.path}`, '', '| key | type | default | description |', '| --- | --- | --- | --- |');
    for (const r of rows.filter((r) => r.path === section.path || r.path.startsWith(`${section.path}.`) || r.path.startsWith(`${section.path}[`))) {
      out.push(`| \`${r.path}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function renderConfigJsonSchema(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'k8s-incident-flow config (generated by scripts/config-reference.ts from config/schema.ts; do not edit)',
    ...configJsonSchema(),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
  // Runs from the sources (scripts/) or the build (dist/scripts/).
  const root = existsSync(resolve(__dirname, '../package.json')) ? resolve(__dirname, '..') : resolve(__dirname, '../..');
  writeFileSync(resolve(root, CONFIG_REFERENCE_PATH), renderConfigReference());
  writeFileSync(resolve(root, CONFIG_JSON_SCHEMA_PATH), renderConfigJsonSchema());
  process.stdout.write(`wrote ${CONFIG_REFERENCE_PATH} and ${CONFIG_JSON_SCHEMA_PATH}\n`);
}
