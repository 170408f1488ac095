import { authorizeSilence, authorizeUnsilence, silencedBy, type MaintenanceWindow } from '../../../../workflows/policy/silences';
import { parseMatchers } from '../../../../workflows/policy/matcher';
import type { Silence } from '../../../../workflows/silences-definitions';
import { anomaly } from '../../../helpers/anomaly';
import { actor } from '../../../helpers/actors';

const T = Date.parse('2026-12-05T12:00:00Z');
const silence = (matcher: string, untilMs: number, createdBy = 'alice'): Silence => ({
  id: 's-1', matchers: parseMatchers(matcher), matcher, createdBy, createdAt: new Date(T - 60_000).toISOString(), until: new Date(untilMs).toISOString(), untilMs,
});

describe('who may silence', () => {
  it('allows a responder and refuses someone off the roster or without a role, saying what to do', () => {
    const m = parseMatchers('{namespace="shop"}');
    expect(authorizeSilence(actor('alice'), m)).toEqual({ allowed: true });
    const stranger = authorizeSilence({ personId: null, roles: [], via: 'slack:U9', display: 'eve' }, m);
    expect(stranger).toMatchObject({ allowed: false, reason: expect.stringContaining('not on the roster') });
    const roleless = authorizeSilence(actor('dave', []), m);
    expect(roleless).toMatchObject({ allowed: false, reason: expect.stringContaining('people[].roles') });
  });

  it('lets a person with grants silence only where a grant reaches, pinned by =', () => {
    const scoped = { ...actor('dave', []), grants: [{ roles: ['responder' as const], clusters: ['prod'], namespaces: ['shop'] }] };
    expect(authorizeSilence(scoped, parseMatchers('{cluster="prod", namespace="shop"}'))).toEqual({ allowed: true });
    expect(authorizeSilence(scoped, parseMatchers('{namespace="shop"}'))).toMatchObject({ allowed: false, reason: expect.stringContaining('Pin the silence') });
    expect(authorizeSilence(scoped, parseMatchers('{cluster="prod", namespace=~"sh.*"}'))).toMatchObject({ allowed: false });
  });

  it('lets the creator or an admin remove a silence, nobody else', () => {
    const s = silence('{namespace="shop"}', T + 60_000);
    expect(authorizeUnsilence(actor('alice'), s)).toEqual({ allowed: true });
    expect(authorizeUnsilence(actor('carol', ['responder', 'admin']), s)).toEqual({ allowed: true });
    expect(authorizeUnsilence(actor('bob'), s)).toMatchObject({ allowed: false, reason: expect.stringContaining('Only alice') });
  });
});

describe('which silence covers an anomaly', () => {
  const shop = anomaly();
  const window: MaintenanceWindow = { name: 'db-upgrade', matchers: parseMatchers('{namespace="shop"}'), matcher: '{namespace="shop"}', startMs: T - 1_000, endMs: T + 3_600_000, reason: 'postgres 17' };

  it('answers the matching active silence, and nothing once it expired or for other anomalies', () => {
    const s = silence('{namespace="shop"}', T + 60_000);
    expect(silencedBy(shop, [s], [], T)).toEqual({ id: 's-1', until: s.until, matcher: '{namespace="shop"}' });
    expect(silencedBy(shop, [s], [], T + 60_000)).toBeUndefined();
    expect(silencedBy(anomaly({ resource: { kind: 'Pod', name: 'x', namespace: 'web' }, owner: undefined }), [s], [], T)).toBeUndefined();
  });

  it('answers a maintenance window only between its start and end', () => {
    expect(silencedBy(shop, [], [window], T)).toEqual({ id: 'maintenance:db-upgrade', until: new Date(T + 3_600_000).toISOString(), matcher: '{namespace="shop"}', reason: 'postgres 17' });
    expect(silencedBy(shop, [], [window], T - 2_000)).toBeUndefined();
    expect(silencedBy(shop, [], [window], T + 3_600_000)).toBeUndefined();
  });
});
