// Real helm and kubeconform for the chart tests, as scripts/setup-chart-tools.sh installs them
// (.tools/bin, or $HELM / $KUBECONFORM), and the standalone Kubernetes schemas it converts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
export const CHART = join(ROOT, 'charts/k8s-incident-flow');
const SETUP_HINT = 'run `make setup` (scripts/setup-chart-tools.sh installs helm, kubeconform and the Kubernetes schemas)';

function tool(name: string, override: string | undefined): string {
  const path = override || join(ROOT, '.tools/bin', name);
  if (!existsSync(path)) throw new Error(`${name} not found at ${path}: ${SETUP_HINT}`);
  return path;
}

export const helmBin = () => tool('helm', process.env.HELM);
const kubeconformBin = () => tool('kubeconform', process.env.KUBECONFORM);
function schemaDir(): string {
  const dir = process.env.K8S_SCHEMAS || join(ROOT, '.tools/k8s-schemas');
  if (!existsSync(join(dir, '.complete'))) throw new Error(`no Kubernetes schemas in ${dir}: ${SETUP_HINT}`);
  return dir;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], input?: string): Run {
  const r = spawnSync(bin, args, { input, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` of the chart with the given values files (relative to the chart) and --set pairs. */
export function helmTemplate(valuesFiles: string[] = [], sets: string[] = []): Run {
  const args = ['template', 'incidents', CHART, '--namespace', 'incidents'];
  for (const f of valuesFiles) args.push('--values', resolve(CHART, f));
  for (const s of sets) args.push('--set', s);
  return run(helmBin(), args);
}

export function helmLint(valuesFiles: string[] = []): Run {
  return run(helmBin(), ['lint', '--strict', CHART, ...valuesFiles.flatMap((f) => ['--values', resolve(CHART, f)])]);
}

/**
 * kubeconform -strict against the converted Kubernetes schemas and the CRD schemas kept in
 * charts/schemas; no -ignore-missing-schemas, so a kind without a schema fails.
 */
export function kubeconform(manifests: string): Run {
  const location = (dir: string) => ['-schema-location', join(dir, '{{.ResourceKind}}{{.KindSuffix}}.json')];
  return run(kubeconformBin(), ['-strict', '-summary', ...location(schemaDir()), ...location(join(ROOT, 'charts/schemas')), '-'], manifests);
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: any;
}

export function manifests(yaml: string): Manifest[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => !!m);
}
