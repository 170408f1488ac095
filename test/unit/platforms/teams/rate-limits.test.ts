import { configProblems, testConfig } from '../../../helpers/config';

const teams = (rateLimits?: unknown) => (raw: Record<string, any>) => {
  raw.platforms.teams = { enabled: true, appId: 'app', appPassword: { fromEnv: 'TEAMS_APP_PASSWORD' }, ...(rateLimits === undefined ? {} : { rateLimits }) };
};

describe('platforms.teams.rateLimits', () => {
  it('is on by default at the Bot Framework’s limits: 60 per 30 s (burst 7) per conversation, 50 a second per bot', () => {
    expect(testConfig(teams()).platforms.teams!.rateLimits).toEqual({ enabled: true, maxWait: 60_000, perConversation: { perMinute: 120, burst: 7 }, perBot: { perMinute: 3_000, burst: 50 } });
  });

  it('takes other budgets and refuses a zero one', () => {
    expect(testConfig(teams({ perConversation: { perMinute: 30, burst: 3 } })).platforms.teams!.rateLimits.perConversation).toEqual({ perMinute: 30, burst: 3 });
    expect(configProblems(teams({ perBot: { perMinute: 10, burst: 0 } })).join('\n')).toMatch(/rateLimits.*perBot.*burst/);
  });
});
