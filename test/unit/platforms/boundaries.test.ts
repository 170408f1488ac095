// The worker loads only the platforms' outbound code and the api only their inbound code: checked
// on the value imports (type-only imports load nothing) that each process's entry reaches, and on
// the direct imports of every platform file. Each rule is first shown to fire on a made-up file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../../..');

/** Repo-relative paths of the files a source file loads at run time (relative imports only). */
function valueImports(file: string, source = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause && (clause.isTypeOnly || (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      specs.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specs.filter((s) => s.startsWith('.')).flatMap((s) => {
    const base = resolve(ROOT, dirname(file), s);
    const hit = [`${base}.ts`, join(base, 'index.ts'), base].find((c) => existsSync(c) && statSync(c).isFile());
    return hit ? [relative(ROOT, hit)] : [];
  });
}

/** Every file a process entry loads, following value imports. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f) || !f.endsWith('.ts')) continue;
    seen.add(f);
    todo.push(...valueImports(f));
  }
  return seen;
}

const OUTBOUND = /^platforms\/(outbound\.ts|[^/]+\/outbound\/)/;
const INBOUND = /^platforms\/(inbound\.ts|[^/]+\/inbound\/)|^api\//;
const platformOf = (f: string) => /^platforms\/([^/]+)\//.exec(f)?.[1];

/** Why an import from `file` to `target` crosses a boundary, or undefined. */
function crossing(file: string, target: string): string | undefined {
  if (INBOUND.test(file) && OUTBOUND.test(target)) return 'api side imports an outbound (worker) file';
  if (OUTBOUND.test(file) && INBOUND.test(target)) return 'worker side imports an inbound (api) file';
  if (/^platforms\/[^/]+\/(shared\/|config\.ts)/.test(file) && (OUTBOUND.test(target) || INBOUND.test(target))) return 'shared code imports one side';
  const [from, to] = [platformOf(file), platformOf(target)];
  if (from && to && from !== to) return `platform ${from} imports platform ${to}`;
  return undefined;
}

function platformFiles(dir = 'platforms'): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) return p.endsWith('/static') ? [] : platformFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const apiFiles = (): string[] => readdirSync(join(ROOT, 'api'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => `api/${f}`);

describe('platform boundaries', () => {
  it('flags a made-up api file that imports an adapter, and lets it import the platform\'s shared code or a type', () => {
    const file = 'api/made-up.ts';
    const imports = (src: string) => valueImports(file, src).map((t) => crossing(file, t));
    expect(imports("import { createSlackChat } from '../platforms/slack/outbound/adapter';")).toEqual(['api side imports an outbound (worker) file']);
    expect(imports("import { slackWebClient } from '../platforms/slack/shared/client';")).toEqual([undefined]);
    expect(imports("import type { SlackChatOptions } from '../platforms/slack/outbound/adapter';")).toEqual([]);
  });

  it('flags a made-up adapter that imports an api route and one platform reaching into another', () => {
    expect(crossing('platforms/slack/outbound/adapter.ts', 'platforms/slack/inbound/listeners.ts')).toBe('worker side imports an inbound (api) file');
    expect(crossing('platforms/teams/shared/card.ts', 'platforms/teams/outbound/adapter.ts')).toBe('shared code imports one side');
    expect(crossing('platforms/teams/inbound/bot.ts', 'platforms/slack/shared/blocks.ts')).toBe('platform teams imports platform slack');
  });

  it('has no api or platform file importing across a boundary', () => {
    const files = [...apiFiles(), ...platformFiles()];
    expect(files.length).toBeGreaterThan(60);
    const found = files.flatMap((f) => valueImports(f).flatMap((t) => (crossing(f, t) ? [`${f} -> ${t}: ${crossing(f, t)}`] : [])));
    expect(found).toEqual([]);
  });

  it('loads no platform inbound code or api file in the worker, and no outbound code in the api', () => {
    const worker = closure('worker/main.ts');
    const api = closure('api/main.ts');
    expect(worker.has('platforms/slack/outbound/adapter.ts')).toBe(true);
    expect(api.has('platforms/slack/inbound/listeners.ts')).toBe(true);
    expect([...worker].filter((f) => INBOUND.test(f))).toEqual([]);
    expect([...api].filter((f) => OUTBOUND.test(f))).toEqual([]);
  });
});
