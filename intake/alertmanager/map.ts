// One Alertmanager alert -> the project's anomaly (firing) or recovery (resolved). Pure, so every
// label convention is unit-tested without a server. The result is validated by the same schema as
// POST /api/anomalies, so an alert can open nothing the anomaly intake would refuse.
import { createHash } from 'node:crypto';
import type { Config } from '../../config/schema';
import type { AlertAnnotations, Anomaly, Recovery, ResourceRef } from '../../workflows/definitions';
import { unknownClusterProblem } from '../clusters';
import { ID_PART, LIMITS, parseAnomaly, type FieldError } from '../schema';
import type { AlertmanagerConfig } from './config';
import type { WebhookAlert } from './payload';

export type MappedAlert =
  | { status: 'firing'; anomaly: Anomaly }
  | { status: 'resolved'; cluster: string; fingerprint: string; recovery: Recovery };

export type MapResult = { ok: true; alert: MappedAlert } | { ok: false; fields: FieldError[] };

/** Workload labels (kube-state-metrics names) -> the owner kind, in the order they are preferred. */
const OWNER_LABELS: [string, string][] = [
  ['deployment', 'Deployment'],
  ['statefulset', 'StatefulSet'],
  ['daemonset', 'DaemonSet'],
  ['job', 'Job'],
  ['job_name', 'Job'],
];

/** Alert names may hold characters an incident id cannot: those become "-". */
function idSafe(s: string, max: number): string {
  return s.replace(/[^A-Za-z0-9._:-]+/g, '-').slice(0, max);
}

/** The resource and owner the labels name; the alert itself when they name no object. */
export function resourceOf(labels: Record<string, string>, alertname: string): { resource: ResourceRef; owner?: ResourceRef } {
  const namespace = labels.namespace || undefined;
  const ns = namespace ? { namespace } : {};
  const ownerEntry = OWNER_LABELS.find(([label]) => labels[label]);
  const owner: ResourceRef | undefined = ownerEntry ? { kind: ownerEntry[1], name: labels[ownerEntry[0]]!, ...ns } : undefined;
  if (labels.pod) return { resource: { kind: 'Pod', name: labels.pod, ...ns }, ...(owner ? { owner } : {}) };
  if (owner) return { resource: owner };
  if (labels.persistentvolumeclaim) return { resource: { kind: 'PersistentVolumeClaim', name: labels.persistentvolumeclaim, ...ns } };
  if (labels.node) return { resource: { kind: 'Node', name: labels.node } };
  return { resource: { kind: 'Alert', name: alertname, ...ns } };
}

/**
 * `am-<16 hex>`: Alertmanager's own fingerprint (one incident per label set), or a digest of the
 * configured labels' values (several label sets, one incident).
 */
export function fingerprintOf(alert: WebhookAlert, cfg: AlertmanagerConfig): string {
  if (!cfg.fingerprintLabels && alert.fingerprint && ID_PART.test(alert.fingerprint)) return `am-${alert.fingerprint.slice(0, 64)}`;
  const names = cfg.fingerprintLabels ?? Object.keys(alert.labels).sort();
  // Length-prefixed, so ("a=b", "c") and ("a", "b=c") never collide.
  const canonical = names.map((n) => `${n.length}:${n}=${(alert.labels[n] ?? '').length}:${alert.labels[n] ?? ''}`).join('\n');
  return `am-${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

function annotationsOf(a: Record<string, string>): AlertAnnotations | undefined {
  const out: AlertAnnotations = {};
  if (a.summary?.trim()) out.summary = a.summary.trim().slice(0, LIMITS.annotationSummary);
  const description = (a.description ?? a.message)?.trim();
  if (description) out.description = description.slice(0, LIMITS.annotationDescription);
  // A runbook that is not an http(s) address is not offered as a link (it could run script in a page).
  const runbook = (a.runbook_url ?? a.runbook)?.trim();
  if (runbook && /^https?:\/\/\S+$/i.test(runbook) && runbook.length <= LIMITS.runbookUrl) out.runbookUrl = runbook;
  return Object.keys(out).length ? out : undefined;
}

/** The alert at `index` of the notification, mapped; problems name `alerts[<index>]...` fields. */
export function mapAlert(alert: WebhookAlert, index: number, config: Pick<Config, 'clusters' | 'intake'>): MapResult {
  const cfg = config.intake.alertmanager;
  const at = `alerts[${index}]`;
  const cluster = alert.labels[cfg.clusterLabel] || cfg.defaultCluster;
  if (!cluster)
    return {
      ok: false,
      fields: [{ path: `${at}.labels.${cfg.clusterLabel}`, message: `is required: label the alert with "${cfg.clusterLabel}" (intake.alertmanager.clusterLabel) or set intake.alertmanager.defaultCluster` }],
    };
  const unknown = unknownClusterProblem(config, cluster);
  if (unknown) return { ok: false, fields: [{ path: `${at}.labels.${cfg.clusterLabel}`, message: unknown }] };
  const fingerprint = fingerprintOf(alert, cfg);
  const alertname = alert.labels.alertname || 'Alert';
  if (alert.status === 'resolved') {
    const ended = alert.endsAt && Date.parse(alert.endsAt) > 0 ? alert.endsAt : new Date().toISOString();
    return { ok: true, alert: { status: 'resolved', cluster, fingerprint, recovery: { observedAt: new Date(ended).toISOString(), message: `${alertname} resolved in Alertmanager` } } };
  }
  const severityValue = alert.labels[cfg.severityLabel];
  const annotations = annotationsOf(alert.annotations);
  const parsed = parseAnomaly({
    cluster,
    fingerprint,
    kind: idSafe(alertname, LIMITS.kind) || 'Alert',
    severity: (severityValue !== undefined ? cfg.severityMap[severityValue] : undefined) ?? cfg.defaultSeverity,
    ...resourceOf(alert.labels, alertname),
    reason: alertname.slice(0, LIMITS.reason),
    message: `Alertmanager alert ${alertname} firing since ${alert.startsAt}`,
    labels: alert.labels,
    observedAt: alert.startsAt,
    ...(annotations ? { annotations } : {}),
  });
  if (!parsed.ok) {
    // Several anomaly fields come from one label (the namespace of pod and owner): name it once.
    const fields = new Map(parsed.fields.map((f) => [`${alertPath(f.path)}\n${f.message}`, { path: `${at}.${alertPath(f.path)}`, message: f.message }]));
    return { ok: false, fields: [...fields.values()] };
  }
  return { ok: true, alert: { status: 'firing', anomaly: parsed.anomaly } };
}

/** Where an anomaly field came from in the alert, so a 400 points at what the sender can fix. */
function alertPath(anomalyPath: string): string {
  if (/^(resource|owner)\.namespace$/.test(anomalyPath)) return 'labels.namespace';
  return ALERT_PATH[anomalyPath.split('.')[0]!] ?? anomalyPath;
}

const ALERT_PATH: Record<string, string> = {
  cluster: 'labels',
  kind: 'labels.alertname',
  reason: 'labels.alertname',
  resource: 'labels',
  owner: 'labels',
  labels: 'labels',
  observedAt: 'startsAt',
  annotations: 'annotations',
};
