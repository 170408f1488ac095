// Pure state transitions of an incident. The workflow calls these from its handlers; keeping them
// free of Temporal APIs lets unit tests cover every rule without a server. Time is passed in.
import type {
  AckInput,
  Actor,
  Anomaly,
  CommandResult,
  HandoffInput,
  IncidentAction,
  IncidentState,
  ResolveInput,
  TimelineEntry,
} from './definitions';
import { severityRank } from './definitions';
import { authorize } from './policy/authorize';

/** Samples kept per incident: enough to show what happened, bounded so history stays small. */
export const MAX_SAMPLES = 5;

export function initialState(id: string, a: Anomaly, nowIso: string): IncidentState {
  return {
    id,
    cluster: a.cluster,
    fingerprint: a.fingerprint,
    kind: a.kind,
    status: 'triggered',
    severity: a.severity,
    resource: a.resource,
    owner: a.owner,
    namespace: a.owner?.namespace ?? a.resource.namespace,
    labels: a.labels,
    reason: a.reason,
    message: a.message,
    ...(a.annotations ? { annotations: a.annotations } : {}),
    openedAt: nowIso,
    responders: [],
    policyId: '',
    level: 0,
    repeat: 0,
    // Occurrences are counted from `occurrence` signals only; the start input identifies the incident.
    occurrences: { count: 0, firstSeen: a.observedAt, lastSeen: a.observedAt, samples: [] },
    autoResolve: { enabled: false, quietPeriodMs: 0 },
    timeline: [{ at: nowIso, type: 'detected', actor: 'system', text: `${a.kind} detected on ${a.resource.kind}/${a.resource.name}: ${a.reason}` }],
    messages: [],
    generation: 0,
  };
}

export function addTimeline(s: IncidentState, entry: TimelineEntry): void {
  s.timeline.push(entry);
}

/** Applies one (possibly coalesced) occurrence. Returns true when it reopened a recovering incident. */
export function applyOccurrence(s: IncidentState, a: Anomaly, nowIso: string): boolean {
  const o = s.occurrences;
  o.count += a.count ?? 1;
  if (a.observedAt < o.firstSeen) o.firstSeen = a.observedAt;
  if (a.observedAt > o.lastSeen) o.lastSeen = a.observedAt;
  o.samples.push({ observedAt: a.observedAt, reason: a.reason, message: a.message, resource: a.resource });
  if (o.samples.length > MAX_SAMPLES) o.samples.splice(0, o.samples.length - MAX_SAMPLES);
  if (severityRank(a.severity) > severityRank(s.severity) && s.status !== 'resolved') {
    addTimeline(s, { at: nowIso, type: 'note', actor: 'system', text: `Severity raised from ${s.severity} to ${a.severity}` });
    s.severity = a.severity;
  }
  s.reason = a.reason;
  s.message = a.message;
  if (a.annotations) s.annotations = a.annotations;
  if (s.recovery && s.status !== 'resolved') {
    s.recovery = undefined;
    addTimeline(s, { at: nowIso, type: 'recurred', actor: 'system', text: `Recurred after recovery: ${a.reason}` });
    return true;
  }
  return false;
}

const who = (actor: Actor) => actor.personId ?? actor.via;

function refuse(s: IncidentState, action: IncidentAction, actor: Actor, reason: string, nowIso: string): CommandResult {
  addTimeline(s, { at: nowIso, type: 'refused', actor: who(actor), text: `Refused ${action} by ${actor.display} (${actor.via}): ${reason}` });
  return { outcome: 'refused', message: reason, status: s.status };
}

function addResponder(s: IncidentState, personId: string): void {
  if (!s.responders.includes(personId)) s.responders.push(personId);
}

export function applyAck(s: IncidentState, input: AckInput, nowIso: string, name: (id: string) => string): CommandResult {
  const { actor } = input;
  if (s.status === 'resolved') return { outcome: 'already', message: `This incident is already resolved${s.resolvedBy ? ` by ${name(s.resolvedBy)}` : ''}.`, status: s.status };
  const auth = authorize('ack', actor, s);
  if (!auth.allowed) return refuse(s, 'ack', actor, auth.reason, nowIso);
  const person = actor.personId!;
  if (s.status === 'acknowledged') {
    const by = s.assignee ? name(s.assignee) : 'someone';
    return { outcome: 'already', message: s.assignee === person ? 'You already acknowledged this incident.' : `Already acknowledged by ${by}.`, status: s.status };
  }
  s.status = 'acknowledged';
  s.acknowledgedAt ??= nowIso;
  s.assignee = person;
  s.handoffPendingTo = undefined;
  addResponder(s, person);
  addTimeline(s, { at: nowIso, type: 'acknowledged', actor: person, text: `Acknowledged by ${name(person)} (${actor.via})` });
  return { outcome: 'done', message: `Acknowledged by ${name(person)}. Escalation stopped.`, status: s.status };
}

export function applyHandoff(s: IncidentState, input: HandoffInput, nowIso: string, name: (id: string) => string): CommandResult {
  const { actor } = input;
  if (s.status === 'resolved') return { outcome: 'already', message: 'This incident is already resolved; there is nothing to hand off.', status: s.status };
  const auth = authorize('handoff', actor, s, { to: input.to, toRequested: input.toRequested, ...(input.toAccess ? { toAccess: input.toAccess } : {}) });
  if (!auth.allowed) return refuse(s, 'handoff', actor, auth.reason, nowIso);
  const to = input.to!;
  if (s.handoffPendingTo === to) return { outcome: 'already', message: `${name(to)} is already being paged for this incident.`, status: s.status };
  const from = s.assignee;
  s.status = 'triggered';
  s.assignee = to;
  s.handoffPendingTo = to;
  s.handoffCount = (s.handoffCount ?? 0) + 1;
  addResponder(s, to);
  const note = input.note ? `: ${input.note}` : '';
  addTimeline(s, {
    at: nowIso,
    type: 'handoff',
    actor: actor.personId!,
    text: `Handed off${from ? ` from ${name(from)}` : ''} to ${name(to)} by ${name(actor.personId!)}${note}`,
    data: { from, to, note: input.note },
  });
  return { outcome: 'done', message: `Handed off to ${name(to)}; they are being paged and must acknowledge.`, status: s.status };
}

export function applyResolve(s: IncidentState, input: ResolveInput, nowIso: string, name: (id: string) => string): CommandResult {
  const { actor } = input;
  if (s.status === 'resolved') return { outcome: 'already', message: `Already resolved${s.resolvedBy ? ` by ${name(s.resolvedBy)}` : ''}.`, status: s.status };
  const auth = authorize('resolve', actor, s);
  if (!auth.allowed) return refuse(s, 'resolve', actor, auth.reason, nowIso);
  resolveAs(s, actor.personId!, input.summary, nowIso, `Resolved by ${name(actor.personId!)}: ${input.summary}`, name);
  addResponder(s, actor.personId!);
  return { outcome: 'done', message: `Resolved by ${name(actor.personId!)}. A postmortem is being compiled.`, status: s.status };
}

/**
 * Closes the incident. While it is `triggered` nobody holds it (someone is being paged, maybe a
 * hand-off target), so the responder becomes whoever resolved it, or for a recovery the last person
 * who acknowledged; a pending hand-off is cancelled and the timeline says so. An acknowledged
 * incident keeps its responder. Card, list and postmortem then name the same people.
 */
export function resolveAs(s: IncidentState, by: string, summary: string, nowIso: string, text: string, name: (id: string) => string = (id) => id): void {
  const pending = s.handoffPendingTo;
  if (s.status === 'triggered') s.assignee = by !== 'system' ? by : lastAcknowledger(s);
  if (pending) {
    const cause = by === 'system' ? 'the incident recovered' : `${name(by)} resolved the incident`;
    addTimeline(s, { at: nowIso, type: 'note', actor: by, text: `Hand-off to ${name(pending)} cancelled: ${cause} before ${name(pending)} acknowledged`, data: { handoffCancelled: pending } });
  }
  s.status = 'resolved';
  s.resolvedAt = nowIso;
  s.resolvedBy = by;
  s.summary = summary;
  s.handoffPendingTo = undefined;
  addTimeline(s, { at: nowIso, type: 'resolved', actor: by, text });
}

/**
 * A recurrence within the flap window reopens the resolved incident (issue 14 item 4). Whoever had
 * acknowledged it holds it again (acknowledged; returned so they are told once); otherwise it is
 * triggered at the escalation position it had, and the loop pages that level once more.
 */
export function applyFlap(s: IncidentState, a: Anomaly, nowIso: string, name: (id: string) => string): string | undefined {
  applyOccurrence(s, a, nowIso);
  const acked = lastAcknowledger(s);
  const resolvedAt = s.resolvedAt;
  s.status = acked ? 'acknowledged' : 'triggered';
  s.assignee = acked ?? s.assignee;
  s.flapping = true;
  s.flapCount = (s.flapCount ?? 0) + 1;
  s.recovery = undefined;
  s.resolvedAt = undefined;
  s.resolvedBy = undefined;
  s.summary = undefined;
  const who = acked ? `; back with ${name(acked)}` : `; paging level ${s.level} again`;
  addTimeline(s, { at: nowIso, type: 'reopened', actor: 'system', text: `Reopened: recurred (${a.reason}) within the flap window after it was resolved at ${resolvedAt} (flapping, ${s.flapCount}x)${who}`, data: { flap: s.flapCount } });
  return acked;
}

function lastAcknowledger(s: IncidentState): string | undefined {
  return s.timeline.findLast((e) => e.type === 'acknowledged')?.actor;
}

export function applyActionItem(s: IncidentState, actor: Actor, text: string, nowIso: string, name: (id: string) => string): CommandResult {
  if (!actor.personId) {
    const reason = `You (${actor.via}) are not on the roster for this incident, so you cannot add action items.`;
    addTimeline(s, { at: nowIso, type: 'refused', actor: actor.via, text: `Refused action item by ${actor.display} (${actor.via}): ${reason}` });
    return { outcome: 'refused', message: reason, status: s.status };
  }
  (s.actionItems ??= []).push({ text, by: actor.personId, at: nowIso });
  addTimeline(s, { at: nowIso, type: 'action-item', actor: actor.personId, text: `Action item by ${name(actor.personId)}: ${text}` });
  return { outcome: 'done', message: `Action item recorded for the postmortem: ${text}`, status: s.status };
}

/** Validators reject only malformed calls (they leave no history); refusals go through handlers. */
export function validateActor(actor: Actor | undefined): void {
  if (!actor || typeof actor.via !== 'string' || !actor.via || typeof actor.display !== 'string' || !Array.isArray(actor.roles))
    throw new Error('actor is required: { personId, roles, via, display }');
}

export function validateText(value: unknown, field: string, { required, max }: { required: boolean; max: number }): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || (required && value.trim() === '')) throw new Error(`${field} is required and must be non-empty text`);
  if (value.length > max) throw new Error(`${field} is longer than ${max} characters`);
}
