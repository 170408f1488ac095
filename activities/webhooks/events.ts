// What a receiver gets: one JSON event per incident transition, built from a timeline entry.
// `id` is the entry's stable id (`<incident key>#<index>`), the same on every retry and every worker,
// so receivers deduplicate by it; `created` is when the transition happened, not when it was sent.
import type { TimelineEntry } from '../../workflows/definitions';
import { eventId, type EventBatch, type IncidentSummary } from '../events';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpoint, type WebhookEventType } from './config';

export interface WebhookLinks {
  apiUrl?: string;
  temporalUiUrl?: string;
  temporalNamespace?: string;
}

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  created: string;
  /** The incident as the batch was published (its status may already be past this event). */
  incident: IncidentSummary & { links: Record<string, string> };
  data: Record<string, unknown>;
}

export function webhookEventType(e: TimelineEntry): WebhookEventType | undefined {
  // A postmortem entry without a document id says why there is none: nothing is ready.
  if (e.type === 'postmortem' && typeof e.data?.id !== 'string') return undefined;
  // A snooze's end is the note that carries the until it had (workflows/state-commands.ts endSnooze).
  if (e.type === 'note') return typeof e.data?.snoozeEnded === 'string' ? WEBHOOK_EVENT_TYPES.snoozeEnded : undefined;
  return (WEBHOOK_EVENT_TYPES as Partial<Record<string, WebhookEventType>>)[e.type];
}

function incidentLinks(inc: IncidentSummary, entry: TimelineEntry, l: WebhookLinks): Record<string, string> {
  const enc = encodeURIComponent;
  const links: Record<string, string> = {};
  if (l.apiUrl) {
    links.incident = `${l.apiUrl}/api/incidents/${enc(inc.id)}`;
    links.chat = `${l.apiUrl}/chat#incident=${enc(inc.id)}`;
    if (typeof entry.data?.id === 'string' && entry.type === 'postmortem') links.postmortem = `${l.apiUrl}/api/postmortems/${enc(entry.data.id)}`;
  }
  if (l.temporalUiUrl) links.temporal = `${l.temporalUiUrl}/namespaces/${enc(l.temporalNamespace ?? 'default')}/workflows/${enc(inc.id)}`;
  return links;
}

/** The batch's entries that are webhook events, in timeline order. */
export function webhookEvents(batch: EventBatch, links: WebhookLinks): WebhookEvent[] {
  return batch.entries.flatMap((e, i) => {
    const type = webhookEventType(e);
    if (!type) return [];
    const data = { ...e.data, text: e.text, ...(e.actor ? { actor: e.actor } : {}) };
    return [{ id: eventId(batch, i), type, created: e.at, incident: { ...batch.incident, links: incidentLinks(batch.incident, e, links) }, data }];
  });
}

/** Whether an endpoint wants this event: its event types and its cluster/namespace/severity match. */
export function wants(ep: WebhookEndpoint, ev: WebhookEvent): boolean {
  const { cluster, namespace, severity } = ep.match;
  const inc = ev.incident;
  return (
    ep.events.includes(ev.type) &&
    (!cluster || cluster.includes(inc.cluster)) &&
    (!namespace || (inc.namespace !== undefined && namespace.includes(inc.namespace))) &&
    (!severity || severity.includes(inc.severity))
  );
}
