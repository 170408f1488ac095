// The Helm chart as a platform team meets it: real helm renders the four value sets in
// charts/k8s-incident-flow/ci (and the defaults), kubeconform -strict validates every object against
// Kubernetes schemas (no kind skipped), and the rendered config passes the app's own loader.
import { parse } from 'yaml';
import { ConfigError, parseConfig } from '../../../config/load';
import { memorySize } from '../../../config/primitives';
import { planHeap } from '../../../worker/memory';
import { helmLint, helmTemplate, kubeconform, manifests, type Manifest } from './helm';

const SETS: Record<string, string[]> = {
  default: [],
  'multi-cluster with watchers': ['ci/multi-cluster-values.yaml'],
  'Temporal Cloud with an API key': ['ci/temporal-cloud-values.yaml'],
  'mTLS plus Elasticsearch': ['ci/mtls-elasticsearch-values.yaml'],
};

const rendered: Record<string, { yaml: string; objects: Manifest[] }> = {};
beforeAll(() => {
  for (const [name, files] of Object.entries(SETS)) {
    const r = helmTemplate(files);
    if (r.status !== 0) throw new Error(`helm template (${name}) failed:\n${r.stderr}`);
    rendered[name] = { yaml: r.stdout, objects: manifests(r.stdout) };
  }
});

const find = (set: string, kind: string, suffix = '') => rendered[set]!.objects.filter((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
const deployment = (set: string, component: string) => find(set, 'Deployment', `-${component}`)[0]!;
const configOf = (set: string) => parse(find(set, 'ConfigMap')[0]!.data['config.yaml'] as string) as Record<string, any>;

describe('Helm chart rendered by helm', () => {
  it('passes helm lint --strict with the defaults and every ci value set', () => {
    for (const files of Object.values(SETS)) {
      const r = helmLint(files);
      expect({ files, status: r.status, out: r.status ? r.stdout + r.stderr : '' }).toEqual({ files, status: 0, out: '' });
    }
  });

  it.each(Object.keys(SETS))('renders the %s value set into objects kubeconform -strict finds valid, none skipped', (set) => {
    const r = kubeconform(rendered[set]!.yaml);
    expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: expect.stringContaining('Invalid: 0, Errors: 0, Skipped: 0') });
    const count = Number(/(\d+) resources found/.exec(r.stdout)?.[1]);
    expect(count).toBe(rendered[set]!.objects.length);
    expect(count).toBeGreaterThanOrEqual(6);
  });

  it('makes kubeconform fail an object with a misspelt field (the schemas are strict, not empty)', () => {
    const api = structuredClone(deployment('default', 'api'));
    api.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    const r = kubeconform(JSON.stringify(api));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("additional properties 'imagePullPolicyy' not allowed");
  });

  it('renders a config the app loads, except for files that exist only inside the pod', () => {
    for (const set of Object.keys(SETS)) {
      let problems: string[] = [];
      try {
        parseConfig(configOf(set), `${set} ConfigMap`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        problems = err.problems;
      }
      // The chart's own mounts (temporalCredentials) are the only files the config may name unseen here.
      const unexpected = problems.filter((p) => !/cannot read .* "\/var\/run\/secrets\/k8s-incident-flow\/temporal-(tls\/(ca\.crt|tls\.crt|tls\.key)|api-key\/api-key)" \(ENOENT\)/.test(p));
      expect({ set, unexpected }).toEqual({ set, unexpected: [] });
    }
    expect(configOf('mTLS plus Elasticsearch').temporal.tls).toEqual({
      caFile: '/var/run/secrets/k8s-incident-flow/temporal-tls/ca.crt',
      certFile: '/var/run/secrets/k8s-incident-flow/temporal-tls/tls.crt',
      keyFile: '/var/run/secrets/k8s-incident-flow/temporal-tls/tls.key',
      serverName: 'temporal-frontend.temporal.svc',
    });
  });

  it('keeps the login-less local chat off by default, and routes nothing to it from the value sets', () => {
    expect(configOf('default').platforms.local.enabled).toBe(false);
    for (const set of ['multi-cluster with watchers', 'Temporal Cloud with an API key']) {
      const cfg = configOf(set);
      const routed = [cfg.routing.default, ...(cfg.routing.rules ?? [])].flatMap((r) => r.channels.map((c: { platform: string }) => c.platform));
      expect({ set, local: cfg.platforms.local.enabled, routed: routed.filter((p) => !cfg.platforms[p]?.enabled) }).toEqual({ set, local: false, routed: [] });
    }
  });
});

describe('Helm chart: RBAC and identities', () => {
  const forbidden = (rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[]) =>
    rules.flatMap((r) => [
      ...r.resources.filter((x) => x === 'secrets' || x === '*' || x.startsWith('secrets/')).map((x) => `resource ${x}`),
      ...r.apiGroups.filter((g) => g === '*').map(() => 'apiGroup *'),
      ...r.verbs.filter((v) => !['get', 'list', 'watch', 'create', 'update'].includes(v)).map((v) => `verb ${v}`),
    ]);

  it('never grants Secrets or wildcards to any of the three ServiceAccounts, in any value set', () => {
    for (const set of Object.keys(SETS)) {
      for (const role of [...find(set, 'ClusterRole'), ...find(set, 'Role')]) expect({ set, role: role.metadata.name, bad: forbidden(role.rules) }).toEqual({ set, role: role.metadata.name, bad: [] });
      for (const role of find(set, 'ClusterRole')) expect(role.rules.flatMap((r: { verbs: string[] }) => r.verbs).filter((v: string) => !['get', 'list', 'watch'].includes(v))).toEqual([]);
    }
  });

  it('binds worker, api and watcher to the read-only ClusterRole and mounts their tokens when a cluster is inCluster', () => {
    const set = 'multi-cluster with watchers';
    const [binding] = find(set, 'ClusterRoleBinding');
    expect(binding!.subjects.map((s: { name: string; namespace: string }) => `${s.namespace}/${s.name}`).sort()).toEqual([
      'incidents/incidents-k8s-incident-flow-api',
      'incidents/incidents-k8s-incident-flow-watcher',
      'incidents/incidents-k8s-incident-flow-worker',
    ]);
    expect(find(set, 'ServiceAccount').map((a) => a.metadata.name).sort()).toEqual(binding!.subjects.map((s: { name: string }) => s.name).sort());
    for (const c of ['worker', 'api', 'watcher']) {
      const pod = deployment(set, c).spec.template.spec;
      expect([c, pod.serviceAccountName, pod.automountServiceAccountToken]).toEqual([c, `incidents-k8s-incident-flow-${c}`, true]);
    }
  });

  it('gives worker and api no token and no ClusterRole without an inCluster cluster', () => {
    for (const set of ['default', 'Temporal Cloud with an API key', 'mTLS plus Elasticsearch']) {
      expect(find(set, 'ClusterRole')).toEqual([]);
      for (const c of ['worker', 'api']) expect([set, c, deployment(set, c).spec.template.spec.automountServiceAccountToken]).toEqual([set, c, false]);
    }
  });
});

describe('Helm chart: exposure and probes', () => {
  it('routes only chat and REST prefixes through a TLS Ingress, never /metrics, the probes or the local chat', () => {
    const [ingress] = find('multi-cluster with watchers', 'Ingress');
    expect(ingress!.spec.tls).toEqual([{ hosts: ['incidents.example.com'], secretName: 'incidents-example-com-tls' }]);
    const paths = ingress!.spec.rules.flatMap((r: any) => r.http.paths.map((p: { path: string }) => p.path)) as string[];
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) {
      expect(p).toMatch(/^\/(api|slack|teams|discord|mattermost)(\/|$)/);
      for (const internal of ['/metrics', '/readyz', '/healthz', '/chat']) expect(internal.startsWith(p)).toBe(false);
    }
  });

  it('refuses values that would route /metrics or a bad config, naming the path', () => {
    const r = helmTemplate([], ['ingress.enabled=true', 'ingress.host=x.example.com', 'ingress.tls.secretName=x', 'ingress.paths={/api,/metrics}', 'config.people[0].roles[0]=superuser', 'config.worker.host=127.0.0.1']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("at '/config/worker/host'");
    expect(r.stderr).toContain("at '/ingress/paths/1': '/metrics' does not match pattern");
    expect(r.stderr).toMatch(/at '\/config\/people\/0\/roles\/0': value must be one of 'responder', 'admin'/);
  });

  it('refuses an Ingress without TLS, since chat platforms call HTTPS only', () => {
    const r = helmTemplate([], ['ingress.enabled=true', 'ingress.host=x.example.com']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ingress.enabled needs ingress.host and ingress.tls.secretName');
  });

  it('leaves a config that only the app can check to its loader, which names the path', () => {
    const r = helmTemplate([], ['config.routing.default.policy=nope']);
    expect(r.status).toBe(0); // cross-references are beyond JSON Schema
    const cfg = parse(manifests(r.stdout).find((o) => o.kind === 'ConfigMap')!.data['config.yaml'] as string);
    expect(() => parseConfig(cfg)).toThrow(/routing\.default\.policy: unknown escalation policy "nope"/);
  });

  it('probes the worker on its health endpoint at config.worker.port, listening on the pod address', () => {
    const container = deployment('default', 'worker').spec.template.spec.containers[0];
    expect(container.ports).toEqual([
      { name: 'health', containerPort: 9465, protocol: 'TCP' },
      { name: 'sdk-metrics', containerPort: 9466, protocol: 'TCP' }, // config.worker.sdkMetricsPort's default
    ]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(configOf('default').worker).toEqual({ host: '0.0.0.0', port: 9465 });
  });

  it("caps every container's V8 heaps under its memory limit, with room for the worker's sticky cache sized from it", () => {
    const MiB = 1024 * 1024;
    for (const component of ['worker', 'api', 'watcher']) {
      const container = deployment('multi-cluster with watchers', component).spec.template.spec.containers[0];
      const limit = memorySize.parse(container.resources.limits.memory);
      const options = (container.env as { name: string; value?: string }[]).find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
      const flag = (name: string) => Number(new RegExp(`--${name}=(\\d+)`).exec(options)?.[1] ?? NaN);
      const mainHeap = (flag('max-old-space-size') + 3 * (flag('max-semi-space-size') || 64)) * MiB;
      // Room outside the V8 heap: the node binary and buffers, and for the worker Temporal's Rust core.
      const native = (component === 'worker' ? 128 : 96) * MiB;
      expect({ component, capped: mainHeap + native <= limit }).toEqual({ component, capped: true });
      if (component !== 'worker') continue;
      // The worker sizes its workflow thread from the container limit; main + workflow heaps + native must fit.
      const { plan, problems, notes, maxCachedWorkflows } = planHeap({ constrained: limit, total: 64 * 1024 * MiB, maxCachedWorkflows: 'auto', tracing: false, mainHeapLimit: mainHeap });
      expect({ problems, notes }).toEqual({ problems: [], notes: [] });
      expect(plan!.workflowOldSpaceMiB).toBeGreaterThanOrEqual(plan!.cacheNeedMiB);
      // Big enough to keep a burst's incidents cached through their first escalation wait (bench/README.md, P4).
      expect(maxCachedWorkflows).toBeGreaterThanOrEqual(700);
      // main + workflow heaps (old + young) + native within the limit
      expect(mainHeap + (plan!.workflowOldSpaceMiB + 3 * plan!.semiSpaceMiB) * MiB + native).toBeLessThanOrEqual(limit);
    }
  });

  it('mounts the Temporal API key and TLS Secrets into every process that connects', () => {
    const cloud = 'Temporal Cloud with an API key';
    expect(configOf(cloud).temporal.apiKey).toEqual({ fromFile: '/var/run/secrets/k8s-incident-flow/temporal-api-key/api-key' });
    for (const c of ['worker', 'api']) {
      const pod = deployment(cloud, c).spec.template.spec;
      expect(pod.volumes).toContainEqual(expect.objectContaining({ name: 'temporal-api-key', secret: expect.objectContaining({ secretName: 'temporal-cloud-api-key' }) }));
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'temporal-api-key', mountPath: '/var/run/secrets/k8s-incident-flow/temporal-api-key', readOnly: true });
    }
    const r = helmTemplate(['ci/mtls-elasticsearch-values.yaml', 'ci/multi-cluster-values.yaml']);
    expect(r.status).toBe(0);
    for (const d of manifests(r.stdout).filter((o) => o.kind === 'Deployment')) {
      expect([d.metadata.name, d.spec.template.spec.containers[0].volumeMounts.map((m: { name: string }) => m.name)]).toEqual([d.metadata.name, expect.arrayContaining(['temporal-tls'])]);
    }
  });
});

describe('Helm chart: optional production objects', () => {
  const multi = 'multi-cluster with watchers';
  const selector = (component: string) => ({ 'app.kubernetes.io/name': 'k8s-incident-flow', 'app.kubernetes.io/instance': 'incidents', 'app.kubernetes.io/component': component });

  it('renders none of them by default', () => {
    for (const kind of ['Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceMonitor', 'PodMonitor', 'ClusterRole', 'Role']) expect([kind, find('default', kind)]).toEqual([kind, []]);
  });

  it('spreads and prioritizes pods, filling in the component selector a constraint leaves out', () => {
    const worker = deployment(multi, 'worker').spec.template.spec;
    expect(worker.priorityClassName).toBe('incident-critical');
    expect(worker.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector('worker') } },
    ]);
  });

  it('keeps a PodDisruptionBudget per component as configured', () => {
    const pdbs = Object.fromEntries(find(multi, 'PodDisruptionBudget').map((p) => [p.metadata.name.replace('incidents-k8s-incident-flow-', ''), p.spec]));
    expect(pdbs).toEqual({
      worker: { maxUnavailable: 1, selector: { matchLabels: selector('worker') } },
      api: { maxUnavailable: 1, selector: { matchLabels: selector('api') } },
      watcher: { minAvailable: 1, selector: { matchLabels: selector('watcher') } },
    });
  });

  it('lets only the Ingress controller and Prometheus in, and gives the watcher no chat egress', () => {
    const policies = Object.fromEntries(find(multi, 'NetworkPolicy').map((p) => [p.metadata.name.replace('incidents-k8s-incident-flow-', ''), p.spec]));
    const from = (spec: any) => spec.ingress.map((r: any) => r.from?.[0]?.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] ?? 'anyone');
    expect(from(policies.api)).toEqual(['ingress-nginx', 'monitoring']);
    expect(from(policies.worker)).toEqual(['monitoring']);
    const egressPorts = (spec: any) => spec.egress.flatMap((r: any) => r.ports.map((p: { port: number }) => p.port));
    expect(egressPorts(policies.worker)).toEqual([53, 53, 7233, 443, 443, 6443]);
    expect(egressPorts(policies.watcher)).toEqual([53, 53, 7233, 443, 6443]); // DNS, Temporal, the API server
    const es = find('mTLS plus Elasticsearch', 'NetworkPolicy').find((p) => p.metadata.name.endsWith('-worker'))!;
    expect(es.spec.egress).toContainEqual(expect.objectContaining({ ports: [{ port: 9200, protocol: 'TCP' }] }));
  });

  it('scrapes the api through its Service and the watcher pods on their metrics port', () => {
    const [sm] = find(multi, 'ServiceMonitor');
    expect(sm!.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(sm!.spec).toEqual({ selector: { matchLabels: selector('api') }, endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }] });
    const [pm] = find(multi, 'PodMonitor');
    expect(pm!.spec).toEqual({ selector: { matchLabels: selector('watcher') }, podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }] });
  });
});
