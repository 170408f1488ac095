// The Updates of the commands on-call people reach for (issue 14 item 5): setSeverity, escalateNow,
// snooze and reopen. Validators reject only malformed calls; the rules are the pure transitions of
// state-commands.ts. None of these existed before, so no recorded history replays through them.
import * as wf from '@temporalio/workflow';
import { escalateNowUpdate, reopenUpdate, setSeverityUpdate, snoozeUpdate, type CommandResult } from '../definitions';
import { nowIso, nowMs } from '../clock';
import { validateActor, validateText } from '../state';
import { applyReopen, applySeverity, applySnooze, checkEscalate, validateSeverity, validateSnoozeDuration } from '../state-commands';
import type { IncidentRun } from './context';
import { shouldContinueAsNew } from './continue-as-new';

export function registerCommandHandlers(run: IncidentRun): void {
  const { s, name } = run;
  wf.setHandler(
    setSeverityUpdate,
    (u) => {
      const r = applySeverity(s, u, nowIso(), name);
      if (r.outcome !== 'already') run.changed(r.outcome === 'done'); // search attribute and card at once
      return r;
    },
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateSeverity(u.severity);
      },
    },
  );
  wf.setHandler(
    snoozeUpdate,
    (u) => {
      const r = applySnooze(s, u, nowMs(), name);
      // The escalation wait restarts with the snooze's end as its deadline (a shorter snooze too).
      if (r.outcome === 'done') run.wakeups++;
      if (r.outcome !== 'already') run.changed(r.outcome === 'done');
      return r;
    },
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateSnoozeDuration(u.durationMs);
      },
    },
  );
  wf.setHandler(
    reopenUpdate,
    async (u) => {
      // Just resolved, postmortem still being written: the flap window is about to open, so wait
      // for it (or for the run to close) instead of answering "too late" too early.
      if (s.status === 'resolved' && !run.reopenable && (s.flapWindowMs ?? 0) > 0) await wf.condition(() => run.reopenable || run.stopping || s.status !== 'resolved');
      const r = applyReopen(s, u, nowIso(), name, run.reopenable);
      if (r.outcome !== 'already') run.changed(r.outcome === 'done');
      return r;
    },
    {
      validator: (u) => {
        validateActor(u?.actor);
        validateText(u.reason, 'reason', { required: false, max: 2_000 });
      },
    },
  );
  // The escalation loop alone knows the ladder: the handler hands it the request and waits for its
  // answer (a condition, no timer: waiting adds no command).
  wf.setHandler(
    escalateNowUpdate,
    async (u): Promise<CommandResult> => {
      const stop = checkEscalate(s, u.actor, nowIso(), name);
      if (stop) {
        if (stop.outcome === 'refused') run.changed();
        return stop;
      }
      if (run.escalateRequest) return { outcome: 'already', message: 'An escalation is already under way; the next level is being paged.', status: s.status };
      const req: NonNullable<IncidentRun['escalateRequest']> = { actor: u.actor };
      run.escalateRequest = req;
      await wf.condition(() => req.answer !== undefined || s.status !== 'triggered' || shouldContinueAsNew(run));
      if (run.escalateRequest === req) run.escalateRequest = undefined;
      return req.answer ?? { outcome: 'already', message: `Not escalated: the incident is ${s.status} now.`, status: s.status };
    },
    { validator: (u) => validateActor(u?.actor) },
  );
}
