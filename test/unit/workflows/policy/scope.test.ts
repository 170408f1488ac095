import { authorize, effectiveRoles, grantCovers, narrowByToken, scopeRefusal, type AuthorizeState } from '../../../../workflows/policy';
import type { Actor } from '../../../../workflows/definitions';
import { actor } from './fixtures';

const scoped = (personId: string, grants: Actor['grants'], roles: Actor['roles'] = [], via = `local:${personId}`): Actor => ({ ...actor(personId, roles, via), grants });
const bobA = scoped('bob', [{ roles: ['responder'], clusters: ['a'] }]);
const adminA = scoped('ann', [{ roles: ['responder', 'admin'], clusters: ['a'] }]);
const shopOnly = scoped('sam', [{ roles: ['responder'], clusters: ['a'], namespaces: ['shop'] }]);
const inA: AuthorizeState = { status: 'acknowledged', assignee: 'zed', cluster: 'a', namespace: 'shop' };
const inB: AuthorizeState = { status: 'triggered', cluster: 'b', namespace: 'shop' };

describe('which grants reach a scope', () => {
  it('lets a grant without lists reach every cluster and namespace, cluster-wide things included', () => {
    expect(grantCovers({ roles: ['responder'] }, { cluster: 'x' })).toBe(true);
    expect(grantCovers({ roles: ['responder'] }, { cluster: 'x', namespace: 'y' })).toBe(true);
  });

  it('limits a grant to its clusters and namespaces', () => {
    const g = { roles: ['responder' as const], clusters: ['a'], namespaces: ['shop'] };
    expect(grantCovers(g, { cluster: 'a', namespace: 'shop' })).toBe(true);
    expect(grantCovers(g, { cluster: 'b', namespace: 'shop' })).toBe(false);
    expect(grantCovers(g, { cluster: 'a', namespace: 'web' })).toBe(false);
  });

  it('never lets a namespace-limited grant reach cluster-wide things such as a node', () => {
    expect(grantCovers({ roles: ['responder'], namespaces: ['shop'] }, { cluster: 'a' })).toBe(false);
  });

  it('adds the roles of every reaching grant to the global roles', () => {
    const a = scoped('x', [{ roles: ['admin'], clusters: ['a'] }, { roles: ['responder'], clusters: ['b'] }], ['responder']);
    expect(effectiveRoles(a, { cluster: 'a' }).sort()).toEqual(['admin', 'responder']);
    expect(effectiveRoles(a, { cluster: 'b' })).toEqual(['responder']);
    expect(effectiveRoles(a, { cluster: 'c' })).toEqual(['responder']);
  });
});

describe('tokens that narrow a person', () => {
  it('acts only where both the person and the token grants allow', () => {
    const narrowed = narrowByToken({ roles: ['responder', 'admin'] }, [{ roles: ['responder'], clusters: ['a'] }]);
    expect(narrowed).toEqual({ roles: [], grants: [{ roles: ['responder'], clusters: ['a'] }] });
  });

  it('drops combinations that share no cluster, namespace or role', () => {
    const person = { roles: [] as Actor['roles'], grants: [{ roles: ['responder' as const], clusters: ['a'], namespaces: ['shop'] }] };
    expect(narrowByToken(person, [{ roles: ['responder'], clusters: ['b'] }]).grants).toEqual([]);
    expect(narrowByToken(person, [{ roles: ['admin'], clusters: ['a'] }]).grants).toEqual([]);
    expect(narrowByToken(person, [{ roles: ['responder'], namespaces: ['shop', 'web'] }]).grants).toEqual([{ roles: ['responder'], clusters: ['a'], namespaces: ['shop'] }]);
  });
});

describe('authorizing people with scoped roles', () => {
  it('refuses a cluster-a responder on a cluster-b incident and says which cluster to add where', () => {
    expect(authorize('ack', bobA, inB)).toEqual({
      allowed: false,
      reason: 'You (bob) may act on incidents of cluster a only; this one is in cluster b. Ask an admin to add cluster b to people[bob].grants.',
    });
  });

  it('lets a cluster-a responder acknowledge in cluster a', () => {
    expect(authorize('ack', bobA, { ...inB, cluster: 'a' })).toEqual({ allowed: true });
  });

  it('lets an admin scoped to cluster a resolve for someone else in cluster a, and nowhere else', () => {
    expect(authorize('resolve', adminA, inA)).toEqual({ allowed: true });
    expect(authorize('resolve', adminA, { ...inA, cluster: 'b' })).toMatchObject({ allowed: false });
  });

  it('treats a global responder who is admin only in cluster a as a plain responder elsewhere', () => {
    const mixed = scoped('mia', [{ roles: ['admin'], clusters: ['a'] }], ['responder']);
    expect(authorize('resolve', mixed, inA)).toEqual({ allowed: true });
    expect(authorize('resolve', mixed, { ...inA, cluster: 'b' })).toEqual({
      allowed: false,
      reason: 'This incident is acknowledged by zed; only zed or an admin can resolve it.',
    });
  });

  it('names the missing namespace for a namespace-limited person', () => {
    expect(authorize('ack', shopOnly, { status: 'triggered', cluster: 'a', namespace: 'web' })).toEqual({
      allowed: false,
      reason: 'You (sam) may act on incidents of namespace shop of cluster a only; this one is in namespace web of cluster a. Ask an admin to add namespace web of cluster a to people[sam].grants.',
    });
  });

  it('refuses a namespace-limited person on a cluster-wide incident (a node) and says so', () => {
    expect(authorize('ack', shopOnly, { status: 'triggered', cluster: 'a', resource: { kind: 'Node', name: 'n1' } })).toEqual({
      allowed: false,
      reason: 'You (sam) may act on incidents of namespace shop of cluster a only; this one is cluster-wide in cluster a. Ask an admin to add a grant for cluster a without a namespace limit to people[sam].grants.',
    });
  });

  it('uses the namespace of the resource when the incident has none of its own', () => {
    expect(authorize('ack', shopOnly, { status: 'triggered', cluster: 'a', resource: { kind: 'Pod', name: 'p', namespace: 'shop' } })).toEqual({ allowed: true });
  });

  it('points an API token at both the person and the token grants', () => {
    const viaToken = scoped('bob', [{ roles: ['responder'], clusters: ['a'] }], [], 'api:bob-cli');
    expect(scopeRefusal(viaToken, { cluster: 'b', namespace: 'x' }, 'act on incidents of')).toMatch(/Ask an admin to add cluster b to people\[bob\]\.grants or api\.tokens\[bob-cli\]\.grants\.$/);
  });

  it('keeps actors recorded before grants existed (no grants field) global, whatever the cluster', () => {
    expect(authorize('ack', actor('alice'), inB)).toEqual({ allowed: true });
    expect(authorize('resolve', actor('carol', ['responder', 'admin']), { ...inA, cluster: 'zzz' })).toEqual({ allowed: true });
  });
});

describe('handing off to someone with scoped roles', () => {
  const acked: AuthorizeState = { status: 'acknowledged', assignee: 'zed', cluster: 'b', namespace: 'shop' };
  const zed = actor('zed', ['responder']);

  it('refuses a hand-off to a person whose grants do not reach the incident, and says what to do', () => {
    expect(authorize('handoff', zed, acked, { to: 'bob', toRequested: '@bob', toAccess: { roles: [], grants: [{ roles: ['responder'], clusters: ['a'] }] } })).toEqual({
      allowed: false,
      reason: 'bob may not act on incidents in namespace shop of cluster b, so they could not acknowledge or resolve this one. Hand it to someone whose roles cover it, or ask an admin to add a grant to people[bob].grants.',
    });
  });

  it('refuses a hand-off to a person with no role at all', () => {
    expect(authorize('handoff', zed, acked, { to: 'nora', toRequested: 'nora', toAccess: { roles: [] } })).toMatchObject({ allowed: false });
  });

  it('allows a hand-off to a person whose grant reaches the incident, or who holds global roles, or when the access is unknown (older histories)', () => {
    expect(authorize('handoff', zed, acked, { to: 'bob', toRequested: '@bob', toAccess: { roles: [], grants: [{ roles: ['responder'], clusters: ['b'], namespaces: ['shop'] }] } })).toEqual({ allowed: true });
    expect(authorize('handoff', zed, acked, { to: 'amy', toRequested: '@amy', toAccess: { roles: ['responder'] } })).toEqual({ allowed: true });
    expect(authorize('handoff', zed, acked, { to: 'bob', toRequested: '@bob' })).toEqual({ allowed: true });
  });
});
