import { fieldValue, formatMatchers, matchesAll, parseMatchers, pinnedValue } from '../../../../workflows/policy/matcher';
import { anomaly } from '../../../helpers/anomaly';

describe('Alertmanager matchers', () => {
  it('parses the four operators with quoted values, braces and spaces', () => {
    expect(parseMatchers('{namespace="shop", kind=~"Pod|Deployment", severity!="info", team!~"a.*"}')).toEqual([
      { name: 'namespace', op: '=', value: 'shop' },
      { name: 'kind', op: '=~', value: 'Pod|Deployment' },
      { name: 'severity', op: '!=', value: 'info' },
      { name: 'team', op: '!~', value: 'a.*' },
    ]);
  });

  it('takes unquoted values, no braces, and escaped quotes', () => {
    expect(parseMatchers('namespace=shop,cluster = prod')).toEqual([
      { name: 'namespace', op: '=', value: 'shop' },
      { name: 'cluster', op: '=', value: 'prod' },
    ]);
    expect(parseMatchers('{reason="say \\"hi\\""}')[0]!.value).toBe('say "hi"');
  });

  it.each([
    ['', 'empty'],
    ['{}', 'empty'],
    ['{namespace="shop"', 'unbalanced braces'],
    ['{namespace}', 'expected =, !=, =~ or !~ after "namespace"'],
    ['{namespace="shop}', 'unterminated quote'],
    ['{namespace="shop" kind="Pod"}', 'expected "," between matchers'],
    ['{kind=~"("}', 'regular expression for "kind" is invalid'],
    ['{team!="x"}', 'matches every alert'],
    ['{kind=~".*"}', 'matches every alert'],
  ])('refuses %s with a message saying what to fix', (text, message) => {
    expect(() => parseMatchers(text)).toThrow(message);
  });

  it('matches cluster, namespace, kind, owner, severity and labels, with anchored regexes', () => {
    const a = anomaly({ cluster: 'prod', labels: { team: 'payments' } });
    expect(matchesAll(parseMatchers('{cluster="prod", namespace="shop", kind=~"Crash.*", owner="checkout", team="payments"}'), a)).toBe(true);
    expect(matchesAll(parseMatchers('{kind=~"Crash"}'), a)).toBe(false);
    expect(matchesAll(parseMatchers('{namespace="shop", severity!="error"}'), a)).toBe(false);
    expect(matchesAll(parseMatchers('{cluster="prod", team!~"pay.*"}'), a)).toBe(false);
    expect(matchesAll(parseMatchers('{cluster="prod", missing=""}'), a)).toBe(true);
  });

  it('reads an absent namespace or owner as the empty string, like Alertmanager reads absent labels', () => {
    const node = anomaly({ resource: { kind: 'Node', name: 'n1' }, owner: undefined });
    expect(fieldValue(node, 'namespace')).toBe('');
    expect(fieldValue(node, 'owner')).toBe('');
    expect(matchesAll(parseMatchers('{namespace="shop"}'), node)).toBe(false);
  });

  it('formats canonically and tells which value a field is pinned to', () => {
    const m = parseMatchers('namespace=shop, kind=~Pod|Deployment');
    expect(formatMatchers(m)).toBe('{namespace="shop", kind=~"Pod|Deployment"}');
    expect(parseMatchers(formatMatchers(m))).toEqual(m);
    expect(pinnedValue(m, 'namespace')).toBe('shop');
    expect(pinnedValue(m, 'kind')).toBeUndefined();
  });
});
