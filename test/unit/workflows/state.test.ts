// The pure incident transitions around a resolve: who the responder is afterwards, and what the
// timeline says about a hand-off nobody took.
import { applyAck, applyHandoff, applyResolve, initialState, resolveAs } from '../../../workflows/state';
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
