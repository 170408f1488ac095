// Which findings may become incidents: namespaces, label selector, opt-out annotation, severity.
import { createFilter, globToRegExp, matchesSelector, parseLabelSelector } from '../../../watcher/filters';

describe('label selectors', () => {
  it.each([
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'api' }, false],
    ['tier!=db', { tier: 'web' }, true],
    ['tier!=db', {}, true],
    ['env in (prod, staging)', { env: 'staging' }, true],
    ['env notin (dev)', { env: 'dev' }, false],
    ['team', { team: 'x' }, true],
    ['!legacy', { legacy: 'true' }, false],
    ['app=web,env in (prod),!legacy', { app: 'web', env: 'prod' }, true],
    ['example.com/owner=ops', { 'example.com/owner': 'ops' }, true],
  ])('"%s" on %j matches: %s', (selector, labels, expected) => {
    expect(matchesSelector(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each([['app=we b'], ['env in (prod'], ['a,,b'], ['=web']])('rejects "%s" with a message naming the selector', (bad) => {
    expect(() => parseLabelSelector(bad)).toThrow(bad);
  });
});

describe('namespace globs', () => {
  it('match whole names with * and ?', () => {
    expect(globToRegExp('team-*').test('team-a')).toBe(true);
    expect(globToRegExp('team-*').test('xteam-a')).toBe(false);
    expect(globToRegExp('ns?').test('ns1')).toBe(true);
  });
});

describe('the watcher filter', () => {
  const filter = createFilter({
    namespaces: { include: ['*'], exclude: ['kube-*', 'sandbox'] },
    labelSelector: 'tier=prod',
    ignoreAnnotation: 'incidents.k8s.io/ignore',
    minSeverity: 'warning',
  });
  const base = { namespace: 'shop', labels: { tier: 'prod' }, severity: 'error' as const };

  it('passes a matching finding', () => {
    expect(filter(base)).toEqual({ ok: true });
  });

  it('drops excluded namespaces', () => {
    expect(filter({ ...base, namespace: 'kube-system' })).toEqual({ ok: false, why: 'namespace' });
    expect(filter({ ...base, namespace: 'sandbox' })).toEqual({ ok: false, why: 'namespace' });
  });

  it('applies the label selector to the object or its top owner, not to cluster-scoped objects', () => {
    expect(filter({ ...base, labels: { tier: 'dev' } })).toEqual({ ok: false, why: 'labels' });
    expect(filter({ ...base, labels: {}, ownerLabels: { tier: 'prod' } })).toEqual({ ok: true });
    expect(filter({ severity: 'critical', labels: { 'kubernetes.io/hostname': 'n1' } })).toEqual({ ok: true });
  });

  it('honours the opt-out annotation on the object, its owner or its namespace', () => {
    const off = { 'incidents.k8s.io/ignore': 'true' };
    expect(filter({ ...base, annotations: off })).toEqual({ ok: false, why: 'annotation' });
    expect(filter({ ...base, ownerAnnotations: off })).toEqual({ ok: false, why: 'annotation' });
    expect(filter({ ...base, namespaceAnnotations: off })).toEqual({ ok: false, why: 'annotation' });
    expect(filter({ ...base, annotations: { 'incidents.k8s.io/ignore': 'false' } })).toEqual({ ok: true });
  });

  it('drops findings below the minimum severity', () => {
    expect(filter({ ...base, severity: 'info' })).toEqual({ ok: false, why: 'severity' });
  });
});
