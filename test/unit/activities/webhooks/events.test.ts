// Which timeline entries become webhook events (silence holds, snoozes and reopens included), and how Retry-After is read.
import { webhookEventType, webhookEvents } from '../../../../activities/webhooks/events';
import type { EventBatch } from '../../../../activities/events';
import { retryAfterMs } from '../../../../activities/webhooks/sink';
import type { TimelineEntry } from '../../../../workflows/definitions';

const entry = (type: TimelineEntry['type'], data?: Record<string, unknown>): TimelineEntry => ({ at: '2026-12-05T10:00:00.000Z', type, text: type, ...(data ? { data } : {}) });

describe('webhook events', () => {
  it('maps the lifecycle transitions, a reopen and an incident held back by a silence, and nothing else', () => {
    const all: TimelineEntry['type'][] = ['detected', 'alerted', 'alert-failed', 'diagnostics', 'paged', 'page-failed', 'escalated', 'snoozed', 'severity', 'reopened', 'acknowledged', 'handoff', 'refused', 'recovered', 'recurred', 'resolved', 'action-item', 'kubectl', 'silenced', 'unsilenced', 'silence', 'note'];
    expect(Object.fromEntries(all.flatMap((t) => (webhookEventType(entry(t)) ? [[t, webhookEventType(entry(t))]] : [])))).toEqual({
      detected: 'incident.triggered',
      escalated: 'incident.escalated',
      acknowledged: 'incident.acknowledged',
      handoff: 'incident.handed_off',
      resolved: 'incident.resolved',
      reopened: 'incident.reopened',
      silenced: 'incident.silenced',
      unsilenced: 'incident.unsilenced',
      snoozed: 'incident.snoozed',
    });
  });

  it('sends a snooze with its until, and its end (a note carrying the until it had) but no other note', () => {
    const incident: EventBatch['incident'] = { id: 'incident/prod/z', key: 'incident/prod/z@2026-12-05T10:00:00.000Z', cluster: 'prod', severity: 'critical', kind: 'CrashLoopBackOff', status: 'triggered', resource: { kind: 'Deployment', name: 'api' } };
    const until = '2026-12-05T10:30:00.000Z';
    const snoozed = { ...entry('snoozed', { until, durationMs: 1_800_000 }), actor: 'alice', text: `Escalation snoozed for 30m until ${until} by Alice Liddell (slack:U0ALICE)` };
    const ended = { ...entry('note', { snoozeEnded: until }), actor: 'system', text: 'Snooze by Alice Liddell ended: its time is up; escalation goes on' };
    const other = { ...entry('note'), actor: 'bob', text: 'looking at the database' };
    const events = webhookEvents({ incident, startIndex: 3, entries: [snoozed, other, ended] }, {});
    expect(events.map((e) => [e.id, e.type])).toEqual([
      [`${incident.key}#3`, 'incident.snoozed'],
      [`${incident.key}#5`, 'incident.snooze_ended'],
    ]);
    expect(events[0]!.data).toEqual({ until, durationMs: 1_800_000, actor: 'alice', text: snoozed.text });
    expect(events[1]!.data).toEqual({ snoozeEnded: until, actor: 'system', text: ended.text });
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

  it('sends a reopen with who reopened it: the flap count for a recurrence, the person for /incident reopen', () => {
    const incident: EventBatch['incident'] = { id: 'incident/prod/y', key: 'incident/prod/y@2026-12-05T10:00:00.000Z', cluster: 'prod', severity: 'error', kind: 'CrashLoopBackOff', status: 'acknowledged', resource: { kind: 'Pod', name: 'p' } };
    const flap = { ...entry('reopened', { flap: 2 }), actor: 'system', text: 'Reopened: recurred (BackOff) within the flap window after it was resolved at 2026-12-05T10:20:00.000Z (flapping, 2x); back with Alice Liddell' };
    const person = { ...entry('reopened', { by: 'bob' }), actor: 'bob', text: 'Reopened by Bob Marley (slack:U0BOB): errors are back' };
    const events = webhookEvents({ incident, startIndex: 7, entries: [entry('resolved'), flap, person] }, {});
    expect(events.map((e) => [e.id, e.type])).toEqual([
      [`${incident.key}#7`, 'incident.resolved'],
      [`${incident.key}#8`, 'incident.reopened'],
      [`${incident.key}#9`, 'incident.reopened'],
    ]);
    expect(events[1]!.data).toEqual({ flap: 2, actor: 'system', text: flap.text });
    expect(events[2]!.data).toEqual({ by: 'bob', actor: 'bob', text: person.text });
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
