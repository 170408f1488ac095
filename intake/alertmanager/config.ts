// `intake.alertmanager`: how an Alertmanager webhook notification (POST /api/alertmanager) becomes
// anomalies. Labels decide cluster, fingerprint, severity and resource, so every choice a team's
// label conventions may differ on is a key here, with defaults that fit kube-prometheus.
import { z } from 'zod';
import { SEVERITIES } from '../../workflows/definitions';
import { secretRef } from '../../config/primitives';

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name (letters, digits and "_", not starting with a digit)');

export const DEFAULT_SEVERITY_MAP = { critical: 'critical', error: 'error', warning: 'warning', info: 'info', none: 'info' } as const;

export const ALERTMANAGER_DEFAULTS = {
  clusterLabel: 'cluster',
  severityLabel: 'severity',
  severityMap: { ...DEFAULT_SEVERITY_MAP },
  defaultSeverity: 'warning',
  maxBodyBytes: 1024 * 1024,
  maxConcurrent: 8,
} as const;

export const alertmanagerSchema = z
  .object({
    clusterLabel: labelName.default(ALERTMANAGER_DEFAULTS.clusterLabel).describe('The alert label naming the cluster (the incident id is incident/<cluster>/<fingerprint>)'),
    defaultCluster: z
      .string()
      .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", ":" and "-"')
      .max(63)
      .optional()
      .describe('Cluster for alerts without the cluster label (one Prometheus per cluster usually has no such label). Without it such alerts are refused with 400'),
    fingerprintLabels: z
      .array(labelName)
      .min(1)
      .optional()
      .describe("Group alerts into incidents by these labels' values (e.g. [alertname, namespace]); default: Alertmanager's own fingerprint, one incident per alert label set"),
    severityLabel: labelName.default(ALERTMANAGER_DEFAULTS.severityLabel).describe('The alert label holding the severity'),
    severityMap: z
      .record(z.string(), z.enum(SEVERITIES))
      .default({ ...DEFAULT_SEVERITY_MAP })
      .describe(`Severity label value -> the incident's severity (${SEVERITIES.join(', ')}); replaces the default map critical/error/warning/info/none`),
    defaultSeverity: z
      .enum(SEVERITIES)
      .default(ALERTMANAGER_DEFAULTS.defaultSeverity)
      .describe('Severity of alerts whose severity label is missing or not in severityMap'),
    basicAuth: z
      .object({
        username: z.string().min(1).describe("The user in Alertmanager's http_config.basic_auth"),
        password: secretRef.describe("The password in Alertmanager's http_config.basic_auth (fromEnv or fromFile, never in this file)"),
      })
      .strict()
      .optional()
      .describe('Accept HTTP basic auth from Alertmanager besides bearer tokens (api.tokens, which Alertmanager sends with http_config.authorization)'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(ALERTMANAGER_DEFAULTS.maxBodyBytes)
      .describe('Largest notification accepted; bigger ones get 413. Alertmanager sends at most max_alerts alerts per notification (0 = all): lower that or raise this'),
    maxConcurrent: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(ALERTMANAGER_DEFAULTS.maxConcurrent)
      .describe('Signals to Temporal in flight at once for one notification (a notification may carry hundreds of alerts)'),
  })
  .strict();

export type AlertmanagerConfig = z.output<typeof alertmanagerSchema>;
