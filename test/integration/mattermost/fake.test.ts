// The fake Mattermost is only worth its tests if it refuses what Mattermost refuses. Raw HTTP
// against it, no adapter in between.
import { FakeMattermost } from '../../fakes/mattermost/server';
import { newId } from '../../fakes/mattermost/workspace';

let fake: FakeMattermost;
beforeAll(async () => {
  fake = await FakeMattermost.start({ triggerTtlMs: 200 });
});
afterAll(async () => fake?.stop());

const api = async (method: string, path: string, body?: unknown, token = fake.botToken) => {
  const res = await fetch(`${fake.url}/api/v4${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (res.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : text };
};

describe('the fake Mattermost', () => {
  it('refuses a wrong token with Mattermost\'s error body', async () => {
    const res = await api('GET', '/users/me', undefined, 'nope');
    expect(res).toMatchObject({ status: 401, body: { id: 'api.context.session_expired.app_error', message: expect.any(String), status_code: 401 } });
  });

  it('refuses unknown channels, posts over 16383 runes, roots from another channel and replies to replies', async () => {
    const channel = fake.addChannel('strict');
    expect((await api('POST', '/posts', { channel_id: newId(), message: 'x' })).body).toMatchObject({ status_code: 404, id: 'app.channel.get.existing.app_error' });
    expect((await api('POST', '/posts', { channel_id: channel, message: 'é'.repeat(16_384) })).body).toMatchObject({ status_code: 400, id: 'model.post.is_valid.msg.app_error' });
    expect((await api('POST', '/posts', { channel_id: channel, message: 'é'.repeat(16_383) })).status).toBe(201);
    const elsewhere = await api('POST', '/posts', { channel_id: fake.addChannel('elsewhere'), message: 'root' });
    expect((await api('POST', '/posts', { channel_id: channel, message: 'r', root_id: elsewhere.body.id })).body).toMatchObject({ status_code: 400, id: 'api.post.create_post.root_id.app_error' });
    const root = await api('POST', '/posts', { channel_id: channel, message: 'root' });
    const reply = await api('POST', '/posts', { channel_id: channel, message: 'reply', root_id: root.body.id });
    expect(reply.status).toBe(201);
    expect((await api('POST', '/posts', { channel_id: channel, message: 'r2', root_id: reply.body.id })).status).toBe(400);
  });

  it('refuses buttons Mattermost could not route, and never shows their integration to clients', async () => {
    const channel = fake.addChannel('buttons');
    const button = (action: Record<string, unknown>) => ({ channel_id: channel, message: 'x', props: { attachments: [{ actions: [{ name: 'Ack', integration: { url: 'http://127.0.0.1:1/a', context: { secret: 's' } }, ...action }] }] } });
    expect((await api('POST', '/posts', button({ id: 'not_alnum' }))).status).toBe(400);
    expect((await api('POST', '/posts', button({ id: 'ack', integration: { url: '/relative' } }))).status).toBe(400);
    const ok = await api('POST', '/posts', button({ id: 'ack' }));
    expect(ok.status).toBe(201);
    expect(ok.body.props.attachments[0].actions[0]).toEqual({ id: 'ack', name: 'Ack' });
    expect(JSON.stringify((await api('GET', `/channels/${channel}/posts?page=0&per_page=10`)).body)).not.toContain('integration');
  });

  it('lets the bot edit only its own posts, and answers 429 with X-RateLimit-Reset', async () => {
    const channel = fake.addChannel('edits');
    const user = fake.addUser('someone');
    const mine = await api('POST', '/posts', { channel_id: channel, message: 'mine' });
    expect((await api('PUT', `/posts/${mine.body.id}/patch`, { message: 'edited' })).body).toMatchObject({ message: 'edited', edit_at: expect.any(Number) });
    fake.state.posts.push({ ...fake.post(mine.body.id)!, id: newId(), user_id: user.id });
    expect((await api('PUT', `/posts/${fake.state.posts.at(-1)!.id}/patch`, { message: 'x' })).status).toBe(403);
    fake.failNext('posts.create', 429, { reset: 3 });
    const limited = await api('POST', '/posts', { channel_id: channel, message: 'x' });
    expect(limited).toMatchObject({ status: 429, body: 'limit exceeded\n' });
    expect(limited.headers.get('x-ratelimit-reset')).toBe('3');
  });

  it('opens a dialog once per trigger id, and not after the trigger expired', async () => {
    const channel = fake.addChannel('dialogs');
    const dialog = { trigger_id: '', url: 'http://127.0.0.1:1/d', dialog: { title: 'Resolve incident', callback_id: 'c', elements: [{ display_name: 'Summary', name: 'summary', type: 'textarea' }] } };
    const trigger = fake.issueTrigger(fake.bot.id, channel);
    expect((await api('POST', '/actions/dialogs/open', { ...dialog, trigger_id: trigger })).status).toBe(200);
    expect((await api('POST', '/actions/dialogs/open', { ...dialog, trigger_id: trigger })).status).toBe(400);
    expect((await api('POST', '/actions/dialogs/open', { ...dialog, trigger_id: fake.issueTrigger(fake.bot.id, channel), dialog: { ...dialog.dialog, title: 'A title longer than twenty-four' } })).status).toBe(400);
    const late = fake.issueTrigger(fake.bot.id, channel);
    await new Promise((r) => setTimeout(r, 300));
    expect((await api('POST', '/actions/dialogs/open', { ...dialog, trigger_id: late })).body).toMatchObject({ id: 'interactive_message.decode_trigger_id.expired' });
  });
});
