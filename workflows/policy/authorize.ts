// Who may act on an incident. Used by the Update validators/handlers and by the api, so a refusal
// reads the same everywhere. Reasons are full sentences addressed to the person who asked, and say
// what to do next. Identity (actor.personId) comes from the platform, never from message text.
import type { Actor, Grant, IncidentAction, IncidentCommand, IncidentState, Role } from '../definitions';
import { effectiveRoles, grantsPath, hasAnyRole, scopeRefusal } from './scope';

export type Authorization = { allowed: true } | { allowed: false; reason: string };

/** Cluster and namespace matter only for actors with grants (scoped roles). */
export type AuthorizeState = Pick<IncidentState, 'status' | 'assignee' | 'handoffPendingTo'> &
  Partial<Pick<IncidentState, 'cluster' | 'namespace' | 'resource'>>;

export interface HandoffTarget {
  /** Roster person id, or null when the requested name maps to no one. */
  to: string | null;
  /** What the caller typed, quoted back in refusals. */
  toRequested: string;
  /** The target's roles and grants (HandoffInput.toAccess); unchecked when absent. */
  toAccess?: { roles: Role[]; grants?: Grant[] };
}

const ALLOWED: Authorization = { allowed: true };
const refuse = (reason: string): Authorization => ({ allowed: false, reason });

const RESOLVED_REASON: Record<Exclude<IncidentAction | IncidentCommand, 'reopen'>, string> = {
  ack: 'This incident is already resolved, so there is nothing to acknowledge.',
  handoff: 'This incident is already resolved, so it cannot be handed off.',
  resolve: 'This incident is already resolved.',
  severity: 'This incident is already resolved, so its severity stays as it was. Reopen it first (/incident reopen) if the problem is back.',
  escalate: 'This incident is already resolved, so there is nobody to escalate to.',
  snooze: 'This incident is already resolved, so there is no escalation to snooze.',
};

export function authorize(
  action: IncidentAction | IncidentCommand,
  actor: Actor,
  state: AuthorizeState,
  target?: HandoffTarget,
): Authorization {
  const me = actor.personId;
  if (me === null) return refuse(notOnRosterReason(actor));
  if (!hasAnyRole(actor)) {
    return refuse(`You (${me}) have neither the responder nor the admin role. Ask an admin to add a role under people[].roles in the config.`);
  }
  // Actors without grants (all recorded before grants existed) keep their global roles unchanged.
  const scope = { cluster: state.cluster, namespace: state.namespace ?? state.resource?.namespace };
  const roles = actor.grants?.length ? effectiveRoles(actor, scope) : actor.roles;
  if (!roles.length) return refuse(scopeRefusal(actor, scope, 'act on incidents of'));
  // The commands of issue 14 item 5 need what an ack needs; reopen is the one meant for resolved incidents.
  if (action === 'reopen') return state.status === 'resolved' ? ALLOWED : refuse(`This incident is not resolved (it is ${state.status}), so there is nothing to reopen.`);
  if (state.status === 'resolved') return refuse(RESOLVED_REASON[action]);
  const admin = roles.includes('admin');

  switch (action) {
    case 'ack':
    case 'severity':
    case 'escalate':
    case 'snooze':
      return ALLOWED;

    case 'handoff': {
      if (!admin && me !== state.assignee && me !== state.handoffPendingTo) {
        return refuse(
          state.assignee
            ? `Only the current responder (${state.assignee}) or an admin can hand off this incident.`
            : 'Nobody has taken this incident yet. Acknowledge it first, or ask an admin to hand it off.',
        );
      }
      if (!target) return refuse('Say who should take over, for example "/handoff @bob".');
      if (target.to === null) return refuse(`Cannot hand off to "${target.toRequested}": no such person on the roster.`);
      if (target.to === me) return refuse('You cannot hand off an incident to yourself. Name someone else on the roster.');
      // Repeating a handoff to the person already being paged is allowed: the workflow answers
      // "already being paged" instead of a refusal.
      if (target.to === state.assignee && target.to !== state.handoffPendingTo) {
        return refuse(`${target.to} is already the responder for this incident. Name someone else on the roster.`);
      }
      if (target.toAccess) {
        const theirs = target.toAccess.grants?.length ? effectiveRoles(target.toAccess, scope) : target.toAccess.roles;
        if (!theirs.length) {
          const where = scope.namespace === undefined ? `cluster ${scope.cluster ?? '(unknown)'}` : `namespace ${scope.namespace} of cluster ${scope.cluster ?? '(unknown)'}`;
          return refuse(
            `${target.to} may not act on incidents in ${where}, so they could not acknowledge or resolve this one. Hand it to someone whose roles cover it, or ask an admin to add a grant to ${grantsPath({ personId: target.to, via: '' })}.`,
          );
        }
      }
      return ALLOWED;
    }

    case 'resolve': {
      // Before anyone acknowledged, anyone on the roster may resolve (e.g. a false alarm).
      if (state.status !== 'acknowledged' || !state.assignee || admin) return ALLOWED;
      // A pending handoff target is about to own the incident, so they may close it too.
      if (me === state.assignee || me === state.handoffPendingTo) return ALLOWED;
      return refuse(
        `This incident is acknowledged by ${state.assignee}; only ${state.assignee} or an admin can resolve it.`,
      );
    }
  }
}

/**
 * Reading on-call answers and runbooks (`/incident oncall`, `/incident runbook`): anyone on the
 * roster with a role, for an incident also in its cluster/namespace, like an ack.
 */
export function authorizeRead(actor: Actor, state?: Partial<Pick<IncidentState, 'cluster' | 'namespace' | 'resource'>>): Authorization {
  if (actor.personId === null) return refuse(notOnRosterReason(actor));
  if (!hasAnyRole(actor)) return refuse(`You (${actor.personId}) have neither the responder nor the admin role. Ask an admin to add a role under people[].roles in the config.`);
  if (!state || !actor.grants?.length) return ALLOWED;
  const scope = { cluster: state.cluster, namespace: state.namespace ?? state.resource?.namespace };
  return effectiveRoles(actor, scope).length ? ALLOWED : refuse(scopeRefusal(actor, scope, 'read incidents of'));
}

function notOnRosterReason(actor: Actor): string {
  const you = `You (${actor.via}) are not on the roster for this incident.`;
  // API tokens map to people through api.tokens[].person, chat users through people[].chat.
  return actor.via.startsWith('api:')
    ? `${you} Ask an admin to give this API token a person under api.tokens[].person in the config.`
    : `${you} Ask an admin to add your chat identity under people[].chat in the config.`;
}
