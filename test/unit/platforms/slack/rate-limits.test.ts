import { configProblems, testConfig } from '../../../helpers/config';
import { SLACK_RATE_LIMITS } from '../../../../platforms/slack/config';

const slack = (rateLimits?: unknown) => (raw: Record<string, any>) => {
  raw.platforms.slack = { enabled: true, botToken: { fromEnv: 'SLACK_BOT_TOKEN' }, signingSecret: { fromEnv: 'SLACK_SIGNING_SECRET' }, ...(rateLimits === undefined ? {} : { rateLimits }) };
};

describe('platforms.slack.rateLimits', () => {
  it('is on by default with a one-minute max wait, Slack’s published tiers applying to every method', () => {
    expect(testConfig(slack()).platforms.slack!.rateLimits).toEqual({ enabled: true, maxWait: 60_000, methods: {} });
    expect(SLACK_RATE_LIMITS['chat.postMessage']).toEqual({ perMinute: 60, burst: 3, perChannel: true });
    expect(SLACK_RATE_LIMITS['chat.update']!.perMinute).toBe(50);
    expect(SLACK_RATE_LIMITS['users.lookupByEmail']!.perMinute).toBe(100);
  });

  it('takes per-method budgets and a max wait', () => {
    const cfg = testConfig(slack({ maxWait: '2m', methods: { 'conversations.history': { perMinute: 1, burst: 1 } } }));
    expect(cfg.platforms.slack!.rateLimits).toEqual({ enabled: true, maxWait: 120_000, methods: { 'conversations.history': { perMinute: 1, burst: 1, perChannel: false } } });
  });

  it('refuses a method that is not a Web API method name, a zero budget and a max wait out of range, saying what is expected', () => {
    expect(configProblems(slack({ methods: { postMessage: { perMinute: 1, burst: 1 } } })).join('\n')).toMatch(/rateLimits\.methods\.postMessage: "postMessage" is not a Web API method name: expected one such as chat\.update/);
    expect(configProblems(slack({ methods: { 'chat.update': { perMinute: 0, burst: 1 } } })).join('\n')).toMatch(/rateLimits.*chat\.update.*perMinute/);
    expect(configProblems(slack({ maxWait: '1h' })).join('\n')).toMatch(/rateLimits.*maxWait.*expected a duration between/);
  });
});
