// The chart's optional monitoring objects: the worker's PodMonitor scrapes /metrics on the health
// port and the Temporal SDK port, the dashboard and the rules render only when asked, and
// config.worker.sdkMetricsPort: 0 removes the SDK port everywhere (container, PodMonitor, policy).
import { helmTemplate, manifests, type Manifest } from '../charts/helm';

function render(sets: string[]): Manifest[] {
  const r = helmTemplate([], sets);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return manifests(r.stdout);
}
const named = (objects: Manifest[], kind: string, suffix: string) => objects.find((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
const ON = ['metrics.podMonitor.enabled=true', 'networkPolicy.enabled=true'];

describe('the chart monitoring objects', () => {
  it('render no dashboard, rules or worker PodMonitor by default', () => {
    const objects = render([]);
    expect(objects.filter((o) => ['PodMonitor', 'PrometheusRule'].includes(o.kind))).toEqual([]);
    expect(named(objects, 'ConfigMap', '-dashboard')).toBeUndefined();
  });

  it('scrape the worker on its health port and its Temporal SDK port', () => {
    const objects = render(ON);
    const pm = named(objects, 'PodMonitor', '-worker')!;
    expect(pm.spec.selector.matchLabels['app.kubernetes.io/component']).toBe('worker');
    expect(pm.spec.podMetricsEndpoints.map((e: { port: string; path: string }) => [e.port, e.path])).toEqual([['health', '/metrics'], ['sdk-metrics', '/metrics']]);
    expect(named(objects, 'NetworkPolicy', '-worker')!.spec.ingress[0].ports).toEqual([{ port: 9465, protocol: 'TCP' }, { port: 9466, protocol: 'TCP' }]);
  });

  it('drop the SDK port everywhere when config.worker.sdkMetricsPort is 0', () => {
    const objects = render([...ON, 'config.worker.sdkMetricsPort=0']);
    const worker = named(objects, 'Deployment', '-worker')!.spec.template.spec.containers[0];
    expect(worker.ports.map((p: { name: string }) => p.name)).toEqual(['health']);
    expect(named(objects, 'PodMonitor', '-worker')!.spec.podMetricsEndpoints.map((e: { port: string }) => e.port)).toEqual(['health']);
    expect(named(objects, 'NetworkPolicy', '-worker')!.spec.ingress[0].ports).toEqual([{ port: 9465, protocol: 'TCP' }]);
  });

  it('render the dashboard ConfigMap for the Grafana sidecar and the rules on the configured task queue', () => {
    const objects = render(['metrics.grafanaDashboard.enabled=true', 'metrics.prometheusRule.enabled=true', 'config.temporal.taskQueue=oncall']);
    const cm = named(objects, 'ConfigMap', '-dashboard')!;
    expect(cm.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(JSON.parse(cm.data['k8s-incident-flow.json'] as string)).toMatchObject({ uid: 'k8s-incident-flow', schemaVersion: 39 });
    const rules = named(objects, 'PrometheusRule', '-rules')!.spec.groups[0].rules as { alert: string; expr: string }[];
    expect(rules.map((r) => r.alert)).toEqual(['IncidentFlowWorkerNotPolling', 'IncidentFlowAlertsFailingToPost', 'IncidentFlowEscalationLate', 'IncidentFlowWorkerMemoryNearLimit']);
    expect(rules[0]!.expr).toContain('task_queue="oncall"');
  });
});
