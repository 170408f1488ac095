// The Helm chart without helm: its default config must stay valid for the real config schema, its
// values.schema.json must match the generator, and secrets may only be referenced, never inlined.
// (`make chart-check` runs helm lint and kubeconform on top; it needs network, so it is not here.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../../config/load';
import { renderValuesSchema, VALUES_SCHEMA_PATH } from '../../../scripts/chart-schema';

const CHART = 'charts/k8s-incident-flow';
const read = (file: string) => readFileSync(join(CHART, file), 'utf8');
const chart = parse(read('Chart.yaml')) as Record<string, unknown>;
const values = parse(read('values.yaml')) as Record<string, any>;

describe('Helm chart', () => {
  it('is a v2 application chart whose appVersion is the package version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', name: pkg.name, type: 'application', appVersion: pkg.version });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it('ships a default config that the real config schema accepts', () => {
    const cfg = parseConfig(values.config, `${CHART}/values.yaml#config`);
    expect(cfg.temporal.taskQueue).toBe('incidents');
  });

  it('keeps the default config usable inside a pod', () => {
    expect(values.config.dataDir).toMatch(/^\//); // also the volume mount path
    expect(values.config.api.host).toBe('0.0.0.0'); // the Service and probes must reach it
  });

  it('sets every token environment variable the config names from a Secret reference', () => {
    const secretEnv = values.api.secretEnv as Record<string, { secretName: string; key: string }>;
    for (const t of values.config.api.tokens as { token: { fromEnv?: string } }[]) {
      if (t.token.fromEnv) expect(secretEnv[t.token.fromEnv]).toEqual({ secretName: expect.any(String), key: expect.any(String) });
    }
  });

  it('has a values.schema.json generated from the current config schema (run `make chart-schema` if this fails)', () => {
    expect(readFileSync(VALUES_SCHEMA_PATH, 'utf8')).toBe(renderValuesSchema());
  });

  it('never renders a Secret or an inline env value from a secret, and probes the api on /healthz and /readyz', () => {
    const templates = readdirSync(join(CHART, 'templates')).map((f) => read(join('templates', f))).join('\n');
    expect(templates).not.toMatch(/^kind:\s*Secret/m);
    expect(templates).toContain('secretKeyRef');
    expect(values.api.livenessProbe.httpGet.path).toBe('/healthz');
    expect(values.api.readinessProbe.httpGet.path).toBe('/readyz');
  });

  it('runs as non-root with a read-only root filesystem by default', () => {
    expect(values.podSecurityContext.runAsNonRoot).toBe(true);
    expect(values.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });
});

describe('Helm chart: the watcher', () => {
  // The static rules of the ClusterRole template (everything before the extraRules loop).
  const clusterRole = read('templates/watcher-clusterrole.yaml');
  const rules = parse(clusterRole.slice(clusterRole.indexOf('rules:'), clusterRole.indexOf('{{- range'))).rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];

  it('reads what it watches with get/list/watch only, plus pods/log for diagnostics', () => {
    const granted = rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0] || 'core'}/${res}:${r.verbs.join(',')}`));
    for (const res of ['core/pods', 'core/events', 'core/nodes', 'core/namespaces', 'core/persistentvolumeclaims', 'apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs', 'velero.io/backups', 'cert-manager.io/certificates']) {
      expect(granted).toContain(`${res}:get,list,watch`);
    }
    expect(granted).toContain('core/pods/log:get');
    for (const r of rules) expect(r.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
  });

  it('never grants secrets (nor wildcards) in its ClusterRole, and its values cannot add them', () => {
    const resources = rules.flatMap((r) => r.resources);
    expect(resources).not.toContain('secrets');
    expect(resources).not.toContain('*');
    expect(rules.flatMap((r) => r.apiGroups)).not.toContain('*');
    expect(clusterRole).not.toMatch(/^\s*resources:.*secrets/m);
    const schema = JSON.parse(readFileSync(VALUES_SCHEMA_PATH, 'utf8')) as Record<string, any>;
    expect(schema.properties.watcher.properties.extraRules.items.properties.resources.items.not.enum).toEqual(['secrets', '*']);
  });

  it('is off by default, with one replica, and gets its own ServiceAccount and a Lease Role when on', () => {
    expect(values.watcher).toMatchObject({ enabled: false, replicas: 1, serviceAccount: { create: true } });
    const role = read('templates/watcher-role.yaml');
    expect(role).toMatch(/kind: Role\n/);
    expect(role).toContain('resources: [leases]');
    expect(role).toContain('verbs: [get, create, update]');
    expect(read('templates/watcher-deployment.yaml')).toContain('"--cluster" $cluster');
  });
});
