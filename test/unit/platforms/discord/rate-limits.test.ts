import { configProblems, testConfig } from '../../../helpers/config';
import { DISCORD_GLOBAL_LIMIT, DISCORD_ROUTE_LIMITS } from '../../../../platforms/discord/config';
import { discordRoute } from '../../../../platforms/discord/outbound/limits';

const discord = (rateLimits?: unknown) => (raw: Record<string, any>) => {
  raw.platforms.discord = { enabled: true, applicationId: '123456789012345678', publicKey: 'ab'.repeat(32), botToken: { fromEnv: 'DISCORD_BOT_TOKEN' }, ...(rateLimits === undefined ? {} : { rateLimits }) };
};

describe('platforms.discord.rateLimits', () => {
  it('is on by default: 50 requests a second globally, 5 per 5 s per channel for creating and editing messages', () => {
    expect(testConfig(discord()).platforms.discord!.rateLimits).toEqual({ enabled: true, maxWait: 60_000, global: { perMinute: 3_000, burst: 50 }, routes: {} });
    expect(DISCORD_GLOBAL_LIMIT).toEqual({ perMinute: 3_000, burst: 50 });
    expect(DISCORD_ROUTE_LIMITS['POST /channels/:id/messages']).toEqual({ perMinute: 60, burst: 5 });
  });

  it('takes budgets per route and a max wait', () => {
    const cfg = testConfig(discord({ maxWait: '2m', routes: { 'GET /channels/:id/messages': { perMinute: 30, burst: 2 } } }));
    expect(cfg.platforms.discord!.rateLimits).toMatchObject({ maxWait: 120_000, routes: { 'GET /channels/:id/messages': { perMinute: 30, burst: 2 } } });
  });

  it('refuses a route with a literal id or without a method, saying what is expected', () => {
    expect(configProblems(discord({ routes: { 'POST /channels/123456789012345678/messages': { perMinute: 1, burst: 1 } } })).join('\n')).toMatch(/is not a route: expected a method and a path with :id for ids, such as "POST \/channels\/:id\/messages"/);
    expect(configProblems(discord({ routes: { '/channels/:id/messages': { perMinute: 1, burst: 1 } } })).join('\n')).toMatch(/is not a route/);
  });
});

describe('Discord rate-limit buckets', () => {
  it('name the route with :id for ids and keep one bucket per channel (Discord’s major parameter)', () => {
    expect(discordRoute('POST', '/channels/123456789012345678/messages')).toEqual({ route: 'POST /channels/:id/messages', bucket: 'Discord POST /channels/:id/messages of /channels/123456789012345678' });
    expect(discordRoute('PATCH', '/channels/123456789012345678/messages/223456789012345678').route).toBe('PATCH /channels/:id/messages/:id');
    expect(discordRoute('POST', '/users/@me/channels')).toEqual({ route: 'POST /users/@me/channels', bucket: 'Discord POST /users/@me/channels' });
  });
});
