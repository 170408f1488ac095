import { configProblems, testConfig } from '../../../helpers/config';

const mattermost = (rateLimits?: unknown) => (raw: Record<string, any>) => {
  const s = { fromEnv: 'MM_SECRET' };
  raw.platforms.mattermost = { enabled: true, url: 'http://127.0.0.1:8065', botToken: s, commandTokens: [s], actionSecret: s, ...(rateLimits === undefined ? {} : { rateLimits }) };
};

describe('platforms.mattermost.rateLimits', () => {
  it('is on by default at Mattermost’s own defaults: 10 requests a second per token with a burst of 100', () => {
    expect(testConfig(mattermost()).platforms.mattermost!.rateLimits).toEqual({ enabled: true, maxWait: 60_000, perToken: { perMinute: 600, burst: 100 } });
  });

  it('takes the server’s configured limit and can be switched off', () => {
    expect(testConfig(mattermost({ perToken: { perMinute: 300, burst: 10 } })).platforms.mattermost!.rateLimits.perToken).toEqual({ perMinute: 300, burst: 10 });
    expect(testConfig(mattermost({ enabled: false })).platforms.mattermost!.rateLimits.enabled).toBe(false);
  });

  it('refuses a zero budget, an unknown key and a max wait out of range', () => {
    expect(configProblems(mattermost({ perToken: { perMinute: 0, burst: 1 } })).join('\n')).toMatch(/rateLimits.*perToken.*perMinute/);
    expect(configProblems(mattermost({ perSecond: 10 })).join('\n')).toMatch(/rateLimits.*perSecond/);
    expect(configProblems(mattermost({ maxWait: '1h' })).join('\n')).toMatch(/rateLimits.*maxWait.*expected a duration between/);
  });
});
