// Signals, updates and the query of an incident. Registered before anything awaits, so nothing
// delivered in the first activation is lost. The rules themselves are the pure transitions of
// state.ts; a handler applies one and tells the run what changed.
import * as wf from '@temporalio/workflow';
import { acknowledgeUpdate, actionItemUpdate, handoffUpdate, noteSignal, occurrenceSignal, recoveredSignal, resolveUpdate, stateQuery, type Anomaly } from '../definitions';
import { nowIso } from '../clock';
import { addTimeline, applyAck, applyActionItem, applyFlap, applyHandoff, applyOccurrence, applyResolve, validateActor, validateText } from '../state';
import type { IncidentRun } from './context';
import { registerCommandHandlers } from './commands';
import { registerSilenceHandlers } from './silenced';
import { endSnooze } from '../state-commands';

export function registerHandlers(run: IncidentRun): void {
  const { s, name } = run;
  wf.setHandler(occurrenceSignal, async (a: Anomaly) => {
    if (s.status === 'resolved') {
      // Just resolved, postmortem still being written: the flap window is about to open, so hold
      // the recurrence for it (as /incident reopen does) instead of dropping it.
      if (!run.reopenable && (s.flapWindowMs ?? 0) > 0) await wf.condition(() => run.reopenable || run.stopping || s.status !== 'resolved');
      // Within the flap window a recurrence reopens this incident; otherwise it is a late straggler
      // of a closing run (a new run handles later recurrences).
      if (run.reopenable && s.status === 'resolved') {
        run.flapNotify = applyFlap(s, a, nowIso(), name);
        run.changed(true);
        return;
      }
      if (s.status === 'resolved') return; // reopened meanwhile by another recurrence: count this one below
    }
    applyOccurrence(s, a, nowIso());
    run.occurred = true;
    run.changed();
  });
  wf.setHandler(recoveredSignal, (r) => {
    if (s.status === 'resolved' || s.recovery) return;
    s.recovery = { observedAt: r.observedAt, receivedAt: nowIso(), message: r.message };
    addTimeline(s, { at: nowIso(), type: 'recovered', actor: 'system', text: `Recovery observed: ${r.message}` });
    run.changed();
  });
  // A person's accepted action (outcome `done`) updates the alert at once; a refusal only waits
  // for the debounce, and `already` changes nothing.
  wf.setHandler(
    acknowledgeUpdate,
    (u) => {
      const r = applyAck(s, u, nowIso(), name);
      if (r.outcome === 'done') endSnooze(s, nowIso(), 'acknowledged', name);
      if (r.outcome !== 'already') run.changed(r.outcome === 'done');
      return r;
    },
    { validator: (u) => validateActor(u?.actor) },
  );
  wf.setHandler(
    handoffUpdate,
    (u) => {
      const r = applyHandoff(s, u, nowIso(), name);
      if (r.outcome === 'done') endSnooze(s, nowIso(), 'handed off', name);
      if (r.outcome === 'done') run.wakeups++;
      if (r.outcome !== 'already') run.changed(r.outcome === 'done');
      return r;
    },
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateText(u.toRequested, 'toRequested', { required: true, max: 200 });
        validateText(u.note, 'note', { required: false, max: 2_000 });
      },
    },
  );
  wf.setHandler(
    resolveUpdate,
    (u) => {
      const r = applyResolve(s, u, nowIso(), name);
      if (r.outcome === 'done') endSnooze(s, nowIso(), 'resolved', name);
      if (r.outcome !== 'already') run.changed(r.outcome === 'done');
      return r;
    },
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateText(u.summary, 'summary', { required: true, max: 4_000 });
      },
    },
  );
  wf.setHandler(noteSignal, (n) => {
    addTimeline(s, { at: nowIso(), type: n.type, actor: n.actor, text: n.text });
  });
  wf.setHandler(
    actionItemUpdate,
    (u) => applyActionItem(s, u.actor, u.text.trim(), nowIso(), name),
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateText(u.text, 'text', { required: true, max: 2_000 });
      },
    },
  );
  registerCommandHandlers(run);
  registerSilenceHandlers(run);
  wf.setHandler(stateQuery, () => s);
}
