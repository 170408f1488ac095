// Watcher settings per cluster (`clusters[].watch`, owned by the watcher): detectors and their
// severities, thresholds, filters, intake coalescing, custom-resource rules, leader election, and
// the watcher's own /metrics and /healthz listener.
import { z } from 'zod';
import { SEVERITIES } from '../workflows/definitions';
import { DELETION_KINDS, DETECTOR_KINDS } from '../watcher/detectors/catalog';
import { parseLabelSelector } from '../watcher/filters';
import { parseDuration } from './duration';

// Local duration: importing it from ./schema would be a circular import.
const duration = (min = 0) =>
  z.string().transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms < min) {
      ctx.addIssue({ code: 'custom', message: ms === undefined ? `expected a duration like "2s", "5m" or "1h30m", got "${value}"` : `must be at least ${min} ms, got "${value}"` });
      return z.NEVER;
    }
    return ms;
  });
const ms = (text: string) => parseDuration(text)!;

const severity = z.enum(SEVERITIES, { error: () => `expected one of ${SEVERITIES.join(', ')}` });
const namespaceGlob = z.string().regex(/^[a-z0-9*?-]+$/, 'expected a namespace name or glob (lowercase letters, digits, "-", "*", "?")');
const labelSelector = z.string().superRefine((s, ctx) => {
  try {
    parseLabelSelector(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});
/** Anomaly kinds become part of the fingerprint and must satisfy the intake's id rules. */
const anomalyKind = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, 'expected an anomaly kind like "VeleroBackupFailed" (letters and digits)');

const detectorOverride = z
  .object({
    enabled: z.boolean().optional().describe('false switches the detector off (ResourceDeleted is off until true)'),
    severity: severity.optional().describe("Severity of what it reports, instead of the kind's default"),
  })
  .strict();

/** When a custom resource counts as failed: a condition with one of the given statuses, or a field with one of the given values. */
const failureMatch = z.union([
  z.object({
    condition: z
      .object({ type: z.string().min(1).describe('Condition type, e.g. Ready'), status: z.array(z.enum(['True', 'False', 'Unknown'])).min(1).describe('Statuses that mean failed') })
      .strict()
      .describe('Failed while a status condition has one of these statuses'),
  }).strict(),
  z.object({
    field: z
      .object({
        path: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'expected a dotted field path like "status.phase"').describe('Dotted field path, e.g. status.phase'),
        values: z.array(z.string()).min(1).describe('Values that mean failed, e.g. Failed'),
      })
      .strict()
      .describe('Failed while a field has one of these values'),
  }).strict(),
], { error: () => 'expected { condition: { type, status: [...] } } or { field: { path, values: [...] } }' });

export const customResourceRuleSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lowercase rule name').describe('Unique rule name; a rule named like a built-in one replaces it.'),
    group: z.string().regex(/^[a-z0-9.-]+$/, 'expected an API group like "velero.io"').describe('API group, e.g. "velero.io"'),
    version: z.string().regex(/^v[0-9a-z]+$/, 'expected an API version like "v1"').describe('API version, e.g. "v1"'),
    resource: z.string().regex(/^[a-z0-9.-]+$/, 'expected the plural resource name, e.g. "backups"').describe('Plural resource name as in the URL, e.g. "backups".'),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'expected a kind like "Backup"').describe('The object kind, e.g. "Backup".'),
    anomaly: anomalyKind.describe('The anomaly kind reported, e.g. "VeleroBackupFailed".'),
    severity: severity.default('error').describe('Severity of the reported anomaly'),
    when: failureMatch.describe('When the object counts as failed: { condition: { type, status } } or { field: { path, values } }'),
    for: duration().default(0).describe('How long the failure must hold (condition lastTransitionTime, else first seen) before it is reported.'),
    /**
     * The failed state is final (a failed backup never turns good): reported once per object, never
     * auto-recovered, and old news when it happened before the watcher's cutoff (by `timePath`).
     */
    terminal: z.boolean().default(false).describe('The failed state is final: reported once per object, never auto-recovered'),
    timePath: z.string().optional().describe('Timestamp field of a terminal failure, e.g. "status.completionTimestamp".'),
    messagePath: z.string().optional().describe('Field with a human explanation, e.g. "status.failureReason"; the condition message is used otherwise.'),
    groupBy: z
      .object({ label: z.string().min(1).describe('Label whose value names the group, e.g. velero.io/schedule-name'), kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/).describe('Kind the group is reported as, e.g. Schedule') })
      .strict()
      .optional().describe('Group objects into one incident by this label, e.g. Velero backups by their schedule.'),
  })
  .strict();

const watchObject = z
  .object({
    namespaces: z
      .object({
        include: z.array(namespaceGlob).min(1).default(['*']).describe('Namespaces reported on (globs with * and ?)'),
        exclude: z.array(namespaceGlob).default([]).describe('Namespaces skipped even when included'),
      })
      .strict()
      .default({ include: ['*'], exclude: [] })
      .describe('Namespace globs to watch (include) and to skip (exclude)'),
    labelSelector: labelSelector.optional().describe('Only objects (or their top owner) matching this selector are reported; nodes are not filtered.'),
    ignoreAnnotation: z.string().min(1).default('incidents.k8s.io/ignore').describe('`<annotation>: "true"` on an object, its top owner or its namespace silences it.'),
    minSeverity: severity.default('info').describe('Anomalies below this severity are not reported'),
    detectors: z.partialRecord(z.enum(DETECTOR_KINDS), detectorOverride).default({}).describe('Enable/disable or re-rate detectors by kind, e.g. `NodeDiskPressure: { severity: error }`.'),
    thresholds: z
      .object({
        probeFailures: z.number().int().min(1).default(3).describe('Consecutive probe failures before a pod is reported'),
        pvcPending: duration().default(ms('5m')).describe('How long a PersistentVolumeClaim may stay Pending'),
        replicasUnavailable: duration().default(ms('5m')).describe('How long a workload may miss replicas'),
        /**
         * One-off facts (warning events, evictions, failed Jobs, terminal custom-resource failures)
         * are seen again on every start. A new leader reports those that happened after the previous
         * leader's last lease renewal; without one (first start, no leader election) those younger
         * than this. Core events expire after 1h, hence the default.
         */
        staleAfter: duration(1000).default(ms('1h')).describe('Without a previous leader, one-off facts older than this are old news'),
      })
      .strict()
      .default({ probeFailures: 3, pvcPending: ms('5m'), replicasUnavailable: ms('5m'), staleAfter: ms('1h') })
      .describe('When slow problems count as anomalies'),
    deletionKinds: z.array(z.enum([...DELETION_KINDS])).default([...DELETION_KINDS]).describe('Kinds the opt-in ResourceDeleted detector reports on.'),
    customResources: z
      .object({
        builtin: z.boolean().default(true).describe('Ship the built-in rules (Velero Backup/Restore failed, cert-manager Certificate not ready).'),
        rules: z.array(customResourceRuleSchema).default([]).describe('Your own rules (the chart: grant read access with rbac.extraRules)'),
      })
      .strict()
      .default({ builtin: true, rules: [] })
      .describe('Custom resources that report failures (Velero, cert-manager, your own)'),
    coalesceWindow: duration().default(ms('2s')).describe('The first occurrence of a fingerprint is sent at once; later ones within this window become one signal with a count.'),
    maxConcurrentSignals: z.number().int().min(1).max(64).default(4).describe('At most this many signals to Temporal in flight at once.'),
    resyncInterval: duration(1000).default(ms('30s')).describe('Full re-evaluation of the cached state (time thresholds, missed transitions) and a reconciliation pass over the open incidents.'),
    watchTimeout: duration(500).default(ms('30s')).describe('A watch that delivers nothing for this long is treated as half-open and reconnected.'),
    leaderElection: z
      .object({
        enabled: z.boolean().default(true).describe('One active watcher per cluster holds a Lease; others wait'),
        namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a namespace name').optional().describe('Namespace of the Lease; default: the pod\'s namespace in-cluster, else "default".'),
        leaseName: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'expected a lowercase resource name').optional().describe('Lease name; default "k8s-incident-flow-watcher-<cluster>".'),
        leaseDuration: duration(1000).default(ms('15s')).describe('A standby takes over this long after the leader stops renewing'),
        renewDeadline: duration(500).default(ms('10s')).describe('The leader steps down when it cannot renew within this'),
        retryPeriod: duration(100).default(ms('2s')).describe('Pause between Lease attempts'),
      })
      .strict()
      .refine((l) => l.retryPeriod < l.renewDeadline && l.renewDeadline < l.leaseDuration, {
        message: 'expected retryPeriod < renewDeadline < leaseDuration',
      })
      .default({ enabled: true, leaseDuration: ms('15s'), renewDeadline: ms('10s'), retryPeriod: ms('2s') })
      .describe('Leader election (retryPeriod < renewDeadline < leaseDuration)'),
    http: z
      .object({
        host: z.string().default('127.0.0.1').describe('Listen address (--http-host overrides it)'),
        port: z.number().int().min(0).max(65535).default(9464).describe('Listen port (--http-port overrides it)'),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 9464 })
      .describe("The watcher's own /metrics and /healthz; loopback by default (the chart passes --http-host 0.0.0.0)"),
  })
  .strict()
  .refine((w) => new Set(w.customResources.rules.map((r) => r.name)).size === w.customResources.rules.length, {
    message: 'custom resource rule names must be unique',
    path: ['customResources', 'rules'],
  });

export const watchSchema = watchObject.default(() => watchObject.parse({}));

export type WatchSettings = z.output<typeof watchSchema>;
export type CustomResourceRule = z.output<typeof customResourceRuleSchema>;
export type CustomResourceRuleInput = z.input<typeof customResourceRuleSchema>;
