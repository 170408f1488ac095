// webhooks: signed outgoing webhooks, an event sink beside the Elasticsearch archive (sink.ts).
// Each endpoint has its own secret and filters. URLs are not limited to loopback here: a receiver
// lives wherever its owner runs it (tests use loopback).
import { z } from 'zod';
import { SEVERITIES } from '../../workflows/definitions';
import { parseDuration } from '../../config/duration';
import { durationWithin, secretRef as secret } from '../../config/primitives';

/** Timeline entry type (and `snoozeEnded`: a note marking a snooze's end) -> the event type receivers see; other entries are not sent. */
export const WEBHOOK_EVENT_TYPES = {
  detected: 'incident.triggered',
  acknowledged: 'incident.acknowledged',
  escalated: 'incident.escalated',
  handoff: 'incident.handed_off',
  resolved: 'incident.resolved',
  // A resolved incident open again: it recurred within the flap window, or a person reopened it.
  reopened: 'incident.reopened',
  postmortem: 'incident.postmortem_ready',
  // An incident held back by a silence or maintenance window, and its hold ending with the problem still there.
  silenced: 'incident.silenced',
  unsilenced: 'incident.unsilenced',
  // Escalation held back by `/incident snooze` (data.until); its end is a note (see events.ts).
  snoozed: 'incident.snoozed',
  snoozeEnded: 'incident.snooze_ended',
} as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[keyof typeof WEBHOOK_EVENT_TYPES];
const EVENT_TYPES = Object.values(WEBHOOK_EVENT_TYPES) as [WebhookEventType, ...WebhookEventType[]];

const httpUrl = z
  .string()
  .url('expected a URL like https://hooks.example.com/incidents')
  .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http:// or https:// URL' })
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), { message: 'must not contain credentials: the receiver checks the signature made with secret' });

const endpoint = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lowercase name (letters, digits, ".", "_", "-")')
      .describe('Names the endpoint in logs and metrics (never the URL, which may carry a token)'),
    url: httpUrl.describe('Where events are POSTed, http(s)'),
    secret: secret.describe('HMAC-SHA256 signing secret shared with the receiver (fromEnv or fromFile)'),
    events: z
      .array(z.enum(EVENT_TYPES))
      .min(1, 'list at least one event type, or leave events out for all of them')
      .default([...EVENT_TYPES])
      .describe(`Event types sent to this endpoint (default: all): ${EVENT_TYPES.join(', ')}`),
    match: z
      .object({
        cluster: z.array(z.string().min(1)).min(1).optional().describe('Only incidents of these clusters'),
        namespace: z.array(z.string().min(1)).min(1).optional().describe('Only incidents in these namespaces'),
        severity: z.array(z.enum(SEVERITIES)).min(1).optional().describe('Only incidents of these severities'),
      })
      .strict()
      .default({})
      .describe('All given fields must match the incident (cluster, namespace, severity); empty matches all'),
    timeout: durationWithin(100, 60_000).default(parseDuration('10s')!).describe('How long one POST may take before it counts as failed and is retried, e.g. "10s"'),
    retryFor: durationWithin(1000)
      .default(parseDuration('24h')!)
      .describe("How long an endpoint may keep failing (408, 429, 5xx, timeouts, refused connections) before its events are dropped instead of retried; until then an incident's later events wait for it"),
  })
  .strict();

export const webhooksSchema = z
  .object({
    endpoints: z.array(endpoint).default([]).describe('Receivers of signed incident events (docs/webhooks.md)'),
  })
  .strict()
  .default({ endpoints: [] })
  .superRefine((w, ctx) => {
    const seen = new Set<string>();
    w.endpoints.forEach((e, i) => {
      if (seen.has(e.name)) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'name'], message: `duplicate webhook endpoint name "${e.name}": each endpoint needs its own` });
      seen.add(e.name);
    });
  })
  .describe('Signed outgoing webhooks: one JSON event per incident transition, HMAC-SHA256 signed (docs/webhooks.md)');

export type WebhooksConfig = z.output<typeof webhooksSchema>;
export type WebhookEndpoint = WebhooksConfig['endpoints'][number];
