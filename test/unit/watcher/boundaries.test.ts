// The watcher process loads no chat, api or worker code (a watcher pod needs no chat credentials
// and must not pull in their libraries), and its metrics render as Prometheus text.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Metrics } from '../../../watcher/metrics';

const ROOT = resolve(__dirname, '../../..');

/** Every project file reachable from `entry` through relative value imports (what Node loads). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // `import type` / `export type` are erased by the compiler: they load nothing.
    for (const m of text.matchAll(/(?:import|export)\s(?!type\s)[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
      const spec = m[1] ?? m[2]!;
      const base = resolve(dirname(file), spec);
      const next = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
      if (next) visit(next);
    }
  };
  visit(resolve(ROOT, entry));
  return seen;
}

describe('the watcher process', () => {
  it('never imports chat, api or worker code', () => {
    const files = [...reachable('watcher/main.ts')].map((f) => f.slice(ROOT.length + 1));
    expect(files).toContain('watcher/watcher.ts');
    // The pattern-based text redaction is pure and dependency-free; logging/ applies it to every process's free-form lines.
    const sharedHelpers = new Set(['activities/diagnostics/redact.ts', 'activities/diagnostics/secret-names.ts', 'platforms/registry.ts']);
    // Each outside system keeps its config schema in its own folder (platforms/<name>/config.ts,
    // activities/webhooks/config.ts): the one config tree loads those schemas, never what they
    // import beyond them, which this walk would list too.
    const isConfigSchema = (f: string) => f.endsWith('/config.ts');
    expect(files.filter((f) => /^(activities|api|worker|platforms)\//.test(f) && !sharedHelpers.has(f) && !isConfigSchema(f))).toEqual([]);
  });
});

describe('watcher metrics', () => {
  it('render counters and gauges in the Prometheus text format with HELP and TYPE', async () => {
    const m = new Metrics({ cluster: 'prod' });
    m.inc('watcher_relists_total', { resource: 'pods' });
    m.inc('watcher_relists_total', { resource: 'pods' }, 2);
    m.set('watcher_leader', 1);
    const text = await m.render();
    expect(text).toContain('# TYPE watcher_relists_total counter\nwatcher_relists_total{resource="pods",cluster="prod"} 3\n');
    expect(text).toContain('# TYPE watcher_leader gauge\nwatcher_leader{cluster="prod"} 1\n');
    // Default process metrics carry the cluster too (one watcher per cluster).
    expect(text).toMatch(/^nodejs_heap_size_used_bytes\{cluster="prod"\} \d+$/m);
    expect(text).toMatch(/# HELP watcher_relists_total \S/);
  });

  it('escape label values', async () => {
    const m = new Metrics();
    m.inc('watcher_filtered_total', { why: 'a"b\\c\nd' });
    expect(await m.render()).toContain('watcher_filtered_total{why="a\\"b\\\\c\\nd"} 1');
  });

  it('refuse a series that is not declared, naming where to declare it', () => {
    expect(() => new Metrics().inc('watcher_typo_total')).toThrow(/watcher_typo_total.*DEFS in watcher\/metrics\.ts/);
    expect(() => new Metrics().set('watcher_relists_total', 1)).toThrow(/not a declared gauge/);
  });
});
