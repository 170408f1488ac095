// platforms.teams in the config: secure defaults and errors that say what to fix.
import { parseConfig } from '../../../../config/load';
import { configProblems, exampleRaw } from '../../../helpers/config';

const problems = configProblems;

const ops = { conversationId: '19:ops@thread.tacv2', serviceUrl: 'https://smba.trafficmanager.net/emea/' };

describe('the Teams config', () => {
  it('checks tokens by default and points at the public Bot Framework endpoints', () => {
    const raw = exampleRaw();
    raw.platforms.teams = { enabled: true, appId: 'app', appPassword: { fromEnv: 'TEAMS_APP_PASSWORD' }, channels: { ops } };
    expect(parseConfig(raw, 'test').platforms.teams).toMatchObject({
      allowUnauthenticated: false,
      serviceUrl: 'https://smba.trafficmanager.net/teams/',
      endpoints: { openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration', tokenIssuer: 'https://api.botframework.com', oauthScope: 'https://api.botframework.com' },
      requestTimeout: 10_000,
    });
  });

  it('needs the app id and password unless unauthenticated development is asked for explicitly', () => {
    expect(problems((raw) => (raw.platforms.teams = { enabled: true }))).toEqual([
      "platforms.teams.appId: Teams needs the bot's Microsoft App ID (or allowUnauthenticated: true for local development only)",
      'platforms.teams.appPassword: Teams needs the app password as a secret, e.g. { fromEnv: TEAMS_APP_PASSWORD }',
    ]);
    expect(problems((raw) => (raw.platforms.teams = { enabled: true, allowUnauthenticated: true }))).toEqual([]);
  });

  it('names a routed Teams channel that is not defined', () => {
    expect(
      problems((raw) => {
        raw.platforms.teams = { enabled: true, appId: 'app', appPassword: { fromEnv: 'X' }, channels: { ops } };
        raw.routing.default.channels = [{ platform: 'teams', channel: 'war-room' }];
      }),
    ).toEqual(['routing.default.channels[0].channel: unknown Teams channel "war-room": define it under platforms.teams.channels (known: "ops")']);
  });

  it('rejects a channel without its service URL', () => {
    expect(problems((raw) => (raw.platforms.teams = { enabled: true, allowUnauthenticated: true, channels: { ops: { conversationId: '19:x' } } }))[0]).toMatch(
      /^platforms\.teams\.channels\.ops\.serviceUrl: /,
    );
  });
});
