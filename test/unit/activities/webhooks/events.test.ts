// Which timeline entries become webhook events (silence holds included), and how Retry-After is read.
import { webhookEventType, webhookEvents } from '../../../../activities/webhooks/events';
import type { EventBatch } from '../../../../activities/events';
import { retryAfterMs } from '../../../../activities/webhooks/sink';
import type { TimelineEntry } from '../../../../workflows/definitions';

const entry = (type: TimelineEntry['type'], data?: Record<string, unknown>): TimelineEntry => ({ at: '2026-12-05T10:00:00.000Z', type, text: type, ...(data ? { data } : {}) });

describe('webhook events', () => {
  it('maps the lifecycle transitions and an incident held back by a silence, and nothing else', () => {
    const all: TimelineEntry['type'][] = ['detected', 'alerted', 'alert-failed', 'diagnostics', 'paged', 'page-failed', 'escalated', 'snoozed', 'severity', 'reopened', 'acknowledged', 'handoff', 'refused', 'recovered', 'recurred', 'resolved', 'action-item', 'kubectl', 'silenced', 'unsilenced', 'silence', 'note'];
    expect(Object.fromEntries(all.flatMap((t) => (webhookEventType(entry(t)) ? [[t, webhookEventType(entry(t))]] : [])))).toEqual({
      detected: 'incident.triggered',
      escalated: 'incident.escalated',
      acknowledged: 'incident.acknowledged',
      handoff: 'incident.handed_off',
      resolved: 'incident.resolved',
      silenced: 'incident.silenced',
      unsilenced: 'incident.unsilenced',
    });
  });

  it('sends the hold and its end with the silence id, its end and the held-back count, as the incident timeline has them', () => {
    const incident: EventBatch['incident'] = { id: 'incident/prod/x', key: 'incident/prod/x@2026-12-05T10:00:00.000Z', cluster: 'prod', namespace: 'shop', severity: 'critical', kind: 'CrashLoopBackOff', status: 'triggered', resource: { kind: 'Deployment', name: 'checkout' } };
    const batch: EventBatch = {
      incident,
      startIndex: 0,
      entries: [
        entry('detected'),
        { ...entry('silenced', { silence: 's-3', until: '2026-12-05T12:00:00.000Z' }), actor: 'system', text: 'Held back by silence s-3 {namespace="shop"} until 2026-12-05T12:00:00.000Z' },
        { ...entry('unsilenced', { silence: 's-3', occurrences: 4 }), actor: 'system', text: 'Silence s-3 ended (removed by alice) with the problem still there' },
      ],
    };
    const events = webhookEvents(batch, {});
    expect(events.map((e) => [e.id, e.type])).toEqual([
      [`${incident.key}#0`, 'incident.triggered'],
      [`${incident.key}#1`, 'incident.silenced'],
      [`${incident.key}#2`, 'incident.unsilenced'],
    ]);
    expect(events[1]!.data).toEqual({ silence: 's-3', until: '2026-12-05T12:00:00.000Z', text: expect.stringContaining('Held back by silence s-3'), actor: 'system' });
    expect(events[2]!.data).toMatchObject({ silence: 's-3', occurrences: 4 });
  });

  it('says a postmortem is ready only when it was stored (the entry carries its id)', () => {
    expect(webhookEventType(entry('postmortem', { id: 'incident/p/x@t' }))).toBe('incident.postmortem_ready');
    expect(webhookEventType(entry('postmortem'))).toBeUndefined();
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(retryAfterMs('12', now)).toBe(12_000);
    expect(retryAfterMs('Sat, 05 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
