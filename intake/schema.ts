// The anomaly as it crosses a process boundary (POST /api/anomalies, the watcher). Strict on
// purpose: cluster and fingerprint become the workflow id `incident/<cluster>/<fingerprint>`, so a
// stray "/" or an unbounded string would split or bloat the dedup key of the whole product.
import { z } from 'zod';
import { SEVERITIES, type Anomaly } from '../workflows/definitions';
import { formatPath } from '../config/load';
import { calendarExists } from '../config/primitives';

/** Characters allowed in the parts of a workflow id (no "/", no spaces, no quotes). */
export const ID_PART = /^[A-Za-z0-9._:-]+$/;
const ID_PART_HINT = 'letters, digits, ".", "_", ":" and "-"';

export const LIMITS = {
  cluster: 63,
  fingerprint: 200,
  kind: 100,
  resourceName: 253,
  reason: 200,
  message: 4000,
  labels: 64,
  labelKey: 317,
  labelValue: 1024,
  count: 1_000_000,
  annotationSummary: 1000,
  annotationDescription: 4000,
  runbookUrl: 2000,
} as const;

/** "is required" when missing, else what was expected (zod's default wording is for programmers). */
const expected = (what: string, kind: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `${what} must be ${kind}`);

const idPart = (what: string, max: number) =>
  z
    .string({ error: expected(what, 'a string') })
    .min(1, `${what} must not be empty`)
    .max(max, `${what} is longer than ${max} characters`)
    .regex(ID_PART, `${what} may only contain ${ID_PART_HINT} (it becomes part of the incident id)`);

const text = (what: string, max: number, min = 1) =>
  z
    .string({ error: expected(what, 'a string') })
    .min(min, `${what} must not be empty`)
    .max(max, `${what} is longer than ${max} characters`);

/** Kubernetes namespace names are DNS labels. */
const k8sNamespace = z
  .string({ error: expected('namespace', 'a string') })
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'namespace must be a Kubernetes namespace name (lowercase letters, digits and "-", at most 63)');

export const resourceRefSchema = z
  .object({
    kind: text('kind', LIMITS.kind),
    name: text('name', LIMITS.resourceName),
    namespace: k8sNamespace.optional(),
    apiVersion: text('apiVersion', 100).optional(),
  }, { error: (iss) => (iss.input === undefined ? 'is required' : 'must be an object like { "kind": "Pod", "name": "web-1", "namespace": "shop" }') })
  .strict();

const isoTime = z
  .string({ error: expected('observedAt', 'a string') })
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)) && calendarExists(s), {
    message: 'observedAt must be an ISO-8601 time with a zone, e.g. "2026-03-29T09:00:00Z"',
  })
  // One spelling (UTC, milliseconds) so times compare as strings downstream.
  .transform((s) => new Date(s).toISOString());

/** Text for people from the alert's author; a runbook link must be http(s), as chat shows it as a link. */
export const annotationsSchema = z
  .object({
    summary: text('annotations.summary', LIMITS.annotationSummary).optional(),
    description: text('annotations.description', LIMITS.annotationDescription).optional(),
    runbookUrl: text('annotations.runbookUrl', LIMITS.runbookUrl)
      .regex(/^https?:\/\/[^\s]+$/i, 'annotations.runbookUrl must be an http:// or https:// address')
      .optional(),
  }, { error: 'annotations must be an object like { "summary": "...", "runbookUrl": "https://..." }' })
  .strict();

export const anomalySchema = z
  .object({
    cluster: idPart('cluster', LIMITS.cluster),
    fingerprint: idPart('fingerprint', LIMITS.fingerprint),
    kind: text('kind', LIMITS.kind).regex(ID_PART, `kind may only contain ${ID_PART_HINT}, e.g. "CrashLoopBackOff"`),
    severity: z.enum(SEVERITIES, { error: (iss) => (iss.input === undefined ? 'is required' : `severity must be one of ${SEVERITIES.join(', ')}`) }),
    resource: resourceRefSchema,
    owner: resourceRefSchema.optional(),
    reason: text('reason', LIMITS.reason),
    message: text('message', LIMITS.message, 0),
    labels: z
      .record(
        z.string().min(1, 'label keys must not be empty').max(LIMITS.labelKey, `label keys are at most ${LIMITS.labelKey} characters`),
        z.string({ error: 'label values must be strings' }).max(LIMITS.labelValue, `label values are at most ${LIMITS.labelValue} characters`),
      )
      .refine((l) => Object.keys(l).length <= LIMITS.labels, { message: `at most ${LIMITS.labels} labels` })
      .default({}),
    observedAt: isoTime,
    count: z
      .number({ error: expected('count', 'a number') })
      .int('count must be a whole number')
      .positive('count must be at least 1')
      .max(LIMITS.count, `count is at most ${LIMITS.count}`)
      .default(1),
    annotations: annotationsSchema.optional(),
  })
  .strict();

export type AnomalyInput = z.input<typeof anomalySchema>;

export interface FieldError {
  /** Dotted path of the field, e.g. `resource.name`; empty for the body itself. */
  path: string;
  message: string;
}

export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const at = issue.path.length === 0 ? '' : formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      // One entry per unknown key, so a client can highlight each field.
      for (const key of issue.keys) out.push({ path: at ? `${at}.${key}` : key, message: `unknown field "${key}": check the spelling` });
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type' && issue.path.length === 0) message = 'the body must be a JSON object';
    else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = 'is required';
    out.push({ path: at, message });
  }
  return out;
}

export type AnomalyParseResult = { ok: true; anomaly: Anomaly } | { ok: false; fields: FieldError[] };

/** Validates and normalizes an anomaly; never throws. */
export function parseAnomaly(raw: unknown): AnomalyParseResult {
  const result = anomalySchema.safeParse(raw);
  if (!result.success) return { ok: false, fields: fieldErrors(result.error.issues) };
  return { ok: true, anomaly: result.data };
}

/** The namespace an anomaly belongs to (resource first, then its owner). */
export function anomalyNamespace(a: Pick<Anomaly, 'resource' | 'owner'>): string | undefined {
  return a.resource.namespace ?? a.owner?.namespace;
}
