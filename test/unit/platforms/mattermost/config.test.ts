// platforms.mattermost in the config: off by default, and when on, errors that say what to set.
import { configProblems, testConfig } from '../../../helpers/config';

const ID = { channel: 'c'.repeat(26), user: 'u'.repeat(26) };
const full = { enabled: true, url: 'https://chat.example.com', botToken: { fromEnv: 'MM_BOT' }, commandTokens: [{ fromEnv: 'MM_CMD' }], actionSecret: { fromFile: '/run/secrets/mm-action' } };

describe('platforms.mattermost config', () => {
  it('is absent by default, and enabled with defaults when given its server, secrets and command tokens', () => {
    expect(testConfig().platforms.mattermost).toBeUndefined();
    const cfg = testConfig((raw) => {
      raw.api = { ...raw.api, publicUrl: 'https://incidents.example.com' };
      raw.platforms.mattermost = full;
    });
    expect(cfg.platforms.mattermost).toEqual({ ...full, requestTimeout: 10_000, dedupeScan: 200, lookupUsersByEmail: false, rateLimits: expect.objectContaining({ enabled: true }) });
  });

  it('names everything missing when enabled, including where button clicks should go', () => {
    const none = (raw: Record<string, any>) => {
      raw.platforms.mattermost = { enabled: true };
      delete raw.api.publicUrl; // the example sets it
    };
    expect(configProblems(none)).toEqual([
      expect.stringMatching(/^platforms\.mattermost\.url: is required when Mattermost is enabled: the server's base URL/),
      expect.stringMatching(/^platforms\.mattermost\.botToken: is required when Mattermost is enabled: the bot account's access token/),
      expect.stringMatching(/^platforms\.mattermost\.actionSecret: is required when Mattermost is enabled: a long random secret/),
      expect.stringMatching(/^platforms\.mattermost\.commandTokens: needs the token of each slash command/),
      expect.stringMatching(/^platforms\.mattermost\.actionsUrl: Mattermost sends button clicks to the api: set actionsUrl .* or api\.publicUrl$/),
    ]);
    const withActionsUrl = (raw: Record<string, any>) => {
      none(raw);
      raw.platforms.mattermost = { ...full, actionsUrl: 'http://api.incidents.svc:8080' };
    };
    expect(configProblems(withActionsUrl)).toEqual([]);
    expect(configProblems((raw) => (raw.platforms.mattermost = { enabled: false }))).toEqual([]);
  });

  it('refuses inline secrets, unknown keys and a timeout outside 100ms..60s', () => {
    const with_ = (extra: object) => configProblems((raw) => (raw.platforms.mattermost = { ...full, actionsUrl: 'http://x', ...extra })).join('\n');
    expect(with_({ botToken: 'abc' })).toMatch(/platforms\.mattermost\.botToken/);
    expect(with_({ token: 'x' })).toMatch(/unknown key\(s\) "token"/);
    expect(with_({ requestTimeout: '5m' })).toMatch(/platforms\.mattermost\.requestTimeout: expected a duration between/);
  });

  it('wants Mattermost ids in routes and people, and Mattermost enabled for routes to it', () => {
    const route = (channel: string) => (raw: Record<string, any>) => (raw.routing.default.channels = [{ platform: 'mattermost', channel }]);
    expect(configProblems(route(ID.channel))).toEqual(['routing.default.channels[0].platform: routes to Mattermost but platforms.mattermost is not enabled']);
    expect(
      configProblems((raw) => {
        route('town-square')(raw);
        raw.platforms.mattermost = { ...full, actionsUrl: 'http://x' };
        raw.people[0].chat = { mattermost: 'alice' };
      }),
    ).toEqual([
      'routing.default.channels[0].channel: "town-square" is not a Mattermost channel ID: use the 26-character ID (channel menu > View Info), not the name',
      'people[0].chat.mattermost: "alice" is not a Mattermost user ID: use the 26-character ID (System Console > Users shows it), not the username',
    ]);
    expect(
      configProblems((raw) => {
        route(ID.channel)(raw);
        raw.platforms.mattermost = { ...full, actionsUrl: 'http://x' };
        raw.people[0].chat = { mattermost: ID.user };
      }),
    ).toEqual([]);
  });
});
