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
