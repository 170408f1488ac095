// The compiler's edge cases: MTTA/MTTR definitions with escalations and handoffs, resolution
// without an ack, handoff chains, auto-resolve with recovery, time zones across DST, links.
import { compilePostmortem, postmortemIdFor } from '../../../activities/postmortem/compile';
import { formatTime, renderMarkdown, summaryLine } from '../../../activities/postmortem/render';
import type { TimelineEntry } from '../../../workflows/definitions';
import { NAMES, OPTIONS, at, baseState, escalatedHandedOffState } from './fixtures';

const MIN = 60_000;

describe('postmortem compiler', () => {
  it('measures time to acknowledge from opening to the first ack, even after an escalation and a handoff', () => {
    const d = compilePostmortem(escalatedHandedOffState(), OPTIONS);
    expect(d.id).toBe('incident/prod-eu/shop-deployment-checkout-crashloopbackoff@2026-03-29T00:30:00.000Z');
    expect(d.timeToAcknowledgeMs).toBe(7 * MIN); // 00:30:00 -> carol's ack at 00:37:00, not from the level-2 page
    expect(d.acknowledgedBy).toBe('carol');
    expect(d.timeToResolveMs).toBe(40 * MIN);
    expect(d.escalations).toBe(1);
    expect(d.handoffs).toBe(1);
    expect(d.escalationTrail.map((s) => [s.level, s.reason, s.at, s.paged.map((p) => p.id)])).toEqual([
      [1, 'initial', at('00:30:02'), ['alice']],
      [2, 'escalated', at('00:35:02'), ['carol']],
    ]);
    // Bob's page belongs to the handoff, not to the ladder.
    expect(d.handoffTrail).toEqual([
      { at: at('00:45:00'), from: 'carol', fromName: 'Carol Danvers', to: 'bob', toName: 'Bob Marley', by: 'carol', byName: 'Carol Danvers', note: 'my shift ends', pagedAt: at('00:45:01'), acknowledgedAt: at('00:47:30') },
    ]);
    expect(d.responders).toEqual([
      { id: 'alice', name: 'Alice Liddell', roles: ['paged'], firstPagedAt: at('00:30:02') },
      { id: 'carol', name: 'Carol Danvers', roles: ['paged', 'acknowledged', 'handed off'], firstPagedAt: at('00:35:03'), acknowledgedAt: at('00:37:00') },
      { id: 'bob', name: 'Bob Marley', roles: ['received handoff', 'paged', 'acknowledged', 'resolved'], firstPagedAt: at('00:45:01'), acknowledgedAt: at('00:47:30') },
    ]);
  });

  it('keeps the full timeline with actor names, diagnostics, related events, chat and Temporal links and action items', () => {
    const s = escalatedHandedOffState();
    const d = compilePostmortem(s, OPTIONS);
    expect(d.timeline).toHaveLength(s.timeline.length);
    expect(d.timeline[6]).toMatchObject({ index: 6, type: 'acknowledged', actor: 'carol', actorName: 'Carol Danvers' });
    expect(d.diagnostics?.sections.map((x) => x.title)).toEqual(['Describe Deployment/checkout', 'Events', 'Previous logs of checkout']);
    expect(d.relatedEvents).toEqual([{ source: 'Events', lines: expect.arrayContaining([expect.stringContaining('Back-off restarting failed container checkout')]) }]);
    expect(d.relatedEvents[0]!.lines).toHaveLength(3);
    expect(d.chat).toEqual([{ platform: 'local', channel: 'incidents', id: 'm1', url: `http://127.0.0.1:8080/chat#incident=${encodeURIComponent(s.id)}` }]);
    expect(d.links.map((l) => l.label)).toEqual(['Postmortem', 'Temporal history']);
    expect(d.links[1]!.url).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(s.id)}`);
    expect(d.actionItems).toEqual([{ text: 'raise the memory limit of checkout', by: 'carol', byName: 'Carol Danvers', at: at('00:40:00') }]);
    expect(d.occurrences).toBe(12);
    expect(d.impact).toEqual({ start: at('00:29:30'), end: at('01:10:00'), durationMs: 40.5 * MIN });
  });

  it('reports an incident resolved without an ack as not acknowledged, with a review prompt about the page', () => {
    const s = baseState(
      [
        { at: at('00:30:00'), type: 'detected', actor: 'system', text: 'detected' },
        { at: at('00:30:02'), type: 'paged', actor: 'system', text: 'Paged Alice Liddell (level 1) via chat', data: { personId: 'alice', level: 1, repeat: 0 } },
        { at: at('00:33:00'), type: 'resolved', actor: 'carol', text: 'Resolved by Carol Danvers: false alarm' },
      ],
      { resolvedAt: at('00:33:00'), resolvedBy: 'carol', summary: 'false alarm', level: 1, diagnostics: undefined },
    );
    const d = compilePostmortem(s, OPTIONS);
    expect(d.timeToAcknowledgeMs).toBeUndefined();
    expect(d.acknowledgedBy).toBeUndefined();
    expect(d.timeToResolveMs).toBe(3 * MIN);
    expect(d.escalations).toBe(0);
    expect(d.reviewPrompts).toContain('It was resolved without an acknowledgement: did the page reach the right person?');
    expect(d.relatedEvents).toEqual([]);
    expect(renderMarkdown(d)).toContain('| Time to acknowledge | not acknowledged |');
    expect(summaryLine(d, 'http://127.0.0.1:8080')).toBe(
      `Postmortem (not acknowledged, resolved in 3m, 0 escalations, 0 handoffs): http://127.0.0.1:8080/chat#postmortem=${encodeURIComponent(d.id)}`,
    );
    expect(summaryLine(d)).toBe(`Postmortem ${d.id} (not acknowledged, resolved in 3m, 0 escalations, 0 handoffs).`);
  });

  it('follows a handoff chain: each handoff with its page and its ack, MTTA still the first ack', () => {
    const timeline: TimelineEntry[] = [
      { at: at('10:00:00'), type: 'detected', actor: 'system', text: 'detected' },
      { at: at('10:00:01'), type: 'paged', actor: 'system', text: 'Paged alice', data: { personId: 'alice', level: 1, repeat: 0 } },
      { at: at('10:02:00'), type: 'acknowledged', actor: 'alice', text: 'Acknowledged by alice' },
      { at: at('10:10:00'), type: 'handoff', actor: 'alice', text: 'alice -> bob', data: { from: 'alice', to: 'bob' } },
      { at: at('10:10:01'), type: 'paged', actor: 'system', text: 'Paged bob', data: { personId: 'bob', level: 1, repeat: 0 } },
      { at: at('10:12:00'), type: 'handoff', actor: 'carol', text: 'bob -> carol by carol (admin)', data: { from: 'bob', to: 'carol', note: 'I have context' } },
      { at: at('10:12:01'), type: 'paged', actor: 'system', text: 'Paged carol', data: { personId: 'carol', level: 1, repeat: 0 } },
      { at: at('10:13:00'), type: 'acknowledged', actor: 'carol', text: 'Acknowledged by carol' },
      { at: at('10:30:00'), type: 'resolved', actor: 'carol', text: 'Resolved by carol: fixed' },
    ];
    const d = compilePostmortem(baseState(timeline, { openedAt: at('10:00:00'), acknowledgedAt: at('10:02:00'), resolvedAt: at('10:30:00'), resolvedBy: 'carol', summary: 'fixed' }), OPTIONS);
    expect(d.timeToAcknowledgeMs).toBe(2 * MIN);
    expect(d.handoffs).toBe(2);
    expect(d.handoffTrail.map((h) => [h.from, h.to, h.by, h.pagedAt, h.acknowledgedAt])).toEqual([
      ['alice', 'bob', 'alice', at('10:10:01'), undefined],
      ['bob', 'carol', 'carol', at('10:12:01'), at('10:13:00')],
    ]);
    expect(d.escalationTrail).toEqual([{ level: 1, repeat: 0, at: at('10:00:01'), reason: 'initial', paged: [{ id: 'alice', name: 'Alice Liddell', at: at('10:00:01') }], failures: [] }]);
    expect(d.responders.find((r) => r.id === 'bob')!.roles).toEqual(['received handoff', 'paged', 'handed off']);
    expect(renderMarkdown(d)).toContain('Alice Liddell → Bob Marley by Alice Liddell; not acknowledged by them');
  });

  it('ends the impact window at the observed recovery of an auto-resolved incident', () => {
    const s = baseState(
      [
        { at: at('00:30:00'), type: 'detected', actor: 'system', text: 'detected' },
        { at: at('00:41:00'), type: 'recovered', actor: 'system', text: 'Recovery observed: all replicas ready' },
        { at: at('00:43:00'), type: 'resolved', actor: 'system', text: 'Auto-resolved' },
      ],
      { resolvedAt: at('00:43:00'), resolvedBy: 'system', summary: 'Recovered: all replicas ready', recovery: { observedAt: at('00:40:30'), receivedAt: at('00:41:00'), message: 'all replicas ready' } },
    );
    const d = compilePostmortem(s, OPTIONS);
    expect(d.autoResolved).toBe(true);
    expect(d.impact).toEqual({ start: at('00:29:30'), end: at('00:40:30'), durationMs: 11 * MIN });
    expect(d.responders).toEqual([]);
    expect(d.reviewPrompts[3]).toMatch(/recovered on its own before anyone acknowledged/);
    expect(renderMarkdown(d)).toContain('automatically (recovery held)');
  });

  it('records when the escalation policy ran out and counts only real escalations', () => {
    const s = baseState(
      [
        { at: at('00:30:00'), type: 'detected', actor: 'system', text: 'detected' },
        { at: at('00:30:01'), type: 'page-failed', actor: 'system', text: 'Nobody is on call for level 1 of policy default' },
        { at: at('00:35:01'), type: 'escalated', actor: 'system', text: 'escalating from level 1 to level 2', data: { level: 2, repeat: 0 } },
        { at: at('00:35:02'), type: 'paged', actor: 'system', text: 'Paged carol', data: { personId: 'carol', level: 2, repeat: 0 } },
        { at: at('00:45:02'), type: 'escalated', actor: 'system', text: 'Escalation policy exhausted: nobody acknowledged; paging stops until someone acts' },
        { at: at('01:00:00'), type: 'resolved', actor: 'carol', text: 'Resolved' },
      ],
      { resolvedAt: at('01:00:00'), resolvedBy: 'carol' },
    );
    const d = compilePostmortem(s, OPTIONS);
    expect(d.escalations).toBe(1);
    expect(d.escalationExhaustedAt).toBe(at('00:45:02'));
    expect(d.escalationTrail[0]).toMatchObject({ level: 1, failures: [{ at: at('00:30:01'), text: 'Nobody is on call for level 1 of policy default' }], paged: [] });
    expect(d.reviewPrompts).toContain('The escalation policy ran out of levels: who should be on the last level?');
  });

  it('refuses to compile an incident that is not resolved', () => {
    const s = baseState([], { status: 'acknowledged', resolvedAt: undefined });
    expect(() => compilePostmortem(s, OPTIONS)).toThrow(/is not resolved/);
  });

  it('shows UTC always and local times with their DST offset only when a display zone is set', () => {
    const utcOnly = renderMarkdown(compilePostmortem(escalatedHandedOffState(), { ...OPTIONS, displayTimeZone: undefined }));
    expect(utcOnly).toContain('| Opened | 2026-03-29 00:30:00 UTC |');
    expect(utcOnly).not.toContain('+01:00');
    expect(formatTime('2026-03-29T00:59:59.000Z', 'Europe/Berlin')).toBe('2026-03-29 00:59:59 UTC (2026-03-29 01:59:59 +01:00)');
    expect(formatTime('2026-03-29T01:00:00.000Z', 'Europe/Berlin')).toBe('2026-03-29 01:00:00 UTC (2026-03-29 03:00:00 +02:00)');
    expect(formatTime('2026-11-01T05:30:00.000Z', 'America/New_York')).toBe('2026-11-01 05:30:00 UTC (2026-11-01 01:30:00 -04:00)');
    expect(formatTime('2026-11-01T06:30:00.000Z', 'America/New_York')).toBe('2026-11-01 06:30:00 UTC (2026-11-01 01:30:00 -05:00)');
    expect(formatTime('2026-06-01T12:00:00.000Z', 'Asia/Kolkata')).toBe('2026-06-01 12:00:00 UTC (2026-06-01 17:30:00 +05:30)');
    expect(formatTime('not a time', 'UTC')).toBe('not a time');
  });

  it('uses names from the roster and falls back to the id for people no longer on it', () => {
    const d = compilePostmortem(escalatedHandedOffState(), { ...OPTIONS, names: { ...NAMES, carol: undefined as unknown as string } });
    expect(d.responders.find((r) => r.id === 'carol')!.name).toBe('carol');
    expect(postmortemIdFor({ id: 'incident/a/b', openedAt: '2026-01-01T00:00:00.000Z' })).toBe('incident/a/b@2026-01-01T00:00:00.000Z');
  });

  it('leaves links out when no api or Temporal UI address is configured', () => {
    const d = compilePostmortem(escalatedHandedOffState(), { names: NAMES });
    expect(d.links).toEqual([]);
    expect(d.chat).toEqual([{ platform: 'local', channel: 'incidents', id: 'm1' }]);
    expect(renderMarkdown(d)).toContain('- Alert in local #incidents (message m1)');
  });
});
