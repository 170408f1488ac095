// Custom resources: config rules say which resource to watch and what failure looks like (a
// condition with given statuses, or a field with given values). Built-in rules ship for Velero
// Backup/Restore failures and cert-manager Certificates that stay not Ready; a config rule with the
// same name replaces a built-in one.
import { customResourceRuleSchema, type CustomResourceRule, type CustomResourceRuleInput, type WatchSettings } from '../../config/schema-watch';
import { conditionOf, getPath, objectKey, refOf, timeMs, type K8sObject } from '../../kube/objects';
import type { DetectorContext, Finding } from './types';

const VELERO_FAILED = ['Failed', 'PartiallyFailed', 'FailedValidation'];

export const BUILTIN_RULES: readonly CustomResourceRuleInput[] = [
  {
    name: 'velero-backup-failed', group: 'velero.io', version: 'v1', resource: 'backups', kind: 'Backup',
    anomaly: 'VeleroBackupFailed', severity: 'error', when: { field: { path: 'status.phase', values: VELERO_FAILED } },
    messagePath: 'status.failureReason', terminal: true, timePath: 'status.completionTimestamp',
    // Scheduled backups are one incident per schedule, not one per nightly run.
    groupBy: { label: 'velero.io/schedule-name', kind: 'Schedule' },
  },
  {
    name: 'velero-restore-failed', group: 'velero.io', version: 'v1', resource: 'restores', kind: 'Restore',
    anomaly: 'VeleroRestoreFailed', severity: 'error', when: { field: { path: 'status.phase', values: VELERO_FAILED } },
    messagePath: 'status.failureReason', terminal: true, timePath: 'status.completionTimestamp',
  },
  {
    name: 'cert-manager-certificate-not-ready', group: 'cert-manager.io', version: 'v1', resource: 'certificates', kind: 'Certificate',
    anomaly: 'CertificateNotReady', severity: 'warning', when: { condition: { type: 'Ready', status: ['False', 'Unknown'] } },
    // Issuance takes a moment; a certificate that stays not Ready is the problem.
    for: '5m',
  },
];

/** Built-in rules (unless disabled) with config rules of the same name replacing them, then the rest. */
export function effectiveRules(settings: Pick<WatchSettings, 'customResources'>): CustomResourceRule[] {
  const own = settings.customResources.rules;
  const names = new Set(own.map((r) => r.name));
  const builtin = settings.customResources.builtin ? BUILTIN_RULES.filter((r) => !names.has(r.name)).map((r) => customResourceRuleSchema.parse(r)) : [];
  return [...builtin, ...own];
}

export function ruleApiVersion(rule: CustomResourceRule): string {
  return `${rule.group}/${rule.version}`;
}

export function detectCustom(rule: CustomResourceRule, obj: K8sObject, ctx: DetectorContext): Finding[] {
  const key = `${objectKey(rule.kind, obj.metadata?.namespace, obj.metadata?.name ?? '')}#${rule.name}`;
  let failing = false;
  let reason = '';
  let message = '';
  let since: number | undefined;
  if ('condition' in rule.when) {
    const c = conditionOf(obj, rule.when.condition.type);
    if (c && rule.when.condition.status.includes(c.status as 'True')) {
      failing = true;
      reason = c.reason ?? `${c.type}=${c.status}`;
      message = c.message ?? `${rule.when.condition.type} is ${c.status}`;
      since = timeMs(c.lastTransitionTime);
    }
  } else {
    const value = getPath(obj, rule.when.field.path);
    if (value !== undefined && rule.when.field.values.includes(String(value))) {
      failing = true;
      reason = String(value);
      message = `${rule.when.field.path} is ${String(value)}`;
    }
  }
  if (!failing || obj.metadata?.deletionTimestamp) {
    ctx.forget(key);
    return [];
  }
  const start = since ?? ctx.since(key);
  if (ctx.now - start < rule.for) return [];
  const detail = rule.messagePath ? getPath(obj, rule.messagePath) : undefined;
  if (typeof detail === 'string' && detail) message = `${message}: ${detail}`;
  const groupValue = rule.groupBy ? obj.metadata?.labels?.[rule.groupBy.label] : undefined;
  const namespace = obj.metadata?.namespace;
  return [
    {
      kind: rule.anomaly,
      severity: rule.severity,
      resource: refOf(rule.kind, obj, ruleApiVersion(rule)),
      object: obj,
      reason,
      message,
      mode: rule.terminal ? 'once' : 'state',
      source: rule.terminal ? `rule:${rule.name}:${obj.metadata?.uid ?? obj.metadata?.name ?? ''}` : `rule:${rule.name}`,
      ...(rule.terminal ? { observedAt: timeMs(rule.timePath ? getPath(obj, rule.timePath) : undefined) ?? since } : {}),
      ...(rule.groupBy && groupValue ? { owner: { kind: rule.groupBy.kind, name: groupValue, ...(namespace ? { namespace } : {}), apiVersion: ruleApiVersion(rule) } } : {}),
    },
  ];
}
