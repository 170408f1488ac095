// Pure rules of silences: who may create or remove one, and which silence or maintenance window
// covers an anomaly. No Temporal, no clock: time comes in.
import type { Actor, Anomaly } from '../definitions';
import type { Silence, SilencedBy } from '../silences-definitions';
import { matchesAll, pinnedValue, type Matcher } from './matcher';
import { effectiveRoles, hasAnyRole, scopeRefusal } from './scope';
import type { Authorization } from './authorize';
import { activeOccurrence, type Recurrence } from './recurrence';

/**
 * Silencing needs what an ack needs (responder or admin) where the silence reaches: a person with
 * grants must pin the cluster (and, with namespace-limited grants, the namespace) by `=`.
 */
export function authorizeSilence(actor: Actor, matchers: Matcher[]): Authorization {
  if (!actor.personId) return { allowed: false, reason: `You (${actor.via}) are not on the roster, so you cannot silence alerts. Ask an admin to add your chat identity under people[].chat in the config.` };
  if (!hasAnyRole(actor)) return { allowed: false, reason: `You (${actor.personId}) have neither the responder nor the admin role, so you cannot silence alerts. Ask an admin to add a role under people[].roles in the config.` };
  if (actor.roles.length > 0 || !actor.grants?.length) return { allowed: true };
  const scope = { cluster: pinnedValue(matchers, 'cluster'), namespace: pinnedValue(matchers, 'namespace') };
  if (effectiveRoles(actor, scope).length) return { allowed: true };
  return { allowed: false, reason: `${scopeRefusal(actor, scope, 'silence alerts of')} Pin the silence to where you may act, e.g. {cluster="...", namespace="..."}.` };
}

/** The creator or an admin (globally, or by a grant reaching the silence's pinned scope) may remove it. */
export function authorizeUnsilence(actor: Actor, silence: Silence): Authorization {
  if (!actor.personId) return { allowed: false, reason: `You (${actor.via}) are not on the roster, so you cannot remove silences.` };
  if (actor.personId === silence.createdBy) return { allowed: true };
  const scope = { cluster: pinnedValue(silence.matchers, 'cluster'), namespace: pinnedValue(silence.matchers, 'namespace') };
  if (effectiveRoles(actor, scope).includes('admin')) return { allowed: true };
  return { allowed: false, reason: `Only ${silence.createdBy} (who created ${silence.id}) or an admin can remove it.` };
}

interface WindowBase {
  name: string;
  matchers: Matcher[];
  matcher: string;
  reason?: string;
}
/** A config window: one-off (`startMs`..`endMs`) or recurring (a cron occurrence of a duration). */
export type MaintenanceWindow = WindowBase & ({ startMs: number; endMs: number } | { recurrence: Recurrence });

/** The span of the window open at `nowMs`: the window itself, or its current occurrence. */
function openSpan(w: MaintenanceWindow, nowMs: number): { endMs: number } | undefined {
  if ('recurrence' in w) return activeOccurrence(w.recurrence, nowMs);
  return w.startMs <= nowMs && nowMs < w.endMs ? w : undefined;
}

/** The first active silence or maintenance window that covers the anomaly at `nowMs`, if any. */
export function silencedBy(anomaly: Anomaly, silences: Silence[], windows: MaintenanceWindow[], nowMs: number): SilencedBy | undefined {
  const s = silences.find((x) => x.untilMs > nowMs && matchesAll(x.matchers, anomaly));
  if (s) return { id: s.id, until: s.until, matcher: s.matcher, ...(s.reason ? { reason: s.reason } : {}) };
  for (const w of windows) {
    // Matchers first: the occurrence math (Intl) runs only for windows that concern the anomaly.
    const span = matchesAll(w.matchers, anomaly) ? openSpan(w, nowMs) : undefined;
    if (span) return { id: `maintenance:${w.name}`, until: new Date(span.endMs).toISOString(), matcher: w.matcher, ...(w.reason ? { reason: w.reason } : {}) };
  }
  return undefined;
}
