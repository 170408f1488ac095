// platforms.discord in the config: off by default, and when on, what it needs, with ids checked
// for their shape (Discord names everything by snowflakes, never by name).
import { parseConfig } from '../../../../config/load';
import { configProblems, exampleRaw } from '../../../helpers/config';

const APP = '1234567890123456789';
const KEY = 'ab'.repeat(32);
const CHANNEL = '1111111111111111111';
const enabled = { enabled: true, applicationId: APP, publicKey: KEY, botToken: { fromEnv: 'DISCORD_BOT_TOKEN' } };

describe('the Discord config', () => {
  it('is absent by default, and when enabled points at Discord API v10 with 10 s calls and a 200-message scan', () => {
    expect(parseConfig(exampleRaw(), 'test').platforms.discord).toBeUndefined();
    const raw = exampleRaw();
    raw.platforms.discord = enabled;
    expect(parseConfig(raw, 'test').platforms.discord).toEqual({ ...enabled, apiUrl: 'https://discord.com/api/v10', requestTimeout: 10_000, dedupeScan: 200, rateLimits: expect.objectContaining({ enabled: true }) });
  });

  it('names what is missing when enabled, and where to find it', () => {
    expect(configProblems((raw) => (raw.platforms.discord = { enabled: true }))).toEqual([
      'platforms.discord.applicationId: is required when Discord is enabled: the Application ID from the Developer Portal (General Information)',
      'platforms.discord.publicKey: is required when Discord is enabled: the Public Key from the Developer Portal (General Information), 64 hex characters',
      'platforms.discord.botToken: is required when Discord is enabled: the bot token as a secret, e.g. { fromEnv: DISCORD_BOT_TOKEN }',
    ]);
    expect(configProblems((raw) => (raw.platforms.discord = { enabled: false }))).toEqual([]);
  });

  it('refuses a malformed application id or public key, an inline token and unknown keys', () => {
    const problems = configProblems((raw) => (raw.platforms.discord = { ...enabled, applicationId: 'my-app', publicKey: 'xyz', botToken: 'MTIz.abc', token: 'x' })).join('\n');
    expect(problems).toMatch(/applicationId: expected the application id .*17 to 20 digits/);
    expect(problems).toMatch(/publicKey: expected the application's public key: 64 hex characters/);
    expect(problems).toMatch(/platforms\.discord\.botToken/);
    expect(problems).toMatch(/unknown key\(s\) "token"/);
  });

  it('routes to Discord channels by id, and only while Discord is enabled', () => {
    const route = (channel: string) => (raw: Record<string, any>) => {
      raw.platforms.discord = enabled;
      raw.routing.default.channels = [{ platform: 'discord', channel }];
    };
    expect(configProblems(route(CHANNEL))).toEqual([]);
    expect(configProblems(route('#incidents'))).toEqual([
      'routing.default.channels[0].channel: "#incidents" is not a Discord channel id: route Discord channels by id (a snowflake of 17 to 20 digits; turn on Developer Mode in Discord (Settings > Advanced), right-click the channel, then "Copy Channel ID")',
    ]);
    expect(configProblems((raw) => (raw.routing.rules[0].channels = [{ platform: 'discord', channel: CHANNEL }]))).toEqual([
      'routing.rules[0].channels[0].platform: routes to Discord, but platforms.discord is not enabled: set platforms.discord.enabled and its applicationId, publicKey and botToken',
    ]);
  });

  it('expects people[].chat.discord to be a user id, not a user name', () => {
    expect(configProblems((raw) => (raw.people[0].chat.discord = 'alice#1234'))).toEqual([
      'people[0].chat.discord: "alice#1234" is not a Discord user id: use the user\'s id (a snowflake of 17 to 20 digits; turn on Developer Mode in Discord (Settings > Advanced), right-click the user, then "Copy User ID"), not their name',
    ]);
    expect(configProblems((raw) => (raw.people[0].chat.discord = '222222222222222222'))).toEqual([]);
  });
});
