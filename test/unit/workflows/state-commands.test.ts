// The pure transitions of the commands on-call people reach for (workflows/state-commands.ts):
// severity, escalate now, snooze and reopen, with their refusals (recorded) and no-ops (not).
import { applyAck, initialState, resolveAs } from '../../../workflows/state';
import { applyEscalateNow, applyReopen, applySeverity, applySnooze, checkEscalate, endSnooze, validateSeverity, validateSnoozeDuration } from '../../../workflows/state-commands';
import type { IncidentState } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { actor } from '../../helpers/actors';

const NAMES: Record<string, string> = { alice: 'Alice Liddell', bob: 'Bob Marley' };
const name = (id: string) => NAMES[id] ?? id;
const T0 = Date.parse('2026-12-05T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;

function opened(): IncidentState {
  const s = initialState('incident/test/fp', anomaly({ fingerprint: 'fp', severity: 'warning' }), iso(T0));
  s.assignee = 'alice';
  s.level = 1;
  s.pagedFor = 'L1R0';
  return s;
}
const mallory = actor(null, [], 'slack:U0MALLORY');

describe('changing the severity', () => {
  it('sets it, records who changed it from what, and answers in a sentence', () => {
    const s = opened();
    const r = applySeverity(s, { actor: actor('bob'), severity: 'critical' }, iso(T0), name);
    expect(r).toEqual({ outcome: 'done', message: 'Severity set to critical (was warning) by Bob Marley.', status: 'triggered' });
    expect(s.severity).toBe('critical');
    expect(s.timeline.at(-1)).toMatchObject({ type: 'severity', actor: 'bob', data: { from: 'warning', to: 'critical' } });
  });

  it('answers "already" for the same severity and changes nothing', () => {
    const s = opened();
    const before = s.timeline.length;
    expect(applySeverity(s, { actor: actor('bob'), severity: 'warning' }, iso(T0), name).outcome).toBe('already');
    expect(s.timeline).toHaveLength(before);
  });

  it('refuses someone off the roster and records the refusal', () => {
    const s = opened();
    const r = applySeverity(s, { actor: mallory, severity: 'info' }, iso(T0), name);
    expect(r.outcome).toBe('refused');
    expect(r.message).toMatch(/not on the roster.*people\[\]\.chat/);
    expect(s.severity).toBe('warning');
    expect(s.timeline.at(-1)).toMatchObject({ type: 'refused', text: expect.stringContaining('Refused severity change by slack:U0MALLORY') });
  });

  it('leaves a resolved incident as it was', () => {
    const s = opened();
    resolveAs(s, 'alice', 'fixed', iso(T0), 'Resolved');
    expect(applySeverity(s, { actor: actor('bob'), severity: 'info' }, iso(T0), name)).toMatchObject({ outcome: 'already', message: expect.stringContaining('/incident reopen') });
    expect(s.severity).toBe('warning');
  });
});

describe('escalating now', () => {
  it('lets the loop escalate a triggered incident and records who asked', () => {
    const s = opened();
    expect(checkEscalate(s, actor('bob'), iso(T0), name)).toBeUndefined();
    const r = applyEscalateNow(s, actor('bob'), { level: 2, repeat: 0 }, iso(T0), name);
    expect(r).toMatchObject({ outcome: 'done', message: 'Escalated to level 2 by Bob Marley: paging it now.' });
    expect(s).toMatchObject({ level: 2, repeat: 0 });
    expect(s.timeline.at(-1)).toMatchObject({ type: 'escalated', actor: 'bob', text: 'Escalated by Bob Marley (local:bob) from level 1 to level 2', data: { level: 2, repeat: 0, by: 'bob' } });
  });

  it('has nothing to escalate once someone acknowledged, or every level was paged', () => {
    const s = opened();
    applyAck(s, { actor: actor('alice') }, iso(T0), name);
    expect(checkEscalate(s, actor('bob'), iso(T0), name)).toMatchObject({ outcome: 'already', message: expect.stringMatching(/Alice Liddell acknowledged.*\/handoff/) });
    const t = opened();
    t.pagedFor = 'exhausted';
    expect(checkEscalate(t, actor('bob'), iso(T0), name)).toMatchObject({ outcome: 'already', message: expect.stringContaining('Every level') });
  });

  it('pages nobody while a silence holds the incident back, and says how to end it', () => {
    const s = opened();
    s.silenced = { id: 'sil-1', until: iso(T0 + 60 * MIN), matcher: '{namespace="shop"}' };
    expect(checkEscalate(s, actor('bob'), iso(T0), name)).toMatchObject({ outcome: 'already', message: expect.stringContaining('/incident unsilence sil-1') });
    s.silenced.ended = iso(T0);
    expect(checkEscalate(s, actor('bob'), iso(T0), name)).toBeUndefined();
  });

  it('refuses someone off the roster and records it', () => {
    const s = opened();
    expect(checkEscalate(s, mallory, iso(T0), name)?.outcome).toBe('refused');
    expect(s.timeline.at(-1)?.type).toBe('refused');
  });
});

describe('snoozing escalation', () => {
  it('pauses escalation until a time and says so in the timeline', () => {
    const s = opened();
    const r = applySnooze(s, { actor: actor('alice'), durationMs: 30 * MIN }, T0, name);
    expect(r.outcome).toBe('done');
    expect(r.message).toContain(`until ${iso(T0 + 30 * MIN)}`);
    expect(s.snooze).toEqual({ until: iso(T0 + 30 * MIN), untilMs: T0 + 30 * MIN, by: 'alice' });
    expect(s.timeline.at(-1)).toMatchObject({ type: 'snoozed', actor: 'alice', data: { durationMs: 30 * MIN } });
  });

  it('replaces an earlier snooze with the new one, even a shorter one', () => {
    const s = opened();
    applySnooze(s, { actor: actor('alice'), durationMs: 2 * 60 * MIN }, T0, name);
    applySnooze(s, { actor: actor('bob'), durationMs: 10 * MIN }, T0 + MIN, name);
    expect(s.snooze).toMatchObject({ untilMs: T0 + 11 * MIN, by: 'bob' });
    expect(s.timeline.at(-1)!.text).toContain('replaces the snooze by Alice Liddell');
  });

  it('ends with a note saying why, once', () => {
    const s = opened();
    applySnooze(s, { actor: actor('alice'), durationMs: 30 * MIN }, T0, name);
    endSnooze(s, iso(T0 + MIN), 'acknowledged', name);
    endSnooze(s, iso(T0 + MIN), 'acknowledged', name);
    expect(s.timeline.at(-1)!.text).toBe('Snooze by Alice Liddell ended: acknowledged');
    expect(s.snooze).toBeUndefined();
    expect(s.timeline.filter((e) => e.data?.snoozeEnded)).toHaveLength(1);
  });

  it('has nothing to snooze on an acknowledged incident, and refuses someone off the roster', () => {
    const s = opened();
    expect(applySnooze(s, { actor: mallory, durationMs: 30 * MIN }, T0, name).outcome).toBe('refused');
    expect(s.snooze).toBeUndefined();
    applyAck(s, { actor: actor('alice') }, iso(T0), name);
    expect(applySnooze(s, { actor: actor('alice'), durationMs: 30 * MIN }, T0, name)).toMatchObject({ outcome: 'already', message: expect.stringContaining('already stopped') });
  });
});

describe('reopening', () => {
  const resolved = () => {
    const s = opened();
    resolveAs(s, 'alice', 'restarted', iso(T0), 'Resolved by Alice');
    return s;
  };

  it('reopens a resolved incident in its flap window with the person who reopened it as responder', () => {
    const s = resolved();
    const r = applyReopen(s, { actor: actor('bob'), reason: 'errors are back' }, iso(T0 + MIN), name, true);
    expect(r).toMatchObject({ outcome: 'done', status: 'acknowledged' });
    expect(s).toMatchObject({ status: 'acknowledged', assignee: 'bob', reopenCount: 1 });
    expect(s.resolvedAt).toBeUndefined();
    expect(s.resolvedBy).toBeUndefined();
    expect(s.timeline.at(-1)).toMatchObject({ type: 'reopened', actor: 'bob', text: 'Reopened by Bob Marley (local:bob): errors are back' });
  });

  it('says it cannot be reopened once the run is closing, and what to do instead', () => {
    const s = resolved();
    const r = applyReopen(s, { actor: actor('bob') }, iso(T0), name, false);
    expect(r.outcome).toBe('refused');
    expect(r.message).toMatch(/can no longer be reopened.*POST \/api\/anomalies/);
    expect(s.status).toBe('resolved');
  });

  it('has nothing to reopen on an open incident, and refuses someone off the roster (recorded)', () => {
    expect(applyReopen(opened(), { actor: actor('bob') }, iso(T0), name, true).outcome).toBe('already');
    const s = resolved();
    expect(applyReopen(s, { actor: mallory }, iso(T0), name, true).outcome).toBe('refused');
    expect(s.timeline.at(-1)).toMatchObject({ type: 'refused' });
    expect(s.status).toBe('resolved');
  });
});

describe('validators of the new Updates', () => {
  it('take the four severities and snoozes from 1 minute to 24 hours, in whole milliseconds', () => {
    expect(() => validateSeverity('critical')).not.toThrow();
    expect(() => validateSeverity('urgent')).toThrow(/one of info, warning, error, critical/);
    expect(() => validateSnoozeDuration(MIN)).not.toThrow();
    expect(() => validateSnoozeDuration(24 * 60 * MIN)).not.toThrow();
    for (const bad of [MIN - 1, 24 * 60 * MIN + 1, 1.5 * MIN + 0.5, '30m', undefined]) expect(() => validateSnoozeDuration(bad)).toThrow(/1m to 1d/);
  });
});
