// Which timeline entries become webhook events, and how Retry-After is read.
import { webhookEventType } from '../../../../activities/webhooks/events';
import { retryAfterMs } from '../../../../activities/webhooks/sink';
import type { TimelineEntry } from '../../../../workflows/definitions';

const entry = (type: TimelineEntry['type'], data?: Record<string, unknown>): TimelineEntry => ({ at: '2026-12-05T10:00:00.000Z', type, text: type, ...(data ? { data } : {}) });

describe('webhook events', () => {
  it('maps the six lifecycle transitions and nothing else', () => {
    const all: TimelineEntry['type'][] = ['detected', 'alerted', 'alert-failed', 'diagnostics', 'paged', 'page-failed', 'escalated', 'acknowledged', 'handoff', 'refused', 'recovered', 'recurred', 'resolved', 'action-item', 'kubectl', 'note'];
    expect(Object.fromEntries(all.flatMap((t) => (webhookEventType(entry(t)) ? [[t, webhookEventType(entry(t))]] : [])))).toEqual({
      detected: 'incident.triggered',
      escalated: 'incident.escalated',
      acknowledged: 'incident.acknowledged',
      handoff: 'incident.handed_off',
      resolved: 'incident.resolved',
    });
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
