// Generates charts/k8s-incident-flow/values.schema.json, so `helm install` rejects wrong values
// before a pod crash-loops on them. The `config` part is derived from the real zod schema (strict
// objects become additionalProperties: false, so a typo like `peple:` fails at install time);
// test/unit/charts checks the committed file is current. Regenerate: `make chart-schema`.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { configSchema } from '../config/schema';
import { PLATFORM_NAMES } from '../platforms/registry';

export const VALUES_SCHEMA_PATH = 'charts/k8s-incident-flow/values.schema.json';

type Schema = Record<string, unknown>;

/** Every chart-only value carries a description, like the config fields (zod .describe()). */
const d = (description: string, schema: Schema): Schema => ({ ...schema, description });
const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
});
const stringMap: Schema = { type: 'object', additionalProperties: str };
const anyObject: Schema = { type: 'object' };
const objectList: Schema = { type: 'array', items: anyObject };
const port: Schema = { type: 'integer', minimum: 1, maximum: 65535 };
const ports = (what: string): Schema => d(`TCP ports of ${what}`, { type: 'array', items: port, minItems: 1 });
const k8sName: Schema = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 };
const peers = (what: string): Schema => d(`${what}, as NetworkPolicy peers (podSelector, namespaceSelector, ipBlock); empty: any`, objectList);
const probe = (what: string): Schema => d(`Kubernetes probe spec for ${what}`, anyObject);

/** NAME: { secretName, key }: only references, so a secret value has nowhere to go. */
const secretEnv: Schema = d('Environment variables filled from Kubernetes Secrets: NAME: { secretName, key, optional }', {
  type: 'object',
  propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  additionalProperties: obj({ secretName: k8sName, key: { type: 'string', pattern: '^[-._a-zA-Z0-9]+$' }, optional: bool }, ['secretName', 'key']),
});

const resources: Schema = d('Container resources (requests, limits)', obj({ requests: stringOrNumberMap(), limits: stringOrNumberMap(), claims: objectList }));
function stringOrNumberMap(): Schema {
  return { type: 'object', additionalProperties: { type: ['string', 'number'] } };
}

const serviceAccount = (component: string): Schema =>
  d(
    `The ${component}'s ServiceAccount; its pod mounts a token only when it reads the cluster`,
    obj({
      create: d('Create it (false: use an existing account named by name)', bool),
      name: d(`Defaults to "<release full name>-${component}" (or "default" when create is false)`, str),
      annotations: d('Annotations, e.g. for workload identity', stringMap),
    }),
  );

function component(name: string, extra: Record<string, Schema>): Schema {
  return d(
    `The ${name} Deployment`,
    obj(
      {
        replicas: d('Pod replicas', { type: 'integer', minimum: 0 }),
        command: d('Container command (the image must contain the built app under /app)', { type: 'array', items: str, minItems: 1 }),
        terminationGracePeriodSeconds: d('Time to finish work after SIGTERM', { type: 'integer', minimum: 0 }),
        resources,
        serviceAccount: serviceAccount(name),
        secretEnv,
        nodeOptions: d('NODE_OPTIONS of the container (V8 heap caps that fit resources.limits.memory); empty: none', str),
        extraEnv: d('Plain environment variables (Kubernetes env entries)', { type: 'array', items: { type: 'object', required: ['name'], properties: { name: str } } }),
        extraVolumes: d('More pod volumes, e.g. a Secret for a config fromFile', objectList),
        extraVolumeMounts: d('Mounts of extraVolumes into the container', objectList),
        podAnnotations: d('Pod annotations', stringMap),
        podLabels: d('Extra pod labels', stringMap),
        nodeSelector: d('Pod nodeSelector', stringMap),
        tolerations: d('Pod tolerations', objectList),
        affinity: d('Pod affinity', anyObject),
        topologySpreadConstraints: d("Pod topologySpreadConstraints; one without labelSelector spreads this component's pods", objectList),
        priorityClassName: d('Pod priorityClassName (e.g. one that outranks batch work, so paging keeps running)', str),
        podDisruptionBudget: d(
          'A PodDisruptionBudget for this component (set minAvailable or maxUnavailable)',
          obj({ enabled: bool, minAvailable: { type: ['integer', 'string'] }, maxUnavailable: { type: ['integer', 'string'] } }),
        ),
        ...extra,
      },
      ['replicas', 'command'],
    ),
  );
}

const notLoopback = { not: { pattern: '^(127\\.|localhost$|::1$)' } };
/** What a pod needs on top of the app's own schema: a mount path and addresses the Service and probes reach. */
const chartConfigRules: Schema = {
  type: 'object',
  required: ['dataDir', 'api', 'worker'],
  properties: {
    dataDir: { type: 'string', pattern: '^/', description: 'absolute: it is the mount path of the data volume' },
    api: { type: 'object', required: ['host', 'port'], properties: { host: { type: 'string', ...notLoopback, description: 'not loopback: the Service and probes must reach it (use 0.0.0.0)' }, port } },
    worker: { type: 'object', required: ['host', 'port'], properties: { host: { type: 'string', ...notLoopback, description: 'not loopback: the probes must reach it (use 0.0.0.0)' }, port } },
  },
};

/** The chat callbacks and REST; everything else the api serves (/metrics, probes, /chat) stays internal. */
// Each platform's callbacks live under /<name> (from the registry, so a new platform is routable);
// the local chat has no login and stays internal.
const ROUTED = ['api', ...PLATFORM_NAMES.filter((n) => n !== 'local')];
const INGRESS_PATH = `^/(${ROUTED.join('|')})(/[A-Za-z0-9._~/-]*)?$`;

const chartOnly: Record<string, Schema> = {
  rbac: d(
    'The read-only ClusterRole of the watcher, and of the worker and api when a cluster is inCluster',
    obj({
      extraRules: d('More resources to get/list/watch (custom resources); never secrets or "*"', {
        type: 'array',
        items: obj(
          {
            apiGroups: { type: 'array', items: { type: 'string', not: { enum: ['*'] } }, minItems: 1 },
            resources: { type: 'array', items: { type: 'string', not: { enum: ['secrets', '*'] } }, minItems: 1 },
          },
          ['apiGroups', 'resources'],
        ),
      }),
    }),
  ),
  temporalCredentials: d(
    'Secrets mounted into all three processes for a secured Temporal; the config points at them unless config.temporal sets tls/apiKey',
    obj({
      tls: d(
        'A TLS Secret (ca.crt, tls.crt, tls.key, e.g. from cert-manager)',
        obj({
          secretName: d('Secret name; empty: none', { anyOf: [k8sName, { const: '' }] }),
          ca: d('Use ca.crt as temporal.tls.caFile (false: system roots)', bool),
          clientCert: d('Use tls.crt/tls.key as the mTLS client certificate', bool),
          serverName: d('temporal.tls.serverName, when the certificate names another host than the address', str),
        }),
      ),
      apiKey: d(
        'A Secret holding a Temporal Cloud API key, used as temporal.apiKey.fromFile',
        obj({ secretName: d('Secret name; empty: none', { anyOf: [k8sName, { const: '' }] }), key: d('Key of the API key in the Secret', { type: 'string', pattern: '^[-._a-zA-Z0-9]+$' }) }),
      ),
    }),
  ),
  ingress: d(
    'HTTPS Ingress for the api (chat platforms and REST); never routes /metrics, the probes or the local chat',
    obj({
      enabled: bool,
      className: d('ingressClassName', str),
      annotations: d('Ingress annotations (e.g. cert-manager.io/cluster-issuer)', stringMap),
      host: d('Public host name', str),
      tls: d('TLS is required: chat platforms call HTTPS only', obj({ secretName: d('Secret with the certificate (cert-manager can create it)', str) })),
      paths: d(`Routed path prefixes: ${ROUTED.map((r) => `/${r}`).join(', ')} or below`, { type: 'array', items: { type: 'string', pattern: INGRESS_PATH }, minItems: 1 }),
    }),
  ),
  networkPolicy: d(
    'One NetworkPolicy per component: only what is listed is allowed',
    obj({
      enabled: bool,
      api: d('The api', obj({ ingressFrom: peers('Who may call the api (the Ingress controller)') })),
      metricsFrom: peers('Who may scrape /metrics and reach health ports'),
      egress: d(
        'Allowed destinations',
        obj({
          dns: d('DNS (port 53)', obj({ enabled: bool, to: peers('DNS servers') })),
          temporal: d('The Temporal frontend', obj({ ports: ports('the Temporal frontend'), to: peers('Temporal') })),
          https: d('Chat platforms, PagerDuty, Graph (worker and api)', obj({ ports: ports('HTTPS services'), to: peers('HTTPS services') })),
          kubernetesApi: d('The Kubernetes API server (watcher; worker and api when inCluster)', obj({ ports: ports('the API server'), to: peers('The API server') })),
          extra: d('More egress rules for worker and api (e.g. Elasticsearch)', objectList),
        }),
      ),
    }),
  ),
  metrics: d(
    'Prometheus Operator objects (monitoring.coreos.com/v1)',
    obj({
      serviceMonitor: d('Scrape the api /metrics', obj({ enabled: bool, interval: str, scrapeTimeout: str, labels: d('Labels your Prometheus selects on', stringMap) })),
      podMonitor: d('Scrape the watcher and worker pods /metrics (worker: health port and Temporal SDK port)', obj({ enabled: bool, interval: str, scrapeTimeout: str, labels: d('Labels your Prometheus selects on', stringMap) })),
      grafanaDashboard: d('The Grafana dashboard as a ConfigMap for the Grafana sidecar', obj({ enabled: bool, labels: d('Labels the sidecar selects on', stringMap) })),
      prometheusRule: d('Alerts on the service itself (PrometheusRule)', obj({ enabled: bool, labels: d('Labels your Prometheus selects on', stringMap) })),
    }),
  ),
  persistence: d('Where config.dataDir lives', obj({ existingClaim: d('A ReadWriteMany claim shared by worker and api; empty: an emptyDir per pod', str) })),
};

/** The config file's JSON Schema (what people write: durations as strings), shared with scripts/config-reference.ts. */
export function configJsonSchema(): Schema {
  const { $schema: _ignored, ...appConfig } = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Schema;
  return appConfig;
}

export function chartValuesSchema(): Schema {
  const appConfig = configJsonSchema();
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'k8s-incident-flow values (generated by scripts/chart-schema.ts; do not edit)',
    type: 'object',
    additionalProperties: false,
    required: ['image', 'worker', 'api', 'config'],
    properties: {
      global: d('Helm global values (unused)', anyObject),
      image: d(
        'The app image (Node 24, the built app under /app)',
        obj(
          {
            repository: d('Image repository', { type: 'string', minLength: 1 }),
            tag: d("Image tag; defaults to the chart's appVersion", str),
            digest: d('Image digest (sha256:...); wins over tag', { type: 'string', pattern: '^([a-z0-9]+:[a-f0-9]{32,})?$' }),
            pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
          },
          ['repository'],
        ),
      ),
      imagePullSecrets: d('Pull secrets for the image', { type: 'array', items: obj({ name: { type: 'string', minLength: 1 } }, ['name']) }),
      nameOverride: d('Replaces the chart name in resource names', str),
      fullnameOverride: d('Replaces the release full name in resource names', str),
      podSecurityContext: d('Pod securityContext of every pod', anyObject),
      securityContext: d('Container securityContext of every container', anyObject),
      worker: component('worker', {
        livenessProbe: probe('/healthz on the health port'),
        readinessProbe: probe('/readyz (worker running and connected)'),
        startupProbe: probe('start-up'),
      }),
      api: component('api', {
        service: d('The api Service', obj({ type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }, port, annotations: stringMap }, ['type', 'port'])),
        livenessProbe: probe('/healthz'),
        readinessProbe: probe('/readyz (Temporal reachable)'),
        startupProbe: probe('start-up'),
      }),
      watcher: component('watcher', {
        enabled: d('Run the cluster watcher for watcher.cluster', bool),
        cluster: d('A config.clusters[].name', { type: 'string', pattern: '^([A-Za-z0-9._-]{1,63})?$' }),
        httpPort: d('Port of the watcher /metrics and /healthz', port),
        livenessProbe: probe('/healthz'),
      }),
      ...chartOnly,
      config: d('The application config (config.yaml), see docs/configuration.md', { allOf: [appConfig, chartConfigRules] }),
    },
  };
}

export function renderValuesSchema(): string {
  return `${JSON.stringify(chartValuesSchema(), null, 2)}\n`;
}

if (require.main === module) {
  // Runs from the sources (scripts/) or the build (dist/scripts/).
  const root = existsSync(resolve(__dirname, '../package.json')) ? resolve(__dirname, '..') : resolve(__dirname, '../..');
  const out = resolve(root, VALUES_SCHEMA_PATH);
  writeFileSync(out, renderValuesSchema());
  process.stdout.write(`wrote ${VALUES_SCHEMA_PATH}\n`);
}
