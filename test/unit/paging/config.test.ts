// paging.pagerduty in the config: defaults, and clear errors for what cannot work.
import { parseConfig } from '../../../config/load';
import { configProblems, exampleRaw } from '../../helpers/config';

const problems = configProblems;

describe('the PagerDuty config', () => {
  it('defaults to the public Events API and a 10 s request timeout', () => {
    const raw = exampleRaw();
    raw.paging = { pagerduty: { enabled: true, routingKey: { fromEnv: 'PD_KEY' } } };
    expect(parseConfig(raw, 'test').paging.pagerduty).toEqual({ enabled: true, url: 'https://events.pagerduty.com', routingKey: { fromEnv: 'PD_KEY' }, people: {}, requestTimeout: 10_000 });
  });

  it('needs a routing key when enabled', () => {
    expect(problems((raw) => (raw.paging = { pagerduty: { enabled: true } }))).toEqual([
      'paging.pagerduty.routingKey: PagerDuty needs a routing key: set routingKey (a service integration key) or people.<id>',
    ]);
  });

  it('refuses a routing key written into the file instead of a secret reference', () => {
    expect(problems((raw) => (raw.paging = { pagerduty: { enabled: true, routingKey: 'r'.repeat(32) } }))[0]).toMatch(/^paging\.pagerduty\.routingKey: /);
  });

  it('names routing keys of people who are not on the roster', () => {
    expect(problems((raw) => (raw.paging = { pagerduty: { enabled: true, people: { zed: { fromEnv: 'PD_ZED' } } } }))).toEqual([
      'paging.pagerduty.people.zed: unknown person "zed"; routing keys are per roster person',
    ]);
  });

  it('refuses an escalation level that pages via PagerDuty while PagerDuty is off', () => {
    expect(problems((raw) => (raw.escalationPolicies[0].levels[1].via = ['chat', 'pagerduty']))).toEqual([
      'escalationPolicies[0].levels[1].via: pages via "pagerduty" but paging.pagerduty is not enabled',
    ]);
  });
});
