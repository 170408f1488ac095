// The local chat service as the worker's adapter and the page use it, against a real api process
// (and a real Temporal dev server for the commands), without a worker.
import { startStack, type Stack } from '../../helpers/stack';
import type { LocalMessage } from '../../../platforms/local/shared/protocol';
import { createLocalChat } from '../../../platforms/local/outbound/adapter';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => stack?.stop());

async function call(method: string, payload: unknown, s: Stack = stack): Promise<any> {
  const res = await s.request(`/local-chat/api/${method}`, { json: payload });
  expect(res.status).toBe(200); // protocol errors are { ok: false } with HTTP 200, like Slack
  return res.json();
}
const get = async (path: string, s: Stack = stack): Promise<any> => (await s.request(`/local-chat/api${path}`)).json();

describe('local chat protocol', () => {
  it('posts a message and returns the same message when the key repeats', async () => {
    const first = await call('chat.postMessage', { channel: 'proto-post', text: 'alert', key: 'incident/a/b@t/alert', incidentId: 'incident/a/b' });
    expect(first).toEqual({ ok: true, message: expect.objectContaining({ channel: 'proto-post', text: 'alert', user: 'bot', incidentId: 'incident/a/b', mentions: [] }) });
    const again = await call('chat.postMessage', { channel: 'proto-post', text: 'alert', key: 'incident/a/b@t/alert' });
    expect(again.message.id).toBe(first.message.id);
    const { messages } = await get('/channels/proto-post/messages');
    expect(messages).toHaveLength(1);
  });

  it('gives the worker\'s retried post (which carries a retry hint) the first message, not an error', async () => {
    const chat = createLocalChat({ url: stack.url });
    const req = { channel: 'proto-retry', text: '@carol you are paged', key: 'incident/a/b@t/page/L1R0/carol/mention', mentions: ['carol'] };
    const first = await chat.post(req);
    const retried = await chat.post({ ...req, retrySince: Date.now() - 30_000 });
    expect(retried.id).toBe(first.id);
    expect((await get('/channels/proto-retry/messages')).messages).toHaveLength(1);
  });

  it('finds a message by key, or answers null', async () => {
    const posted = await call('chat.postMessage', { channel: 'proto-find', text: 'x', key: 'k1' });
    expect(await call('chat.find', { channel: 'proto-find', key: 'k1' })).toEqual({ ok: true, message: posted.message });
    expect(await call('chat.find', { channel: 'proto-find', key: 'k2' })).toEqual({ ok: true, message: null });
  });

  it('updates a message and names unknown channels and messages', async () => {
    const { message } = await call('chat.postMessage', { channel: 'proto-update', text: 'v1', card: { status: 'triggered' } });
    const updated = await call('chat.update', { channel: 'proto-update', id: message.id, text: 'v2', card: { status: 'acknowledged' } });
    expect(updated.message).toMatchObject({ id: message.id, text: 'v2', card: { status: 'acknowledged' } });
    expect(await call('chat.update', { channel: 'never-used', id: message.id, text: 'x' })).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect(await call('chat.update', { channel: 'proto-update', id: 'm999999', text: 'x' })).toMatchObject({ ok: false, error: 'message_not_found' });
  });

  it('sends direct messages to dm-<user>, once per key', async () => {
    const a = await call('chat.dm', { user: 'alice', text: 'you are paged', key: 'page/1' });
    const b = await call('chat.dm', { user: 'alice', text: 'you are paged', key: 'page/1' });
    expect(a.message).toMatchObject({ channel: 'dm-alice', mentions: ['alice'] });
    expect(b.message.id).toBe(a.message.id);
  });

  it('answers invalid_arguments with the fields, for bad values and for bodies that are not JSON', async () => {
    const bad = await call('chat.postMessage', { channel: 'Not A Channel', text: '' , bogus: 1 });
    expect(bad).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(bad.detail).toMatch(/channel: channel names are lowercase/);
    expect(bad.detail).toMatch(/text:/);
    expect(bad.detail).toMatch(/bogus/);
    const res = await fetch(`${stack.url}/local-chat/api/chat.postMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"channel":' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: false, error: 'invalid_arguments' });
  });

  it('answers unknown_method for methods it does not have', async () => {
    expect(await call('chat.delete', { channel: 'x', id: 'm1' })).toMatchObject({ ok: false, error: 'unknown_method' });
  });

  it('rejects a thread reply to a message that is not in the channel', async () => {
    const { message } = await call('chat.postMessage', { channel: 'proto-thread-a', text: 'root' });
    expect(await call('chat.postMessage', { channel: 'proto-thread-b', text: 'reply', threadId: message.id })).toMatchObject({ ok: false, error: 'message_not_found' });
  });
});

describe('local chat page endpoints', () => {
  it('lists channels and a channel with its thread replies', async () => {
    const { message: root } = await call('chat.postMessage', { channel: 'page-list', text: 'root' });
    await call('chat.postMessage', { channel: 'page-list', text: 'reply', threadId: root.id });
    const { channels } = await get('/channels');
    expect(channels).toContainEqual(expect.objectContaining({ name: 'page-list', messages: 2 }));
    const { messages } = await get('/channels/page-list/messages');
    expect(messages.map((m: LocalMessage) => [m.text, m.threadId])).toEqual([
      ['root', undefined],
      ['reply', root.id],
    ]);
  });

  it('lists the roster people who have a local chat name', async () => {
    const { users } = await get('/users');
    expect(users).toEqual([
      { user: 'alice', personId: 'alice', name: 'Alice Liddell', roles: ['responder'] },
      { user: 'bob', personId: 'bob', name: 'Bob Marley', roles: ['responder'] },
      { user: 'carol', personId: 'carol', name: 'Carol Danvers', roles: ['responder', 'admin'] },
    ]);
  });

  it('streams new and updated messages as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${stack.url}/local-chat/api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    try {
      const { message } = await call('chat.postMessage', { channel: 'page-events', text: 'live' });
      await call('chat.update', { channel: 'page-events', id: message.id, text: 'live v2' });
      let text = '';
      const decoder = new TextDecoder();
      while (!text.includes('live v2')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      const events = text.split('\n\n').filter((e) => e.startsWith('event: message'));
      expect(events.map((e) => JSON.parse(e.split('\ndata: ')[1]!).text)).toEqual(['live', 'live v2']);
    } finally {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    }
  });

  it('answers help to a command as an ephemeral reply and posts nothing', async () => {
    const res = await call('command', { user: 'alice', channel: 'page-cmd', text: '/incident help' });
    expect(res).toMatchObject({ ok: true, reply: { ephemeral: true, text: expect.stringContaining('Incident commands:') }, posted: [] });
    expect((await get('/channels/page-cmd/messages')).messages).toEqual([]);
  });

  it('asks which incident when an action is typed outside a thread without an id', async () => {
    const res = await call('command', { user: 'alice', channel: 'page-cmd', text: '/ack' });
    expect(res.reply).toMatchObject({ ephemeral: true, text: expect.stringMatching(/^Which incident\?/) });
  });

  it('takes the incident from the thread a command is typed in', async () => {
    const { message } = await call('chat.postMessage', { channel: 'page-cmd', text: 'alert', incidentId: 'incident/page/missing' });
    const res = await call('command', { user: 'alice', channel: 'page-cmd', threadId: message.id, text: '/ack' });
    expect(res.reply).toMatchObject({ ephemeral: true, incidentId: 'incident/page/missing', text: expect.stringContaining('No incident "incident/page/missing"') });
  });

  it('lists incidents for a command through visibility', async () => {
    const res = await call('command', { user: 'bob', channel: 'page-cmd', text: '/incident list' });
    expect(res.reply).toMatchObject({ ephemeral: true, text: 'No open incidents.' });
  });

  it('answers button presses on unknown incidents with an ephemeral explanation', async () => {
    const res = await call('interact', { user: 'mallory', incidentId: 'incident/page/missing', action: 'ack' });
    expect(res.reply).toMatchObject({ ephemeral: true, text: expect.stringContaining('No incident') });
    expect(await call('interact', { user: 'alice', incidentId: 'incident/page/missing', action: 'resolve' })).toMatchObject({
      reply: { text: expect.stringContaining('summary is required') },
    });
  });

  it('answers 404 for the read-only view of an unknown incident', async () => {
    const res = await stack.request(`/local-chat/api/incidents/${encodeURIComponent('incident/page/missing')}?user=alice`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, error: 'incident_not_found' });
  });

  it('serves the page with a strict content security policy', async () => {
    const page = await stack.request('/chat');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toContain('<script src="/chat/app.js" defer>');
    for (const file of ['app.js', 'style.css']) expect((await stack.request(`/chat/${file}`)).status).toBe(200);
  });
});

describe('local chat persistence', () => {
  it('keeps the chat when the api restarts over the same data dir', async () => {
    const first = await startStack({ env: stack.env });
    try {
      await call('chat.postMessage', { channel: 'restart', text: 'before', key: 'restart-key' }, first);
      await first.api.close();
      const second = await startStack({ env: stack.env, dataDir: first.dataDir });
      try {
        expect((await get('/channels/restart/messages', second)).messages.map((m: LocalMessage) => m.text)).toEqual(['before']);
        const again = await call('chat.postMessage', { channel: 'restart', text: 'after', key: 'restart-key' }, second);
        expect(again.message.text).toBe('before');
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });
});
