// An active snooze (/incident snooze) on the neutral message every platform renders: its end and
// who snoozed it while it lasts, nothing once it ended. The state comes from the workflow's own
// transitions (applySnooze, endSnooze), so the card follows what the workflow really records.
import { join } from 'node:path';
import { buildIncidentMessage, renderText, snoozeLabel } from '../../../activities/chat/message';
import type { Actor } from '../../../workflows/definitions';
import { applySnooze, endSnooze } from '../../../workflows/state-commands';
import { CONTEXT, SNOOZE, SNOOZED_ENTRY, baseState, lifecycleStates } from '../platforms/slack/fixtures';
import { expectGolden } from './golden';

const bob: Actor = { personId: 'bob', roles: ['responder'], via: 'slack:U0BOB01', display: 'Bob Marley' };
const names = (id: string) => CONTEXT.names[id] ?? id;
const NOW = Date.parse('2026-03-02T13:05:00.000Z');

describe('the snooze on the incident message', () => {
  it('shows who snoozed escalation and until when while the snooze lasts, and drops it when the snooze ends', () => {
    const s = baseState();
    expect(applySnooze(s, { actor: bob, durationMs: 45 * 60_000 }, NOW, names).outcome).toBe('done');
    const snoozed = buildIncidentMessage(s, CONTEXT);
    expect(snoozed.snooze).toEqual({ until: '2026-03-02T13:50:00.000Z', by: 'Bob Marley', label: 'Snoozed until 13:50 UTC (by Bob Marley)' });
    expect(renderText(snoozed).split('\n')).toContain('Snoozed until 13:50 UTC (by Bob Marley)');

    endSnooze(s, '2026-03-02T13:50:00.000Z', 'its time is up; escalation goes on', names);
    const after = buildIncidentMessage(s, CONTEXT);
    expect(after.snooze).toBeUndefined();
    expect(renderText(after)).not.toContain('Snoozed');
  });

  it('is not shown once the incident is acknowledged or resolved, whatever the state still holds', () => {
    for (const status of ['acknowledged', 'resolved'] as const) expect(buildIncidentMessage({ ...baseState(), status, snooze: SNOOZE }, CONTEXT).snooze).toBeUndefined();
  });

  it('names the day when the snooze ends on another UTC day than it began', () => {
    expect(snoozeLabel('2026-03-03T09:00:00.000Z', 'Bob Marley', '2026-03-02T21:00:00.000Z')).toBe('Snoozed until 09:00 UTC on 2026-03-03 (by Bob Marley)');
    expect(snoozeLabel('2026-03-02T23:59:00.000Z', 'Bob Marley', '2026-03-02T21:00:00.000Z')).toBe('Snoozed until 23:59 UTC (by Bob Marley)');
    const late = { ...baseState(), snooze: { ...SNOOZE, until: '2026-03-03T00:10:00.000Z' }, timeline: [{ ...SNOOZED_ENTRY, at: '2026-03-02T23:40:00.000Z' }] };
    expect(buildIncidentMessage(late, CONTEXT).snooze!.label).toBe('Snoozed until 00:10 UTC on 2026-03-03 (by Bob Marley)');
  });

  it('is a line of the local chat message text exactly as golden/snoozed.txt', () => {
    expectGolden(join(__dirname, '..', 'platforms', 'local', 'golden', 'snoozed.txt'), renderText(buildIncidentMessage(lifecycleStates().snoozed!, CONTEXT)));
  });
});
