// Alert -> anomaly or recovery: the label conventions (cluster, fingerprint, severity, resource)
// and the annotations, with problems named by the alert's own field paths.
import type { Config } from '../../../../config/schema';
import { mapAlert, fingerprintOf, resourceOf } from '../../../../intake/alertmanager/map';
import type { WebhookAlert } from '../../../../intake/alertmanager/payload';
import { testConfig } from '../../../helpers/config';

const config = (am: Record<string, unknown> = {}): Config => testConfig((raw) => (raw.intake = { acceptUnknownClusters: true, alertmanager: am }));
const base = config();

const alert = (labels: Record<string, string> = {}, patch: Partial<WebhookAlert> = {}): WebhookAlert => ({
  status: 'firing',
  labels: { alertname: 'KubePodCrashLooping', cluster: 'prod', namespace: 'shop', pod: 'checkout-1', deployment: 'checkout', severity: 'critical', ...labels },
  annotations: {},
  startsAt: '2026-03-02T10:15:00.123456789Z',
  endsAt: '0001-01-01T00:00:00Z',
  fingerprint: '0123456789abcdef',
  ...patch,
});

function firing(a: WebhookAlert, c: Config = base) {
  const r = mapAlert(a, 0, c);
  if (!r.ok || r.alert.status !== 'firing') throw new Error(`expected a firing anomaly: ${JSON.stringify(r)}`);
  return r.alert.anomaly;
}
function problems(a: WebhookAlert, c: Config = base, index = 0) {
  const r = mapAlert(a, index, c);
  if (r.ok) throw new Error('expected the alert to be refused');
  return r.fields;
}

describe('an Alertmanager alert as an anomaly', () => {
  it('takes cluster, severity, pod and owner from the labels and Alertmanager fingerprint as its own', () => {
    const a = firing(alert());
    expect(a).toMatchObject({
      cluster: 'prod',
      fingerprint: 'am-0123456789abcdef',
      kind: 'KubePodCrashLooping',
      severity: 'critical',
      resource: { kind: 'Pod', name: 'checkout-1', namespace: 'shop' },
      owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' },
      reason: 'KubePodCrashLooping',
      observedAt: '2026-03-02T10:15:00.123Z',
      count: 1,
    });
    expect(a.labels.pod).toBe('checkout-1');
  });

  it('carries summary, description and an http(s) runbook_url, and drops a runbook that is not a web address', () => {
    const annotations = { summary: ' Checkout restarts ', description: 'Five restarts.', runbook_url: 'https://runbooks.example.com/crashloop', team: 'shop' };
    expect(firing(alert({}, { annotations })).annotations).toEqual({ summary: 'Checkout restarts', description: 'Five restarts.', runbookUrl: 'https://runbooks.example.com/crashloop' });
    expect(firing(alert({}, { annotations: { runbook_url: 'javascript:alert(1)' } })).annotations).toBeUndefined();
    expect(firing(alert()).annotations).toBeUndefined();
  });

  it('maps severities through the configured map, and unknown or missing ones to the default severity', () => {
    expect(firing(alert({ severity: 'warning' })).severity).toBe('warning');
    expect(firing(alert({ severity: 'none' })).severity).toBe('info');
    expect(firing(alert({ severity: 'page-me' })).severity).toBe('warning');
    const custom = config({ severityLabel: 'priority', severityMap: { P1: 'critical', P3: 'info' }, defaultSeverity: 'error' });
    expect(firing(alert({ priority: 'P1', severity: 'info' }), custom).severity).toBe('critical');
    expect(firing(alert({ priority: 'P2' }), custom).severity).toBe('error');
  });

  it('uses the configured cluster label, then the default cluster, and refuses an alert with neither by its label path', () => {
    expect(firing(alert({ k8s_cluster: 'eu' }), config({ clusterLabel: 'k8s_cluster' })).cluster).toBe('eu');
    const { cluster: _omit, ...noCluster } = alert().labels;
    expect(firing({ ...alert(), labels: noCluster }, config({ defaultCluster: 'main' })).cluster).toBe('main');
    expect(problems({ ...alert(), labels: noCluster }, base, 7)).toEqual([
      { path: 'alerts[7].labels.cluster', message: 'is required: label the alert with "cluster" (intake.alertmanager.clusterLabel) or set intake.alertmanager.defaultCluster' },
    ]);
  });

  it('refuses a cluster the config does not list, naming the label', () => {
    const strict = { ...base, clusters: [{ name: 'prod' }] as Config['clusters'], intake: { ...base.intake, acceptUnknownClusters: false } };
    const [p] = problems(alert({ cluster: 'prd' }), strict, 2);
    expect(p!.path).toBe('alerts[2].labels.cluster');
    expect(p!.message).toMatch(/cluster "prd" is not configured; known clusters: "prod"/);
  });

  it('names the alert field behind an anomaly field the intake refuses', () => {
    // Pod and owner both take the namespace label: it is named once.
    expect(problems(alert({ namespace: 'Not_A_Namespace' }))).toEqual([
      { path: 'alerts[0].labels.namespace', message: 'namespace must be a Kubernetes namespace name (lowercase letters, digits and "-", at most 63)' },
    ]);
    expect(problems(alert({ cluster: 'a/b' }))[0]!.path).toBe('alerts[0].labels');
  });

  it('turns an alert name into an incident-id-safe kind', () => {
    expect(firing(alert({ alertname: 'Disk full / node' })).kind).toBe('Disk-full-node');
  });
});

describe('a resolved Alertmanager alert', () => {
  it('is a recovery of the incident its firing alert opened, observed when it ended', () => {
    const r = mapAlert(alert({}, { status: 'resolved', endsAt: '2026-03-02T10:30:00Z' }), 0, base);
    expect(r).toEqual({
      ok: true,
      alert: { status: 'resolved', cluster: 'prod', fingerprint: firing(alert()).fingerprint, recovery: { observedAt: '2026-03-02T10:30:00.000Z', message: 'KubePodCrashLooping resolved in Alertmanager' } },
    });
  });
});

describe('the resource an alert is about', () => {
  it('is the pod with its workload, else the workload, a claim, a node, or the alert itself', () => {
    expect(resourceOf({ namespace: 'db', pod: 'pg-0', statefulset: 'pg' }, 'A')).toEqual({ resource: { kind: 'Pod', name: 'pg-0', namespace: 'db' }, owner: { kind: 'StatefulSet', name: 'pg', namespace: 'db' } });
    expect(resourceOf({ namespace: 'kube-system', daemonset: 'fluentd' }, 'A')).toEqual({ resource: { kind: 'DaemonSet', name: 'fluentd', namespace: 'kube-system' } });
    expect(resourceOf({ namespace: 'batch', job_name: 'nightly' }, 'A')).toEqual({ resource: { kind: 'Job', name: 'nightly', namespace: 'batch' } });
    expect(resourceOf({ namespace: 'db', persistentvolumeclaim: 'data-pg-0' }, 'A')).toEqual({ resource: { kind: 'PersistentVolumeClaim', name: 'data-pg-0', namespace: 'db' } });
    expect(resourceOf({ node: 'worker-3' }, 'NodeNotReady')).toEqual({ resource: { kind: 'Node', name: 'worker-3' } });
    expect(resourceOf({ namespace: 'shop' }, 'Watchdog')).toEqual({ resource: { kind: 'Alert', name: 'Watchdog', namespace: 'shop' } });
  });
});

describe('the fingerprint of an alert', () => {
  const cfg = base.intake.alertmanager;
  it("is Alertmanager's own, else a digest of every label, stable in label order", () => {
    expect(fingerprintOf(alert(), cfg)).toBe('am-0123456789abcdef');
    const { fingerprint: _f, ...noFp } = alert();
    const reordered = { ...noFp, labels: Object.fromEntries(Object.entries(noFp.labels).reverse()) };
    expect(fingerprintOf(noFp, cfg)).toMatch(/^am-[0-9a-f]{16}$/);
    expect(fingerprintOf(reordered, cfg)).toBe(fingerprintOf(noFp, cfg));
    expect(fingerprintOf({ ...noFp, labels: { ...noFp.labels, pod: 'checkout-2' } }, cfg)).not.toBe(fingerprintOf(noFp, cfg));
  });

  it('with fingerprintLabels, groups alerts that share those values into one incident', () => {
    const grouped = { ...cfg, fingerprintLabels: ['alertname', 'namespace'] };
    const one = fingerprintOf(alert({ pod: 'checkout-1' }), grouped);
    expect(fingerprintOf(alert({ pod: 'checkout-2' }, { fingerprint: 'ffffffffffffffff' }), grouped)).toBe(one);
    expect(fingerprintOf(alert({ namespace: 'cart' }), grouped)).not.toBe(one);
    // Values that would read the same when joined naively still differ.
    expect(fingerprintOf(alert({ alertname: 'a=b', namespace: 'c' }), grouped)).not.toBe(fingerprintOf(alert({ alertname: 'a', namespace: 'b=c' }), grouped));
  });
});
