// Escalation is a loop over workflow time: page the level's on-call people (or a hand-off target),
// wait for an ack, a hand-off or a resolve until the level's delay ends, then escalate to the next
// level; after the last level, paging stops until someone acts. Nothing reads the wall clock, and
// `s.pagedFor` / `s.escalateAtMs` carry the position across continue-as-new, so no page repeats.
import * as wf from '@temporalio/workflow';
import type { EscalationStep } from '../../activities/config-lookups';
import { incidentKey } from '../definitions';
import { nowIso, nowMs } from '../clock';
import { addTimeline } from '../state';
import { applyEscalateNow, endSnooze } from '../state-commands';
import { failureMessage, type IncidentRun } from './context';
import { shouldContinueAsNew } from './continue-as-new';
import { lookups, urgentChat } from './proxies';

/** Returns when the incident is resolved or the run should continue as new. */
export async function escalate(run: IncidentRun): Promise<void> {
  const { s } = run;
  while (s.status !== 'resolved') {
    if (shouldContinueAsNew(run)) return;
    if (s.status === 'acknowledged') {
      await wf.condition(() => s.status !== 'acknowledged' || shouldContinueAsNew(run));
      continue;
    }
    // A hand-off bumps `run.wakeups`: every wait below restarts the loop for the new responder.
    const wake = run.wakeups;
    if (s.level === 0) {
      s.level = 1;
      s.repeat = 0;
    }
    let step: EscalationStep;
    try {
      step = await lookups.escalationStep({ policyId: s.policyId, level: s.level, repeat: s.repeat, atMs: nowMs() });
    } catch (err) {
      // e.g. the policy was removed from the config: say so, keep the incident open for people.
      addTimeline(s, { at: nowIso(), type: 'page-failed', actor: 'system', text: `Escalation stopped: ${failureMessage(err)}` });
      run.changed();
      await wf.condition(() => s.status !== 'triggered' || run.wakeups !== wake || escalateAsked(run) || shouldContinueAsNew(run));
      answerEscalate(run, 'Escalation is stopped: the escalation policy could not be read (the timeline says why). Hand the incident to someone (/handoff @person).');
      continue;
    }
    // A flap reopen pages the level it stood at once more: its own key (absent before flapping existed).
    const pageKey = s.handoffPendingTo ? `handoff${s.handoffCount ?? 0}` : `L${s.level}R${s.repeat}${s.flapCount ? `F${s.flapCount}` : ''}`;
    if (s.pagedFor !== pageKey) {
      const targets = s.handoffPendingTo ? [{ personId: s.handoffPendingTo, name: run.name(s.handoffPendingTo) }] : step.targets;
      if (!s.handoffPendingTo) s.assignee = targets[0]?.personId;
      await page(run, targets, pageKey, step.via);
      s.pagedFor = pageKey;
      s.escalateAtMs = nowMs() + step.delayMs;
      run.changed();
    }
    if (s.status !== 'triggered' || run.wakeups !== wake) continue;
    // A snooze moves the deadline to its end; `/incident escalate` ends the wait at once.
    const acted = await wf.condition(
      () => s.status !== 'triggered' || run.wakeups !== wake || escalateAsked(run) || shouldContinueAsNew(run),
      Math.max(0, Math.max(s.escalateAtMs ?? nowMs(), s.snooze?.untilMs ?? 0) - nowMs()),
    );
    const asked = escalateAsked(run) && s.status === 'triggered' && run.wakeups === wake;
    if (asked) {
      const req = run.escalateRequest!;
      if (!step.next) {
        req.answer = { outcome: 'already', message: `Level ${s.level} is the last level of the escalation policy and everyone on it has been paged. Hand the incident to someone (/handoff @person).`, status: s.status };
      } else {
        req.answer = applyEscalateNow(s, req.actor, step.next, nowIso(), run.name);
        run.changed(true);
      }
      continue;
    }
    if (acted) continue;
    if (s.snooze) {
      if (s.snooze.untilMs > nowMs()) continue;
      endSnooze(s, nowIso(), 'its time is up; escalation goes on', run.name);
    }
    if (!step.next) {
      if (s.pagedFor !== 'exhausted') {
        addTimeline(s, { at: nowIso(), type: 'escalated', actor: 'system', text: 'Escalation policy exhausted: nobody acknowledged; paging stops until someone acts' });
        s.pagedFor = 'exhausted';
        run.changed();
      }
      await wf.condition(() => s.status !== 'triggered' || run.wakeups !== wake || shouldContinueAsNew(run));
      continue;
    }
    const from = s.level;
    s.level = step.next.level;
    s.repeat = step.next.repeat;
    s.handoffPendingTo = undefined;
    addTimeline(s, { at: nowIso(), type: 'escalated', actor: 'system', text: `No acknowledgement: escalating from level ${from} to level ${s.level}${s.repeat ? ` (repeat ${s.repeat})` : ''}`, data: { level: s.level, repeat: s.repeat } });
    run.changed();
  }
}

/** `/incident escalate` is waiting for this loop's answer. */
function escalateAsked(run: IncidentRun): boolean {
  return !!run.escalateRequest && run.escalateRequest.answer === undefined;
}

function answerEscalate(run: IncidentRun, message: string): void {
  if (escalateAsked(run)) run.escalateRequest!.answer = { outcome: 'already', message, status: run.s.status };
}

/** Pages each target once (idempotency key: incident, page key, person); failures go to the timeline. */
async function page(run: IncidentRun, targets: { personId: string; name: string }[], pageKey: string, via: string[]): Promise<void> {
  const { s } = run;
  if (targets.length === 0) {
    addTimeline(s, { at: nowIso(), type: 'page-failed', actor: 'system', text: `Nobody is on call for level ${s.level} of policy ${s.policyId}` });
    return;
  }
  for (const t of targets) {
    // Someone acted while earlier targets were paged: page nobody else.
    if (s.status !== 'triggered') return;
    const text = `you are paged for ${s.kind} on ${(s.owner ?? s.resource).kind}/${(s.owner ?? s.resource).name} in ${s.cluster} (${s.severity}). Reply /ack to take it.`;
    try {
      const receipt = await urgentChat(s.severity).pagePerson({ incidentId: s.id, key: `${incidentKey(s)}/page/${pageKey}/${t.personId}`, personId: t.personId, refs: s.messages, text, via, severity: s.severity });
      addTimeline(s, { at: nowIso(), type: 'paged', actor: 'system', text: `Paged ${t.name} (level ${s.level}) via ${receipt.delivered.join(', ')}`, data: { personId: t.personId, level: s.level, repeat: s.repeat } });
    } catch (err) {
      addTimeline(s, { at: nowIso(), type: 'page-failed', actor: 'system', text: `Paging ${t.name} failed: ${failureMessage(err)}`, data: { personId: t.personId } });
    }
  }
}
