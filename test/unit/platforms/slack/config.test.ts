// platforms.slack in the config: off by default, and when on, the secrets its mode needs.
import { ConfigError } from '../../../../config/load';
import { testConfig } from '../../../helpers/config';

const problems = (slack: unknown): string[] => {
  try {
    testConfig((raw) => {
      raw.platforms = { ...raw.platforms, slack };
    });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('platforms.slack config', () => {
  it('is absent by default, and enabled with http-mode defaults when given its secrets', () => {
    expect(testConfig().platforms.slack).toBeUndefined();
    const cfg = testConfig((raw) => {
      raw.platforms.slack = { enabled: true, botToken: { fromEnv: 'SLACK_BOT_TOKEN' }, signingSecret: { fromFile: '/run/secrets/slack-signing' } };
    });
    expect(cfg.platforms.slack).toEqual({
      enabled: true,
      mode: 'http',
      botToken: { fromEnv: 'SLACK_BOT_TOKEN' },
      signingSecret: { fromFile: '/run/secrets/slack-signing' },
      slackApiUrl: 'https://slack.com/api/',
      requestTimeout: 10_000,
      dedupeScan: 200,
      lookupUsersByEmail: false,
      // Budgets are on by default; per-method overrides are empty (the defaults live in SLACK_RATE_LIMITS).
      rateLimits: { enabled: true, maxWait: 60_000, methods: {} },
    });
  });

  it('names the missing secret for each mode', () => {
    expect(problems({ enabled: true })).toEqual([
      expect.stringMatching(/^platforms\.slack\.botToken: is required when Slack is enabled/),
      expect.stringMatching(/^platforms\.slack\.signingSecret: is required when Slack is enabled in http mode/),
    ]);
    expect(problems({ enabled: true, mode: 'socket', botToken: { fromEnv: 'B' } })).toEqual([expect.stringMatching(/^platforms\.slack\.appToken: is required .* socket mode/)]);
    expect(problems({ enabled: false })).toEqual([]);
  });

  it('refuses secrets written inline, unknown keys and a timeout outside 100ms..60s', () => {
    expect(problems({ enabled: true, botToken: 'xoxb-123', signingSecret: { fromEnv: 'S' } }).join('\n')).toMatch(/platforms\.slack\.botToken/);
    expect(problems({ enabled: true, botToken: { fromEnv: 'B' }, signingSecret: { fromEnv: 'S' }, token: 'x' }).join('\n')).toMatch(/unknown key\(s\) "token"/);
    expect(problems({ enabled: true, botToken: { fromEnv: 'B' }, signingSecret: { fromEnv: 'S' }, requestTimeout: '5m' }).join('\n')).toMatch(/requestTimeout: expected a duration between/);
  });
});
