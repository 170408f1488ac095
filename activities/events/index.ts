// Event sinks get every timeline entry of every incident exactly once per (incident, index): the
// event archive (Elasticsearch), pagers that mirror acks and resolutions (PagerDuty), and so on.
// The workflow publishes in order and retries; sinks must treat a repeated (key, index) as a no-op.
import type { ResourceRef, Severity, IncidentStatus, TimelineEntry } from '../../workflows/definitions';
import { countTransition, countedCall, observeTimeToAck } from '../../metrics/incidents';

export interface IncidentSummary {
  id: string;
  /** `<workflow id>@<opened at>`: one occurrence of the problem (ids repeat after resolution). */
  key: string;
  cluster: string;
  namespace?: string;
  severity: Severity;
  kind: string;
  status: IncidentStatus;
  resource: ResourceRef;
}

export interface EventBatch {
  incident: IncidentSummary;
  /** Index of entries[0] in the incident's timeline; entry i has the stable id `${key}#${startIndex + i}`. */
  startIndex: number;
  entries: TimelineEntry[];
}

export interface EventSink {
  readonly name: string;
  publish(batch: EventBatch): Promise<void>;
}

export const eventId = (batch: EventBatch, i: number): string => `${batch.incident.key}#${batch.startIndex + i}`;

export function createEventActivities(sinks: EventSink[], lifecycleLog?: (line: string) => void) {
  return {
    async publishEvents(batch: EventBatch): Promise<void> {
      // Every sink must take the batch; a failing sink fails the activity and Temporal retries the
      // batch for all, which the per-entry ids make harmless for the sinks that already took it.
      for (const sink of sinks) await countedCall('sink', sink.name, 'publish', () => sink.publish(batch));
      countLifecycle(batch);
      for (const e of lifecycleLog ? batch.entries : []) {
        const line = lifecycleLine(batch.incident.id, e);
        if (line) lifecycleLog!(line);
      }
    },
  };
}

const LIFECYCLE_WORDS: Partial<Record<TimelineEntry['type'], string>> = {
  detected: 'opened',
  alerted: 'alerted',
  'alert-failed': 'alert failed',
  paged: 'paged',
  'page-failed': 'paging failed',
  escalated: 'escalated',
  acknowledged: 'acknowledged',
  handoff: 'handed off',
  recovered: 'recovered',
  recurred: 'recurred',
  resolved: 'resolved',
  postmortem: 'postmortem written',
};
/** Texts the system wrote (never a person's note or summary) may follow the event on its line. */
const SYSTEM_TEXT = new Set<TimelineEntry['type']>(['detected', 'alerted', 'alert-failed', 'paged', 'page-failed', 'escalated']);

/**
 * One console line per lifecycle event (`incident incident/dev/x acknowledged by alice`), for the
 * worker's log and `make dev`; undefined for the rest (notes, diagnostics, /kubectl, action items).
 */
export function lifecycleLine(id: string, e: TimelineEntry): string | undefined {
  const word = LIFECYCLE_WORDS[e.type];
  if (!word) return undefined;
  const by = e.actor && e.actor !== 'system' ? ` by ${e.actor}` : '';
  return `incident ${id} ${word}${by}${SYSTEM_TEXT.has(e.type) && e.text ? `: ${e.text.split('\n')[0]}` : ''}`;
}
/**
 * The lifecycle metrics: every timeline entry passes here once, in order, after all sinks took it
 * (the workflow cannot count: prom-client is not deterministic). The key ends in `@<opened at>`.
 */
function countLifecycle({ incident, entries }: EventBatch): void {
  const labels = { cluster: incident.cluster, severity: incident.severity };
  const openedAt = incident.key.slice(incident.key.lastIndexOf('@') + 1);
  for (const e of entries) {
    countTransition(e.type, labels);
    if (e.type === 'acknowledged') observeTimeToAck(openedAt, e.at, labels);
  }
}
export type EventActivities = ReturnType<typeof createEventActivities>;
