// Alertmanager's webhook notification, version 4 (alertmanager/notify/webhook: the same JSON its
// docs show). Keys Alertmanager may add later are ignored; what the mapping reads is required, so a
// broken sender gets 400 naming the field (e.g. `alerts[3].labels`) instead of a half-made incident.
import { z } from 'zod';
import { fieldErrors, type FieldError } from '../schema';

const stringMap = (what: string) =>
  z.record(z.string(), z.string({ error: `${what} values must be strings` }), {
    error: (iss) => (iss.input === undefined ? 'is required' : `${what} must be an object of strings`),
  });

const rfc3339 = (what: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? 'is required' : `${what} must be an RFC 3339 time string`) }).refine((s) => !Number.isNaN(Date.parse(s)), {
    message: `${what} must be an RFC 3339 time, e.g. "2026-03-02T10:15:00Z"`,
  });

export const webhookAlertSchema = z.object(
  {
    status: z.enum(['firing', 'resolved'], { error: 'status must be "firing" or "resolved"' }),
    labels: stringMap('labels'),
    annotations: stringMap('annotations').default({}),
    startsAt: rfc3339('startsAt'),
    // Firing alerts carry Go's zero time here; resolved ones the time they ended.
    endsAt: rfc3339('endsAt').optional(),
    generatorURL: z.string().optional(),
    fingerprint: z.string().optional(),
  },
  { error: 'each alert must be an object with status, labels, annotations, startsAt' },
);

export const webhookPayloadSchema = z.object(
  {
    version: z.literal('4', { error: 'version must be "4" (the Alertmanager webhook payload this api speaks)' }),
    status: z.enum(['firing', 'resolved'], { error: 'status must be "firing" or "resolved"' }).optional(),
    receiver: z.string().optional(),
    groupKey: z.string().optional(),
    truncatedAlerts: z.number().int().min(0).optional(),
    externalURL: z.string().optional(),
    alerts: z.array(webhookAlertSchema, { error: (iss) => (iss.input === undefined ? 'is required' : 'alerts must be an array') }),
  },
  { error: 'the body must be a JSON object: an Alertmanager webhook notification (version 4)' },
);

export type WebhookAlert = z.output<typeof webhookAlertSchema>;
export type WebhookPayload = z.output<typeof webhookPayloadSchema>;

export type PayloadParseResult = { ok: true; payload: WebhookPayload } | { ok: false; fields: FieldError[] };

/** Validates a notification; never throws. Field paths read like `alerts[3].labels`. */
export function parseWebhookPayload(raw: unknown): PayloadParseResult {
  const result = webhookPayloadSchema.safeParse(raw);
  if (!result.success) return { ok: false, fields: fieldErrors(result.error.issues) };
  return { ok: true, payload: result.data };
}
