// Scoped roles: a person or API token may hold roles only for some clusters (and namespaces).
// Global `roles` keep meaning "everywhere", so configs and recorded actors without grants behave as
// before. Pure and deterministic: used inside the workflow's Update handlers and by /kubectl.
import type { Actor, Grant, Role } from '../definitions';

/** Where an action lands: the incident's (or the /kubectl command's) cluster and namespace. */
export interface Scope {
  cluster?: string;
  /** Undefined for cluster-wide things (a Node incident, `kubectl get nodes`, `-A`). */
  namespace?: string;
}

/** Whether a grant reaches a scope. A namespace-limited grant never reaches cluster-wide things. */
export function grantCovers(grant: Grant, scope: Scope): boolean {
  if (grant.clusters && (scope.cluster === undefined || !grant.clusters.includes(scope.cluster))) return false;
  if (grant.namespaces && (scope.namespace === undefined || !grant.namespaces.includes(scope.namespace))) return false;
  return true;
}

/** Global roles plus the roles of every grant that reaches the scope. */
export function effectiveRoles(actor: Pick<Actor, 'roles' | 'grants'>, scope: Scope): Role[] {
  const roles = new Set<Role>(actor.roles);
  for (const g of actor.grants ?? []) if (grantCovers(g, scope)) g.roles.forEach((r) => roles.add(r));
  return [...roles];
}

/** True when the actor holds a role somewhere (globally or in any grant). */
export function hasAnyRole(actor: Pick<Actor, 'roles' | 'grants'>): boolean {
  return actor.roles.length > 0 || (actor.grants ?? []).some((g) => g.roles.length > 0);
}

const intersect = (a: string[] | undefined, b: string[] | undefined): string[] | undefined =>
  a === undefined ? b : b === undefined ? a : a.filter((x) => b.includes(x));

/**
 * An API token bound to a person may narrow that person: the token acts with what both allow.
 * Global person roles count as a grant everywhere; the result has no global roles.
 */
export function narrowByToken(person: { roles: Role[]; grants?: Grant[] }, tokenGrants: Grant[]): { roles: Role[]; grants: Grant[] } {
  const personGrants: Grant[] = [...(person.roles.length ? [{ roles: person.roles }] : []), ...(person.grants ?? [])];
  const grants: Grant[] = [];
  for (const p of personGrants) {
    for (const t of tokenGrants) {
      const roles = p.roles.filter((r) => t.roles.includes(r));
      const clusters = intersect(p.clusters, t.clusters);
      const namespaces = intersect(p.namespaces, t.namespaces);
      if (!roles.length || clusters?.length === 0 || namespaces?.length === 0) continue;
      grants.push({ roles, ...(clusters ? { clusters } : {}), ...(namespaces ? { namespaces } : {}) });
    }
  }
  return { roles: [], grants };
}

const list = (xs: string[]) => xs.join(', ');

function where(scope: Scope, clusterOnly: boolean): string {
  const cluster = `cluster ${scope.cluster ?? '(unknown)'}`;
  if (clusterOnly) return `in ${cluster}`;
  return scope.namespace === undefined ? `cluster-wide in ${cluster}` : `in namespace ${scope.namespace} of ${cluster}`;
}

function reach(grants: Grant[]): string {
  return grants
    .filter((g) => g.roles.length)
    .map((g) => {
      const c = g.clusters ? `cluster${g.clusters.length > 1 ? 's' : ''} ${list(g.clusters)}` : 'every cluster';
      return g.namespaces ? `namespace${g.namespaces.length > 1 ? 's' : ''} ${list(g.namespaces)} of ${c}` : c;
    })
    .join('; ');
}

/** The config path a person edits to widen this actor's reach. */
export function grantsPath(actor: Pick<Actor, 'personId' | 'via'>): string {
  const person = `people[${actor.personId ?? '?'}].grants`;
  return actor.via.startsWith('api:') ? `${person} or api.tokens[${actor.via.slice(4)}].grants` : person;
}

/**
 * Says which scope is missing, addressed to the person, with the fix. `what` names the act, e.g.
 * "act on incidents of" or "run /kubectl on".
 */
export function scopeRefusal(actor: Pick<Actor, 'personId' | 'via' | 'grants'>, scope: Scope, what: string): string {
  const grants = actor.grants ?? [];
  const me = actor.personId ?? actor.via;
  const missingCluster = scope.cluster !== undefined && !grants.some((g) => g.roles.length && (!g.clusters || g.clusters.includes(scope.cluster!)));
  const add =
    missingCluster || scope.namespace === undefined
      ? missingCluster
        ? `cluster ${scope.cluster}`
        : `a grant for cluster ${scope.cluster} without a namespace limit`
      : `namespace ${scope.namespace} of cluster ${scope.cluster}`;
  return `You (${me}) may ${what} ${reach(grants) || 'no cluster'} only; this one is ${where(scope, missingCluster)}. Ask an admin to add ${add} to ${grantsPath(actor)}.`;
}

/**
 * Where an actor may read incidents: `all`, or the grants (clusters and/or namespaces) that carry a
 * role. A person with grants reads only what they may act on; global roles (and actors recorded
 * before grants existed) read everything. Lists turn this into a visibility query (api/incidents.ts).
 */
export function readableScopes(actor: Pick<Actor, 'roles' | 'grants'>): 'all' | Pick<Grant, 'clusters' | 'namespaces'>[] {
  if (!actor.grants?.length || actor.roles.length) return 'all';
  const reaching = actor.grants.filter((g) => g.roles.length);
  if (reaching.some((g) => !g.clusters && !g.namespaces)) return 'all';
  return reaching.map((g) => ({ ...(g.clusters ? { clusters: g.clusters } : {}), ...(g.namespaces ? { namespaces: g.namespaces } : {}) }));
}
