// The Helm chart without helm: its default config must stay valid for the real config schema, its
// values.schema.json must match the generator, and secrets may only be referenced, never inlined.
// (test/integration/charts renders the chart with helm and validates it with kubeconform.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../../config/load';
import { renderValuesSchema, VALUES_SCHEMA_PATH } from '../../../scripts/chart-schema';
import { PLATFORM_NAMES } from '../../../platforms/registry';

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
    expect(values.config.worker).toEqual({ host: '0.0.0.0', port: 9465 }); // the worker's probes too
  });

  it('turns the login-less local chat off by default', () => {
    expect(values.config.platforms.local.enabled).toBe(false);
    expect(parseConfig(values.config, `${CHART}/values.yaml#config`).platforms.local.enabled).toBe(false);
  });

  it('describes every chart value and carries the config descriptions from zod into the schema', () => {
    const schema = JSON.parse(readFileSync(VALUES_SCHEMA_PATH, 'utf8')) as Record<string, any>;
    for (const [key, sub] of Object.entries(schema.properties as Record<string, any>)) {
      if (key === 'podSecurityContext' || key === 'securityContext' || key === 'global' || key === 'config') continue;
      expect([key, typeof sub.description]).toEqual([key, 'string']);
    }
    const undescribed = Object.entries(schema.properties.worker.properties as Record<string, any>).filter(([, v]) => !v.description).map(([k]) => k);
    expect(undescribed).toEqual([]);
    const config = schema.properties.config.allOf[0].properties;
    expect(config.temporal.properties.tls.description).toMatch(/TLS/);
    expect(config.clusters.items.properties.inCluster.description).toMatch(/service account/i);
    expect(config.escalationPolicies.items.properties.levels.items.properties.delay.description).toMatch(/ack/);
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

  it('never renders a Secret or an inline env value from a secret, and probes api and worker on /healthz and /readyz', () => {
    const templates = readdirSync(join(CHART, 'templates')).map((f) => read(join('templates', f))).join('\n');
    expect(templates).not.toMatch(/^kind:\s*Secret/m);
    expect(templates).toContain('secretKeyRef');
    expect(values.api.livenessProbe.httpGet.path).toBe('/healthz');
    expect(values.api.readinessProbe.httpGet.path).toBe('/readyz');
    expect(values.worker.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(values.worker.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
  });

  it('runs as non-root with a read-only root filesystem by default', () => {
    expect(values.podSecurityContext.runAsNonRoot).toBe(true);
    expect(values.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });
});

describe('Helm chart: the read-only ClusterRole', () => {
  // The static rules of the ClusterRole template (everything before the extraRules loop).
  const clusterRole = read('templates/clusterrole.yaml');
  const rules = parse(clusterRole.slice(clusterRole.indexOf('rules:'), clusterRole.indexOf('{{- range'))).rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];

  it('reads what the watcher watches and /kubectl shows with get/list/watch only, plus pods/log', () => {
    const granted = rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0] || 'core'}/${res}:${r.verbs.join(',')}`));
    for (const res of ['core/pods', 'core/events', 'core/nodes', 'core/namespaces', 'core/persistentvolumeclaims', 'core/services', 'apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs', 'networking.k8s.io/ingresses', 'velero.io/backups', 'cert-manager.io/certificates']) {
      expect(granted).toContain(`${res}:get,list,watch`);
    }
    expect(granted).toContain('core/pods/log:get');
    for (const r of rules) expect(r.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
  });

  it('never grants secrets, configmaps or wildcards, and its values cannot add secrets or wildcards', () => {
    const resources = rules.flatMap((r) => r.resources);
    for (const bad of ['secrets', 'configmaps', '*']) expect(resources).not.toContain(bad);
    expect(rules.flatMap((r) => r.apiGroups)).not.toContain('*');
    expect(clusterRole).not.toMatch(/^\s*resources:.*secrets/m);
    const schema = JSON.parse(readFileSync(VALUES_SCHEMA_PATH, 'utf8')) as Record<string, any>;
    const rule = schema.properties.rbac.properties.extraRules.items.properties;
    expect(rule.resources.items.not.enum).toEqual(['secrets', '*']);
    expect(rule.apiGroups.items.not.enum).toEqual(['*']);
  });
});

describe('Helm chart: the watcher', () => {
  it('is off by default, with one replica, and gets its own ServiceAccount and a Lease Role when on', () => {
    expect(values.watcher).toMatchObject({ enabled: false, replicas: 1, serviceAccount: { create: true } });
    const role = read('templates/watcher-role.yaml');
    expect(role).toMatch(/kind: Role\n/);
    expect(role).toContain('resources: [leases]');
    expect(role).toContain('verbs: [get, create, update]');
    expect(read('templates/watcher-deployment.yaml')).toContain('"--cluster" $cluster');
  });
});

describe('Helm chart: the Ingress', () => {
  it('routes /api and every chat platform of the registry, but never the local chat, /metrics or the probes', () => {
    const schema = JSON.parse(readFileSync(VALUES_SCHEMA_PATH, 'utf8')) as Record<string, any>;
    const path = new RegExp(schema.properties.ingress.properties.paths.items.pattern as string);
    for (const name of PLATFORM_NAMES.filter((n) => n !== 'local')) expect([name, path.test(`/${name}/events`)]).toEqual([name, true]);
    expect(path.test('/api/incidents')).toBe(true);
    for (const internal of ['/local', '/chat', '/metrics', '/healthz', '/readyz']) expect([internal, path.test(internal)]).toEqual([internal, false]);
  });
});
