// The pure incident transitions of workflows/state.ts, without Temporal: opening, occurrences,
// ack, hand-off, resolve (who the responder is afterwards, what the timeline says about a hand-off
// nobody took), action items, and the refusals and no-ops of each. Validators last.
import {
  addTimeline,
  applyAck,
  applyActionItem,
  applyHandoff,
  applyOccurrence,
  applyResolve,
  initialState,
  MAX_SAMPLES,
  resolveAs,
  validateActor,
  validateText,
} from '../../../workflows/state';
import type { IncidentState } from '../../../workflows/definitions';
import { buildIncidentMessage, renderText } from '../../../activities/chat/message';
import { anomaly } from '../../helpers/anomaly';
import { actor } from '../../helpers/actors';

const NAMES: Record<string, string> = { alice: 'Alice Liddell', bob: 'Bob Marley', carol: 'Carol Danvers' };
const name = (id: string) => NAMES[id] ?? id;
const at = (minute: number) => `2026-12-05T10:${String(minute).padStart(2, '0')}:00.000Z`;

function opened(): IncidentState {
  const s = initialState('incident/test/fp', anomaly({ fingerprint: 'fp' }), at(0));
  s.assignee = 'alice'; // paged at level 1
  return s;
}

/** Alice acks, hands off to Bob, and Bob never acknowledges. */
function handedOffToBob(): IncidentState {
  const s = opened();
  expect(applyAck(s, { actor: actor('alice') }, at(1), name).outcome).toBe('done');
  expect(applyHandoff(s, { actor: actor('alice'), to: 'bob', toRequested: '@bob', note: 'shift ends' }, at(2), name).outcome).toBe('done');
  expect(s).toMatchObject({ status: 'triggered', assignee: 'bob', handoffPendingTo: 'bob' });
  return s;
}

describe('resolving an incident', () => {
  it('makes the person who resolved it the responder when a hand-off was still pending', () => {
    const s = handedOffToBob();
    expect(applyResolve(s, { actor: actor('alice'), summary: 'rolled back' }, at(3), name).outcome).toBe('done');
    expect(s).toMatchObject({ status: 'resolved', assignee: 'alice', resolvedBy: 'alice' });
    expect(s.handoffPendingTo).toBeUndefined();
  });

  it('records the cancelled hand-off in the timeline before the resolution', () => {
    const s = handedOffToBob();
    applyResolve(s, { actor: actor('alice'), summary: 'rolled back' }, at(3), name);
    const [cancelled, resolved] = s.timeline.slice(-2);
    expect(cancelled).toMatchObject({ type: 'note', actor: 'alice', data: { handoffCancelled: 'bob' } });
    expect(cancelled!.text).toBe('Hand-off to Bob Marley cancelled: Alice Liddell resolved the incident before Bob Marley acknowledged');
    expect(resolved).toMatchObject({ type: 'resolved', actor: 'alice' });
  });

  it('shows the resolver as the responder on the card, not the hand-off target', () => {
    const s = handedOffToBob();
    applyResolve(s, { actor: actor('alice'), summary: 'rolled back' }, at(3), name);
    const text = renderText(buildIncidentMessage(s, { names: NAMES }));
    expect(text).toContain('responder Alice Liddell');
    expect(text).not.toContain('Bob Marley');
  });

  it('keeps the acknowledging responder when someone else (an admin) resolves', () => {
    const s = opened();
    applyAck(s, { actor: actor('alice') }, at(1), name);
    applyResolve(s, { actor: actor('carol', ['admin']), summary: 'fixed upstream' }, at(2), name);
    expect(s).toMatchObject({ assignee: 'alice', resolvedBy: 'carol' });
    expect(s.timeline.some((e) => e.data?.handoffCancelled)).toBe(false);
  });

  it('names the person who resolved an unacknowledged incident instead of the one being paged', () => {
    const s = opened();
    applyResolve(s, { actor: actor('bob'), summary: 'false alarm' }, at(1), name);
    expect(s).toMatchObject({ assignee: 'bob', resolvedBy: 'bob' });
  });

  it('gives a recovery during a pending hand-off back to the last person who acknowledged', () => {
    const s = handedOffToBob();
    resolveAs(s, 'system', 'Recovered', at(3), 'Auto-resolved', name);
    expect(s).toMatchObject({ status: 'resolved', assignee: 'alice', resolvedBy: 'system' });
    expect(s.timeline.at(-2)!.text).toBe('Hand-off to Bob Marley cancelled: the incident recovered before Bob Marley acknowledged');
  });

  it('leaves no responder when an incident recovers before anyone acknowledged', () => {
    const s = opened();
    resolveAs(s, 'system', 'Recovered', at(1), 'Auto-resolved', name);
    expect(s.assignee).toBeUndefined();
  });
});

const lastEntry = (s: IncidentState) => s.timeline.at(-1)!;

describe('opening an incident', () => {
  it('starts triggered at level 0 with the anomaly as its identity and one detected entry', () => {
    const a = anomaly({ fingerprint: 'fp', observedAt: at(0) });
    const s = initialState('incident/test/fp', a, at(1));
    expect(s).toMatchObject({
      id: 'incident/test/fp', cluster: 'test', fingerprint: 'fp', kind: 'CrashLoopBackOff', status: 'triggered', severity: 'error',
      namespace: 'shop', openedAt: at(1), level: 0, repeat: 0, responders: [], messages: [], generation: 0,
      autoResolve: { enabled: false, quietPeriodMs: 0 },
    });
    expect(s.occurrences).toEqual({ count: 0, firstSeen: at(0), lastSeen: at(0), samples: [] });
    expect(s.timeline).toEqual([{ at: at(1), type: 'detected', actor: 'system', text: 'CrashLoopBackOff detected on Pod/checkout-7d9f-abc: BackOff' }]);
  });

  it("takes the namespace from the resource when the anomaly has no owner", () => {
    const s = initialState('incident/test/fp', anomaly({ owner: undefined, resource: { kind: 'Node', name: 'n1', namespace: 'kube-system' } }), at(0));
    expect(s.namespace).toBe('kube-system');
  });

  it('appends timeline entries in order', () => {
    const s = opened();
    addTimeline(s, { at: at(1), type: 'note', actor: 'alice', text: 'first' });
    addTimeline(s, { at: at(2), type: 'note', actor: 'alice', text: 'second' });
    expect(s.timeline.slice(-2).map((e) => e.text)).toEqual(['first', 'second']);
  });
});

describe('an occurrence', () => {
  it('adds its coalesced count (1 when absent) and widens first and last seen', () => {
    const s = initialState('incident/test/fp', anomaly({ fingerprint: 'fp', observedAt: at(1) }), at(1));
    applyOccurrence(s, anomaly({ observedAt: at(5) }), at(5));
    applyOccurrence(s, anomaly({ observedAt: at(7), count: 40 }), at(7));
    applyOccurrence(s, anomaly({ observedAt: '2026-12-05T09:59:00.000Z' }), at(8));
    expect(s.occurrences).toMatchObject({ count: 42, firstSeen: '2026-12-05T09:59:00.000Z', lastSeen: at(7) });
  });

  it(`keeps only the last ${MAX_SAMPLES} samples and the newest reason and message`, () => {
    const s = opened();
    for (let i = 1; i <= MAX_SAMPLES + 3; i++) applyOccurrence(s, anomaly({ observedAt: at(i), reason: `reason ${i}`, message: `message ${i}` }), at(i));
    expect(s.occurrences.samples.map((x) => x.reason)).toEqual([4, 5, 6, 7, 8].map((i) => `reason ${i}`));
    expect(s).toMatchObject({ reason: `reason ${MAX_SAMPLES + 3}`, message: `message ${MAX_SAMPLES + 3}` });
  });

  it('raises the severity and says so, but never lowers it', () => {
    const s = opened();
    applyOccurrence(s, anomaly({ severity: 'critical' }), at(1));
    expect(s.severity).toBe('critical');
    expect(lastEntry(s)).toMatchObject({ type: 'note', actor: 'system', text: 'Severity raised from error to critical' });
    const entries = s.timeline.length;
    applyOccurrence(s, anomaly({ severity: 'warning' }), at(2));
    expect(s.severity).toBe('critical');
    expect(s.timeline).toHaveLength(entries);
  });

  it('does not raise the severity of a resolved incident', () => {
    const s = opened();
    resolveAs(s, 'alice', 'done', at(1), 'Resolved', name);
    applyOccurrence(s, anomaly({ severity: 'critical' }), at(2));
    expect(s.severity).toBe('error');
  });

  it('cancels an observed recovery, records the recurrence and reports it', () => {
    const s = opened();
    s.recovery = { observedAt: at(1), receivedAt: at(1), message: 'pods ready' };
    expect(applyOccurrence(s, anomaly({ reason: 'BackOff again' }), at(2))).toBe(true);
    expect(s.recovery).toBeUndefined();
    expect(lastEntry(s)).toMatchObject({ type: 'recurred', text: 'Recurred after recovery: BackOff again' });
  });

  it('reports no recurrence when nothing was recovering', () => {
    expect(applyOccurrence(opened(), anomaly(), at(1))).toBe(false);
  });
});

describe('acknowledging', () => {
  it('moves a triggered incident to acknowledged with the person as responder', () => {
    const s = opened();
    const r = applyAck(s, { actor: actor('bob') }, at(1), name);
    expect(r).toEqual({ outcome: 'done', message: 'Acknowledged by Bob Marley. Escalation stopped.', status: 'acknowledged' });
    expect(s).toMatchObject({ status: 'acknowledged', acknowledgedAt: at(1), assignee: 'bob', responders: ['bob'] });
    expect(lastEntry(s)).toMatchObject({ type: 'acknowledged', actor: 'bob', text: 'Acknowledged by Bob Marley (local:bob)' });
  });

  it('answers "already" to a second ack by the responder and by someone else, without a timeline entry', () => {
    const s = opened();
    applyAck(s, { actor: actor('alice') }, at(1), name);
    const entries = s.timeline.length;
    expect(applyAck(s, { actor: actor('alice') }, at(2), name)).toMatchObject({ outcome: 'already', message: 'You already acknowledged this incident.' });
    expect(applyAck(s, { actor: actor('bob') }, at(2), name)).toMatchObject({ outcome: 'already', message: 'Already acknowledged by Alice Liddell.' });
    expect(s).toMatchObject({ assignee: 'alice', acknowledgedAt: at(1) });
    expect(s.timeline).toHaveLength(entries);
  });

  it('answers "already" to an ack of a resolved incident and names who resolved it', () => {
    const s = opened();
    applyResolve(s, { actor: actor('bob'), summary: 'fixed' }, at(1), name);
    const entries = s.timeline.length;
    expect(applyAck(s, { actor: actor('alice') }, at(2), name)).toEqual({ outcome: 'already', message: 'This incident is already resolved by Bob Marley.', status: 'resolved' });
    expect(s.timeline).toHaveLength(entries);
  });

  it('refuses someone who is not on the roster and records the refusal in the timeline', () => {
    const s = opened();
    const r = applyAck(s, { actor: actor(null) }, at(1), name);
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain('not on the roster');
    expect(s.status).toBe('triggered');
    expect(lastEntry(s)).toMatchObject({ type: 'refused', actor: 'local:mallory' });
    expect(lastEntry(s).text).toMatch(/^Refused ack by local:mallory \(local:mallory\): You \(local:mallory\) are not on the roster/);
  });

  it('refuses a roster person without any role', () => {
    const s = opened();
    expect(applyAck(s, { actor: actor('dave', []) }, at(1), name)).toMatchObject({ outcome: 'refused', status: 'triggered' });
    expect(lastEntry(s)).toMatchObject({ type: 'refused', actor: 'dave' });
  });

  it('keeps the first acknowledgement time when the incident is acknowledged again after a hand-off', () => {
    const s = handedOffToBob();
    applyAck(s, { actor: actor('bob') }, at(4), name);
    expect(s).toMatchObject({ status: 'acknowledged', assignee: 'bob', acknowledgedAt: at(1), responders: ['alice', 'bob'] });
    expect(s.handoffPendingTo).toBeUndefined();
  });
});

describe('handing off', () => {
  it('puts the incident back to triggered with the target pending and the note in the timeline', () => {
    const s = handedOffToBob();
    expect(s).toMatchObject({ handoffCount: 1, responders: ['alice', 'bob'] });
    expect(lastEntry(s)).toMatchObject({
      type: 'handoff', actor: 'alice', text: 'Handed off from Alice Liddell to Bob Marley by Alice Liddell: shift ends',
      data: { from: 'alice', to: 'bob', note: 'shift ends' },
    });
  });

  it('answers "already being paged" when an admin repeats the pending hand-off', () => {
    const s = handedOffToBob();
    const r = applyHandoff(s, { actor: actor('carol', ['admin']), to: 'bob', toRequested: '@bob' }, at(3), name);
    expect(r).toMatchObject({ outcome: 'already', message: 'Bob Marley is already being paged for this incident.' });
    expect(s.handoffCount).toBe(1);
  });

  it('refuses a hand-off to yourself', () => {
    const s = opened();
    applyAck(s, { actor: actor('alice') }, at(1), name);
    const r = applyHandoff(s, { actor: actor('alice'), to: 'alice', toRequested: '@alice' }, at(2), name);
    expect(r).toMatchObject({ outcome: 'refused', message: 'You cannot hand off an incident to yourself. Name someone else on the roster.', status: 'acknowledged' });
    expect(s).toMatchObject({ status: 'acknowledged', assignee: 'alice' });
    expect(lastEntry(s)).toMatchObject({ type: 'refused', actor: 'alice' });
  });

  it('refuses a target who is not on the roster, quoting what was typed', () => {
    const s = opened();
    applyAck(s, { actor: actor('alice') }, at(1), name);
    const r = applyHandoff(s, { actor: actor('alice'), to: null, toRequested: '@zed' }, at(2), name);
    expect(r).toMatchObject({ outcome: 'refused', message: 'Cannot hand off to "@zed": no such person on the roster.' });
  });

  it('refuses a second hand-off by the person who already handed the incident off', () => {
    const s = handedOffToBob();
    const r = applyHandoff(s, { actor: actor('alice'), to: 'bob', toRequested: '@bob' }, at(3), name);
    expect(r).toMatchObject({ outcome: 'refused', message: 'Only the current responder (bob) or an admin can hand off this incident.' });
    expect(s.handoffCount).toBe(1);
  });

  it('refuses someone who is neither the responder nor an admin', () => {
    const s = opened();
    applyAck(s, { actor: actor('alice') }, at(1), name);
    const r = applyHandoff(s, { actor: actor('bob'), to: 'carol', toRequested: '@carol' }, at(2), name);
    expect(r).toMatchObject({ outcome: 'refused', message: 'Only the current responder (alice) or an admin can hand off this incident.' });
    expect(s.assignee).toBe('alice');
  });

  it('lets an admin hand off an incident they do not hold', () => {
    const s = opened();
    applyAck(s, { actor: actor('alice') }, at(1), name);
    expect(applyHandoff(s, { actor: actor('carol', ['admin']), to: 'bob', toRequested: '@bob' }, at(2), name).outcome).toBe('done');
    expect(lastEntry(s).text).toBe('Handed off from Alice Liddell to Bob Marley by Carol Danvers');
  });

  it('answers "already" for a resolved incident', () => {
    const s = opened();
    applyResolve(s, { actor: actor('alice'), summary: 'fixed' }, at(1), name);
    const r = applyHandoff(s, { actor: actor('alice'), to: 'bob', toRequested: '@bob' }, at(2), name);
    expect(r).toEqual({ outcome: 'already', message: 'This incident is already resolved; there is nothing to hand off.', status: 'resolved' });
  });
});

describe('resolving refusals and repeats', () => {
  it('answers "already resolved" with who resolved it, without a timeline entry', () => {
    const s = opened();
    applyResolve(s, { actor: actor('alice'), summary: 'fixed' }, at(1), name);
    const entries = s.timeline.length;
    expect(applyResolve(s, { actor: actor('bob'), summary: 'again' }, at(2), name)).toEqual({ outcome: 'already', message: 'Already resolved by Alice Liddell.', status: 'resolved' });
    expect(s).toMatchObject({ resolvedBy: 'alice', summary: 'fixed', resolvedAt: at(1) });
    expect(s.timeline).toHaveLength(entries);
  });

  it('refuses a responder who does not hold an acknowledged incident', () => {
    const s = opened();
    applyAck(s, { actor: actor('alice') }, at(1), name);
    const r = applyResolve(s, { actor: actor('bob'), summary: 'mine now' }, at(2), name);
    expect(r).toMatchObject({ outcome: 'refused', status: 'acknowledged' });
    expect(r.message).toBe('This incident is acknowledged by alice; only alice or an admin can resolve it.');
    expect(lastEntry(s)).toMatchObject({ type: 'refused', actor: 'bob' });
  });

  it('lets the pending hand-off target resolve', () => {
    const s = handedOffToBob();
    expect(applyResolve(s, { actor: actor('bob'), summary: 'done' }, at(3), name)).toMatchObject({ outcome: 'done', status: 'resolved' });
    expect(s).toMatchObject({ resolvedBy: 'bob', summary: 'done', resolvedAt: at(3) });
  });

  it('records the resolve in the timeline with the summary', () => {
    const s = opened();
    applyResolve(s, { actor: actor('bob'), summary: 'rolled back' }, at(1), name);
    expect(lastEntry(s)).toEqual({ at: at(1), type: 'resolved', actor: 'bob', text: 'Resolved by Bob Marley: rolled back' });
    expect(s.responders).toEqual(['bob']);
  });
});

describe('action items', () => {
  it('collects an item for the postmortem and records it in the timeline', () => {
    const s = opened();
    const r = applyActionItem(s, actor('bob'), 'pin image tags', at(1), name);
    expect(r).toEqual({ outcome: 'done', message: 'Action item recorded for the postmortem: pin image tags', status: 'triggered' });
    expect(s.actionItems).toEqual([{ text: 'pin image tags', by: 'bob', at: at(1) }]);
    expect(lastEntry(s)).toMatchObject({ type: 'action-item', actor: 'bob', text: 'Action item by Bob Marley: pin image tags' });
  });

  it('still collects items after the incident is resolved', () => {
    const s = opened();
    applyResolve(s, { actor: actor('bob'), summary: 'fixed' }, at(1), name);
    expect(applyActionItem(s, actor('bob'), 'add an alert', at(2), name).outcome).toBe('done');
    expect(s.actionItems).toHaveLength(1);
  });

  it('refuses someone who is not on the roster and records the refusal', () => {
    const s = opened();
    const r = applyActionItem(s, actor(null), 'hack', at(1), name);
    expect(r).toMatchObject({ outcome: 'refused', message: 'You (local:mallory) are not on the roster for this incident, so you cannot add action items.' });
    expect(s.actionItems).toBeUndefined();
    expect(lastEntry(s)).toMatchObject({ type: 'refused', actor: 'local:mallory' });
  });
});

describe('validators (malformed calls only)', () => {
  it('accepts a complete actor, even one not on the roster', () => {
    expect(() => validateActor(actor(null))).not.toThrow();
  });

  it.each([
    ['a missing actor', undefined],
    ['an empty via', { ...actor('alice'), via: '' }],
    ['a missing display name', { ...actor('alice'), display: undefined as unknown as string }],
    ['roles that are not a list', { ...actor('alice'), roles: 'admin' as unknown as [] }],
  ])('rejects %s and says what an actor needs', (_what, value) => {
    expect(() => validateActor(value)).toThrow('actor is required: { personId, roles, via, display }');
  });

  it('rejects missing or blank required text and accepts absent optional text', () => {
    expect(() => validateText(undefined, 'summary', { required: true, max: 10 })).toThrow('summary is required and must be non-empty text');
    expect(() => validateText('   ', 'summary', { required: true, max: 10 })).toThrow('summary is required and must be non-empty text');
    expect(() => validateText(42, 'note', { required: false, max: 10 })).toThrow('note is required and must be non-empty text');
    expect(() => validateText(undefined, 'note', { required: false, max: 10 })).not.toThrow();
    expect(() => validateText('ok', 'summary', { required: true, max: 10 })).not.toThrow();
  });

  it('rejects text over the limit and names the limit', () => {
    expect(() => validateText('x'.repeat(11), 'note', { required: false, max: 10 })).toThrow('note is longer than 10 characters');
    expect(() => validateText('x'.repeat(10), 'note', { required: false, max: 10 })).not.toThrow();
  });
});
