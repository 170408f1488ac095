import { globMatch, route } from '../../../../workflows/policy';
import { anomaly, config } from './fixtures';

const local = (channel: string) => ({ platform: 'local' as const, channel });

const cfg = config({
  escalationPolicies: [
    { id: 'default', levels: [{ targets: [{ person: 'alice' }], delay: '5m' }] },
    { id: 'critical', levels: [{ targets: [{ person: 'carol' }], delay: '1m' }] },
    { id: 'payments', levels: [{ targets: [{ person: 'bob' }], delay: '5m' }] },
  ],
  autoResolve: { enabled: true, quietPeriod: '2m' },
  routing: {
    rules: [
      { name: 'critical-to-war-room', match: { severity: ['critical'] }, channels: [local('war-room')], policy: 'critical' },
      {
        name: 'payments-prod',
        match: { cluster: ['prod-*'], namespace: ['pay-*', 'billing'], labels: { team: 'payments' } },
        channels: [local('payments'), { platform: 'slack', channel: 'C123' }],
        policy: 'payments',
        autoResolve: { enabled: false },
      },
      { match: { kind: ['NodeNotReady'] }, channels: [local('infra')], policy: 'default' },
      { name: 'staging-quiet', match: { cluster: ['staging'] }, channels: [local('staging')], policy: 'default', autoResolve: { enabled: true, quietPeriod: '30s' } },
    ],
    default: { channels: [local('incidents')], policy: 'default' },
  },
});

describe('routing', () => {
  it('sends an anomaly to the first rule that matches, top to bottom', () => {
    // Also matches payments-prod, but the critical rule comes first.
    const d = route(cfg, anomaly({ severity: 'critical', resource: { kind: 'Pod', name: 'p', namespace: 'pay-api' } }));
    expect(d.rule).toBe('critical-to-war-room');
    expect(d.channels).toEqual([local('war-room')]);
    expect(d.policyId).toBe('critical');
  });

  it('matches cluster and namespace globs and requires every listed label', () => {
    const hit = anomaly({ cluster: 'prod-eu', resource: { kind: 'Pod', name: 'p', namespace: 'pay-api' }, labels: { team: 'payments', app: 'api' } });
    expect(route(cfg, hit).rule).toBe('payments-prod');
    expect(route(cfg, { ...hit, resource: { ...hit.resource, namespace: 'billing' } }).rule).toBe('payments-prod');
    expect(route(cfg, { ...hit, cluster: 'production' }).rule).toBe('default');
    expect(route(cfg, { ...hit, resource: { ...hit.resource, namespace: 'billing-v2' } }).rule).toBe('default');
    expect(route(cfg, { ...hit, labels: { team: 'search', app: 'api' } }).rule).toBe('default');
    expect(route(cfg, { ...hit, labels: { app: 'api' } }).rule).toBe('default');
  });

  it('uses the owner namespace when the resource itself has none', () => {
    const a = anomaly({ resource: { kind: 'Pod', name: 'p' }, owner: { kind: 'Deployment', name: 'd', namespace: 'pay-api' } });
    expect(route(cfg, a).rule).toBe('payments-prod');
  });

  it('never matches a namespace rule for a cluster-scoped anomaly', () => {
    const node = anomaly({ kind: 'NodeDiskPressure', resource: { kind: 'Node', name: 'n1' }, owner: undefined });
    expect(route(cfg, node).rule).toBe('default');
  });

  it('treats an absent match field as "any" and names an unnamed rule by its index', () => {
    const d = route(cfg, anomaly({ kind: 'NodeNotReady', cluster: 'anything', severity: 'info', labels: {} }));
    expect(d.rule).toBe('rules[2]');
    expect(d.channels).toEqual([local('infra')]);
  });

  it('falls back to the default route when no rule matches', () => {
    const d = route(cfg, anomaly({ cluster: 'dev', labels: {} }));
    expect(d).toEqual({ rule: 'default', channels: [local('incidents')], policyId: 'default', autoResolve: { enabled: true, quietPeriodMs: 120_000 } });
  });

  it("inherits the global auto-resolve setting unless the rule sets its own", () => {
    expect(route(cfg, anomaly({ severity: 'critical' })).autoResolve).toEqual({ enabled: true, quietPeriodMs: 120_000 });
    // payments-prod sets only enabled: false; quietPeriod takes the schema default (5m), not the global 2m.
    expect(route(cfg, anomaly({ resource: { kind: 'Pod', name: 'p', namespace: 'pay-api' } })).autoResolve).toEqual({ enabled: false, quietPeriodMs: 300_000 });
    expect(route(cfg, anomaly({ cluster: 'staging' })).autoResolve).toEqual({ enabled: true, quietPeriodMs: 30_000 });
  });

  it('uses the default route auto-resolve when it sets one', () => {
    const own = config({
      autoResolve: { enabled: false },
      routing: { default: { channels: [local('incidents')], policy: 'default', autoResolve: { enabled: true, quietPeriod: '10m' } } },
    });
    expect(route(own, anomaly()).autoResolve).toEqual({ enabled: true, quietPeriodMs: 600_000 });
  });

  it('returns channel lists that do not alias the config', () => {
    const d = route(cfg, anomaly({ cluster: 'dev' }));
    d.channels[0]!.channel = 'changed';
    expect(cfg.routing.default.channels[0]!.channel).toBe('incidents');
  });
});

describe('glob matching', () => {
  it('matches exactly without a star and by prefix with a trailing star', () => {
    expect(globMatch('prod-eu', 'prod-eu')).toBe(true);
    expect(globMatch('prod-eu', 'prod-eu-2')).toBe(false);
    expect(globMatch('prod-*', 'prod-eu-2')).toBe(true);
    expect(globMatch('prod-*', 'prod-')).toBe(true);
    expect(globMatch('prod-*', 'preprod-eu')).toBe(false);
    expect(globMatch('*', 'anything')).toBe(true);
  });
});
