// The fake Discord is only worth its tests if it refuses what Discord refuses: this pins its wire
// behaviour (status codes, error bodies, nonce deduplication, paging, rate-limit headers).
import { FakeDiscord } from '../../fakes/discord/server';

let fake: FakeDiscord;
let channel: string;
beforeAll(async () => {
  fake = await FakeDiscord.start();
  channel = fake.addChannel('fake-test');
});
afterAll(async () => fake?.stop());

async function call(method: string, path: string, body?: unknown, token: string | null = fake.botToken) {
  const res = await fetch(`${fake.apiUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bot ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('the fake Discord', () => {
  it('answers 401 {message, code: 0} without the bot token or with a wrong one', async () => {
    expect(await call('GET', '/users/@me', undefined, null)).toMatchObject({ status: 401, body: { message: '401: Unauthorized', code: 0 } });
    expect((await call('GET', '/users/@me', undefined, 'wrong')).status).toBe(401);
    expect(await call('GET', '/users/@me')).toMatchObject({ status: 200, body: { id: fake.bot.id, bot: true } });
  });

  it('knows only its channels and messages (10003, 10008)', async () => {
    expect(await call('POST', '/channels/1000000000000000009/messages', { content: 'x' })).toMatchObject({ status: 404, body: { code: 10003, message: 'Unknown Channel' } });
    expect(await call('PATCH', `/channels/${channel}/messages/1000000000000000009`, { content: 'x' })).toMatchObject({ status: 404, body: { code: 10008 } });
  });

  it('refuses bodies over Discord\'s limits with 50035 and the nested field errors', async () => {
    const tooLong = await call('POST', `/channels/${channel}/messages`, { content: 'x'.repeat(2001) });
    expect(tooLong).toMatchObject({ status: 400, body: { code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } });
    const buttons = Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, label: `b${i}`, custom_id: `c${i}` }));
    expect((await call('POST', `/channels/${channel}/messages`, { components: [{ type: 1, components: buttons }] })).body.errors.components[0].components._errors).toBeDefined();
    const longId = await call('POST', `/channels/${channel}/messages`, { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'x', custom_id: 'i'.repeat(101) }] }] });
    expect(longId.body.errors.components[0].components[0].custom_id._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    const field = await call('POST', `/channels/${channel}/messages`, { embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] });
    expect(field.body.errors.embeds[0].fields[0].value._errors[0].message).toBe('Must be 1024 or fewer in length.');
    expect((await call('POST', `/channels/${channel}/messages`, {})).status).toBe(400);
    expect((await call('POST', `/channels/${channel}/messages`, { content: 'x', nonce: 'n'.repeat(26) })).status).toBe(400);
  });

  it('returns the first message for a repeated nonce with enforce_nonce, and stores a new one without it', async () => {
    const a = await call('POST', `/channels/${channel}/messages`, { content: 'once', nonce: 'nonce-1', enforce_nonce: true });
    const b = await call('POST', `/channels/${channel}/messages`, { content: 'once', nonce: 'nonce-1', enforce_nonce: true });
    expect(b.body.id).toBe(a.body.id);
    const c = await call('POST', `/channels/${channel}/messages`, { content: 'once', nonce: 'nonce-1' });
    expect(c.body.id).not.toBe(a.body.id);
  });

  it('pages messages newest first, at most 100, with before and after', async () => {
    const ch = fake.addChannel('paging');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call('POST', `/channels/${ch}/messages`, { content: `m${i}` })).body.id);
    expect((await call('GET', `/channels/${ch}/messages?limit=2`)).body.map((m: any) => m.content)).toEqual(['m4', 'm3']);
    expect((await call('GET', `/channels/${ch}/messages?limit=2&before=${ids[3]}`)).body.map((m: any) => m.content)).toEqual(['m2', 'm1']);
    expect((await call('GET', `/channels/${ch}/messages?limit=2&after=${ids[0]}`)).body.map((m: any) => m.content)).toEqual(['m2', 'm1']);
    expect((await call('GET', `/channels/${ch}/messages?limit=101`)).status).toBe(400);
  });

  it('opens one thread per message, with the message id, and says so for a second one (160004)', async () => {
    const msg = (await call('POST', `/channels/${channel}/messages`, { content: 'alert' })).body;
    expect(await call('POST', `/channels/${channel}/messages/${msg.id}/threads`, { name: 't' })).toMatchObject({ status: 201, body: { id: msg.id, type: 11, parent_id: channel } });
    expect(await call('POST', `/channels/${channel}/messages/${msg.id}/threads`, { name: 't' })).toMatchObject({ status: 400, body: { code: 160004 } });
  });

  it('sends 429 with retry_after and the rate-limit headers when told to, then answers again', async () => {
    fake.failNext('GET', /^\/users\/@me$/, 429, { retryAfter: 1.5 });
    const limited = await call('GET', '/users/@me');
    expect(limited).toMatchObject({ status: 429, body: { retry_after: 1.5, global: false } });
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    const ok = await call('GET', '/users/@me');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]+$/);
  });
});
