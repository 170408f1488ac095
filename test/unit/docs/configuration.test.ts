// The configuration reference and the editors' JSON Schema are generated from the zod schema
// (scripts/config-reference.ts); these checks fail when either committed file is stale or when the
// generator stops seeing keys, so docs/configuration.md cannot drift from what the loader accepts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CONFIG_JSON_SCHEMA_PATH,
  CONFIG_REFERENCE_PATH,
  configRows,
  renderConfigJsonSchema,
  renderConfigReference,
} from '../../../scripts/config-reference';
import { parseConfigText } from '../../../config/load';

const ROOT = join(__dirname, '../../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Every key path of a JSON Schema, in the generator's notation (a[] for items, a.<name> for maps). */
function jsonSchemaPaths(schema: Record<string, any>, path: string, out: Set<string>): Set<string> {
  for (const option of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) jsonSchemaPaths(option, path, out);
  const props = (schema.properties ?? {}) as Record<string, any>;
  const isSecret = Object.keys(props).sort().join() === 'fromEnv,fromFile';
  if (!isSecret) {
    for (const [key, sub] of Object.entries(props)) {
      const at = path ? `${path}.${key}` : key;
      out.add(at);
      jsonSchemaPaths(sub, at, out);
    }
  }
  if (schema.items) jsonSchemaPaths(schema.items, `${path}[]`, out);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    jsonSchemaPaths(schema.additionalProperties, `${path}.<name>`, out);
  }
  return out;
}

describe('the generated configuration reference', () => {
  it(`is current in ${CONFIG_REFERENCE_PATH} (run \`make docs\` if this fails)`, () => {
    expect(read(CONFIG_REFERENCE_PATH)).toBe(renderConfigReference());
  });

  it(`is current in ${CONFIG_JSON_SCHEMA_PATH} (run \`make docs\` if this fails)`, () => {
    expect(read(CONFIG_JSON_SCHEMA_PATH)).toBe(renderConfigJsonSchema());
  });

  it('lists every key the JSON Schema of the composed config has, wherever its zod schema lives', () => {
    const schema = JSON.parse(renderConfigJsonSchema()) as Record<string, any>;
    // Enum-keyed maps (detectors by kind) are properties in JSON Schema and one <kind> row here.
    const expected = [...jsonSchemaPaths(schema, '', new Set())].map((p) => p.replace(/\.detectors\.(<name>|[A-Za-z]+)/, '.detectors.<kind>'));
    const documented = new Set(configRows().map((r) => r.path));
    expect(expected.filter((p) => !documented.has(p))).toEqual([]);
    expect(documented.size).toBeGreaterThan(250);
  });

  it('shows durations as written in the file and secrets with both reference forms', () => {
    const row = (path: string) => configRows().find((r) => r.path === path);
    expect(row('autoResolve.quietPeriod')).toMatchObject({ type: 'duration', default: '`5m`' });
    expect(row('clusters[].watch.thresholds.staleAfter')).toMatchObject({ type: 'duration', default: '`1h`' });
    expect(row('api.tokens[].token')?.type).toBe('secret: `{ fromEnv: VAR }` or `{ fromFile: /path }`');
    expect(row('worker.port')).toMatchObject({ type: 'integer 0–65535', default: '`9465`' });
    expect(row('elasticsearch.compatibleWith')).toMatchObject({ type: '`8` or `9`', default: '`9`' });
    expect(row('people')).toMatchObject({ default: 'required' });
    expect(row('temporal.uiUrl')).toMatchObject({ type: 'URL', default: 'none' });
  });

  it('carries a description for every key outside the chat platform and paging schemas', () => {
    // platforms.* and paging.* are described by their own owners as they move to platforms/<name>/.
    const undescribed = configRows()
      .filter((r) => !r.description && !/^(platforms|paging)\./.test(r.path))
      .map((r) => r.path);
    expect(undescribed).toEqual([]);
  });
});

describe('the JSON Schema for editors', () => {
  it('is named by a yaml-language-server line in config/example.yaml that resolves to it', () => {
    const first = read('config/example.yaml').split('\n')[0]!;
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(match).not.toBeNull();
    expect(join(dirname('config/example.yaml'), match![1]!)).toBe(CONFIG_JSON_SCHEMA_PATH);
    expect(existsSync(join(ROOT, CONFIG_JSON_SCHEMA_PATH))).toBe(true);
  });
});

describe('the smallest valid file in the reference', () => {
  it('loads as a config and names the JSON Schema as the file would in the repository root', () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(renderConfigReference())![1]!;
    expect(example.split('\n')[0]).toBe(`# yaml-language-server: $schema=${CONFIG_JSON_SCHEMA_PATH}`);
    const cfg = parseConfigText(example, 'docs/configuration.md example');
    expect(cfg.routing.default.channels).toEqual([{ platform: 'local', channel: 'incidents' }]);
  });
});
