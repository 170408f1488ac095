// Pure transitions of the chat commands on-call people reach for (issue 14 item 5): severity,
// escalate now, snooze and reopen. Same shape as state.ts: time comes in, a CommandResult goes out,
// refusals by authorization are recorded in the timeline (an Update validator leaves no trace).
import type { Actor, CommandResult, IncidentCommand, IncidentState, ReopenInput, SeverityInput, SnoozeInput } from './definitions';
import { SEVERITIES, SNOOZE_LIMITS_MS } from './definitions';
import { formatDuration } from '../config/duration';
import { addTimeline } from './state';
import { authorize } from './policy/authorize';

type Names = (id: string) => string;

const VERB: Record<IncidentCommand, string> = { severity: 'severity change', escalate: 'escalation', snooze: 'snooze', reopen: 'reopen' };

function refuse(s: IncidentState, command: IncidentCommand, actor: Actor, reason: string, nowIso: string): CommandResult {
  addTimeline(s, { at: nowIso, type: 'refused', actor: actor.personId ?? actor.via, text: `Refused ${VERB[command]} by ${actor.display} (${actor.via}): ${reason}` });
  return { outcome: 'refused', message: reason, status: s.status };
}

const already = (s: IncidentState, message: string): CommandResult => ({ outcome: 'already', message, status: s.status });

/**
 * The checks every command makes before it changes anything: a resolved incident answers `already`
 * (like an ack), then authorization (recorded when refused). Undefined means "go ahead".
 */
function gate(s: IncidentState, command: Exclude<IncidentCommand, 'reopen'>, actor: Actor, nowIso: string, resolvedMessage: string): CommandResult | undefined {
  if (s.status === 'resolved') return already(s, resolvedMessage);
  const auth = authorize(command, actor, s);
  if (!auth.allowed) return refuse(s, command, actor, auth.reason, nowIso);
  return undefined;
}

export function applySeverity(s: IncidentState, input: SeverityInput, nowIso: string, name: Names): CommandResult {
  const { actor, severity } = input;
  const stop = gate(s, 'severity', actor, nowIso, `This incident is already resolved; its severity stays ${s.severity}. Reopen it first (/incident reopen) if the problem is back.`);
  if (stop) return stop;
  if (s.severity === severity) return already(s, `The severity is already ${severity}.`);
  const from = s.severity;
  const person = actor.personId!;
  s.severity = severity;
  addTimeline(s, { at: nowIso, type: 'severity', actor: person, text: `Severity changed from ${from} to ${severity} by ${name(person)} (${actor.via})`, data: { from, to: severity } });
  return { outcome: 'done', message: `Severity set to ${severity} (was ${from}) by ${name(person)}.`, status: s.status };
}

/**
 * Whether `/incident escalate` can page the next level now. Undefined: yes, and the escalation loop
 * (which alone knows the ladder) moves on and answers; otherwise the answer itself.
 */
export function checkEscalate(s: IncidentState, actor: Actor, nowIso: string, name: Names): CommandResult | undefined {
  const stop = gate(s, 'escalate', actor, nowIso, 'This incident is already resolved; there is nobody to escalate to.');
  if (stop) return stop;
  if (s.status === 'acknowledged')
    return already(s, `${s.assignee ? name(s.assignee) : 'Someone'} acknowledged this incident, so escalation is stopped. To bring in someone else, hand it off (/handoff @person).`);
  if (s.pagedFor === 'exhausted') return already(s, 'Every level of the escalation policy has been paged already. Hand the incident to someone (/handoff @person).');
  // Held back by a silence (issue 14 item 3): nobody is paged before it ends, not even on request.
  if (s.silenced && !s.silenced.ended)
    return already(s, `Silence ${s.silenced.id} holds this incident back until ${s.silenced.until}, so nobody is paged before then. Remove the silence (/incident unsilence ${s.silenced.id}) to alert and page now.`);
  return undefined;
}

/** The loop's half of `/incident escalate`: the position moves on and the timeline names who asked. */
export function applyEscalateNow(s: IncidentState, actor: Actor, next: { level: number; repeat: number }, nowIso: string, name: Names): CommandResult {
  const from = s.level;
  const person = actor.personId!;
  s.level = next.level;
  s.repeat = next.repeat;
  s.handoffPendingTo = undefined;
  endSnooze(s, nowIso, `${name(person)} escalated`, name);
  const to = `level ${s.level}${s.repeat ? ` (repeat ${s.repeat})` : ''}`;
  addTimeline(s, { at: nowIso, type: 'escalated', actor: person, text: `Escalated by ${name(person)} (${actor.via}) from level ${from} to ${to}`, data: { level: s.level, repeat: s.repeat, by: person } });
  return { outcome: 'done', message: `Escalated to ${to} by ${name(person)}: paging it now.`, status: s.status };
}

export function applySnooze(s: IncidentState, input: SnoozeInput, nowMs: number, name: Names): CommandResult {
  const { actor, durationMs } = input;
  const nowIso = new Date(nowMs).toISOString();
  const stop = gate(s, 'snooze', actor, nowIso, 'This incident is already resolved; there is no escalation to snooze.');
  if (stop) return stop;
  if (s.status === 'acknowledged') return already(s, `${s.assignee ? name(s.assignee) : 'Someone'} acknowledged this incident, so escalation is already stopped; there is nothing to snooze.`);
  if (s.pagedFor === 'exhausted') return already(s, 'Every level of the escalation policy has been paged already; there is no escalation left to snooze.');
  const person = actor.personId!;
  const until = new Date(nowMs + durationMs).toISOString();
  const replaced = s.snooze ? ` (replaces the snooze by ${name(s.snooze.by)} until ${s.snooze.until})` : '';
  s.snooze = { until, untilMs: nowMs + durationMs, by: person };
  addTimeline(s, { at: nowIso, type: 'snoozed', actor: person, text: `Escalation snoozed for ${formatDuration(durationMs)} until ${until} by ${name(person)} (${actor.via})${replaced}`, data: { until, durationMs } });
  return { outcome: 'done', message: `Escalation snoozed for ${formatDuration(durationMs)}, until ${until}, by ${name(person)}. An ack, hand-off or resolve ends the snooze; when it ends unacknowledged, escalation goes on.`, status: s.status };
}

/** Ends a running snooze (ack, hand-off, resolve, escalate now, or its end) and says why in the timeline. */
export function endSnooze(s: IncidentState, nowIso: string, why: string, name: Names = (id) => id): void {
  if (!s.snooze) return;
  addTimeline(s, { at: nowIso, type: 'note', actor: 'system', text: `Snooze by ${name(s.snooze.by)} ended: ${why}`, data: { snoozeEnded: s.snooze.until } });
  s.snooze = undefined;
}

/**
 * Reopens a resolved incident whose run is still open (`reopenable`: the run waits out its flap
 * window). The person who reopens it knows, so they become its responder (acknowledged): nobody
 * is paged again; they hand it off if someone else should take it.
 */
export function applyReopen(s: IncidentState, input: ReopenInput, nowIso: string, name: Names, reopenable: boolean): CommandResult {
  const { actor } = input;
  if (s.status !== 'resolved') return already(s, `This incident is open (${s.status}); there is nothing to reopen.`);
  const auth = authorize('reopen', actor, s);
  if (!auth.allowed) return refuse(s, 'reopen', actor, auth.reason, nowIso);
  if (!reopenable)
    return {
      outcome: 'refused',
      message: 'This incident is resolved and its run is closing (its flap window is over or it has none), so it can no longer be reopened. If the problem is back it opens again as a new incident when it recurs; to open one now, report it (POST /api/anomalies).',
      status: s.status,
    };
  const person = actor.personId!;
  s.status = 'acknowledged';
  s.assignee = person;
  s.handoffPendingTo = undefined;
  s.recovery = undefined;
  s.resolvedAt = undefined;
  s.resolvedBy = undefined;
  s.summary = undefined;
  s.snooze = undefined;
  s.reopenCount = (s.reopenCount ?? 0) + 1;
  if (!s.responders.includes(person)) s.responders.push(person);
  const reason = input.reason ? `: ${input.reason}` : '';
  addTimeline(s, { at: nowIso, type: 'reopened', actor: person, text: `Reopened by ${name(person)} (${actor.via})${reason}`, data: { by: person } });
  return { outcome: 'done', message: `Reopened by ${name(person)}, who is now its responder. Hand it off (/handoff @person) if someone else should take it; resolve it when it is fixed.`, status: s.status };
}

export function validateSeverity(value: unknown): void {
  if (typeof value !== 'string' || !(SEVERITIES as readonly string[]).includes(value)) throw new Error(`severity must be one of ${SEVERITIES.join(', ')}`);
}

export function validateSnoozeDuration(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < SNOOZE_LIMITS_MS.min || value > SNOOZE_LIMITS_MS.max)
    throw new Error(`durationMs must be whole milliseconds from ${formatDuration(SNOOZE_LIMITS_MS.min)} to ${formatDuration(SNOOZE_LIMITS_MS.max)}`);
}
