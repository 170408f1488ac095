import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalChatError, LocalChatStore } from '../../../../platforms/local/inbound/store';
import type { LocalMessage } from '../../../../platforms/local/shared/protocol';

describe('local chat store', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-chat-'));
    file = join(dir, 'local-chat', 'messages.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the first message when a post repeats its key in the same channel', async () => {
    const store = await LocalChatStore.open();
    const first = store.post({ channel: 'incidents', text: 'alert', key: 'incident/a/b@t/alert', incidentId: 'incident/a/b' });
    const again = store.post({ channel: 'incidents', text: 'alert (retry)', key: 'incident/a/b@t/alert' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ message: first.message, created: false });
    expect(store.messages('incidents')).toHaveLength(1);
    expect(store.find('incidents', 'incident/a/b@t/alert')).toEqual(first.message);
  });

  it('scopes keys per channel', async () => {
    const store = await LocalChatStore.open();
    store.post({ channel: 'incidents', text: 'a', key: 'k' });
    expect(store.post({ channel: 'war-room', text: 'a', key: 'k' }).created).toBe(true);
    expect(store.find('ops', 'k')).toBeNull();
  });

  it('posts thread replies under the root, also when replying to a reply', async () => {
    const store = await LocalChatStore.open();
    const root = store.post({ channel: 'incidents', text: 'root' }).message;
    const reply = store.post({ channel: 'incidents', text: 'r1', threadId: root.id }).message;
    const nested = store.post({ channel: 'incidents', text: 'r2', threadId: reply.id }).message;
    expect([reply.threadId, nested.threadId]).toEqual([root.id, root.id]);
    expect(() => store.post({ channel: 'war-room', text: 'x', threadId: root.id })).toThrow(LocalChatError);
  });

  it('updates a message in place and reports unknown channels and messages', async () => {
    const store = await LocalChatStore.open();
    const m = store.post({ channel: 'incidents', text: 'v1', card: { status: 'triggered' } }).message;
    const updated = store.update({ channel: 'incidents', id: m.id, text: 'v2', card: { status: 'acknowledged' } });
    expect(updated).toMatchObject({ id: m.id, text: 'v2', card: { status: 'acknowledged' } });
    expect(updated.editedTs).toBeDefined();
    expect(() => store.update({ channel: 'nowhere', id: m.id, text: 'x' })).toThrow(expect.objectContaining({ code: 'channel_not_found' }));
    expect(() => store.update({ channel: 'incidents', id: 'm999', text: 'x' })).toThrow(expect.objectContaining({ code: 'message_not_found' }));
  });

  it('sends direct messages to dm-<user>, idempotent by key, and rejects names that cannot be channels', async () => {
    const store = await LocalChatStore.open();
    const a = store.dm({ user: 'alice', text: 'you are paged', key: 'page-1' });
    const b = store.dm({ user: 'alice', text: 'you are paged', key: 'page-1' });
    expect(a.message.channel).toBe('dm-alice');
    expect(a.message.mentions).toEqual(['alice']);
    expect(b.created).toBe(false);
    expect(() => store.dm({ user: 'Alice Smith', text: 'x' })).toThrow(expect.objectContaining({ code: 'invalid_arguments' }));
  });

  it('tells subscribers about every new and updated message', async () => {
    const store = await LocalChatStore.open();
    const seen: LocalMessage[] = [];
    const unsubscribe = store.subscribe((m) => seen.push({ ...m }));
    const m = store.post({ channel: 'incidents', text: 'v1', key: 'k' }).message;
    store.post({ channel: 'incidents', text: 'v1', key: 'k' });
    store.update({ channel: 'incidents', id: m.id, text: 'v2' });
    unsubscribe();
    store.post({ channel: 'incidents', text: 'unseen' });
    expect(seen.map((s) => s.text)).toEqual(['v1', 'v2']);
  });

  it('keeps the chat across a restart, keys and ids included', async () => {
    const store = await LocalChatStore.open(file, 10);
    const root = store.post({ channel: 'incidents', text: 'alert', key: 'alert-key', incidentId: 'incident/a/b' }).message;
    store.post({ channel: 'incidents', text: 'reply', threadId: root.id });
    await store.close();

    const reopened = await LocalChatStore.open(file, 10);
    expect(reopened.messages('incidents').map((m) => m.text)).toEqual(['alert', 'reply']);
    expect(reopened.post({ channel: 'incidents', text: 'again', key: 'alert-key' }).message.id).toBe(root.id);
    const next = reopened.post({ channel: 'incidents', text: 'new' }).message;
    expect(reopened.messages('incidents').filter((m) => m.id === next.id)).toHaveLength(1);
    expect(next.id).not.toBe(root.id);
    await reopened.close();
  });

  it('writes behind: many changes, one file, no temp file left', async () => {
    const store = await LocalChatStore.open(file, 20);
    for (let i = 0; i < 50; i++) store.post({ channel: 'incidents', text: `m${i}` });
    expect(existsSync(file)).toBe(false);
    await new Promise((r) => setTimeout(r, 80));
    await store.flush();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { messages: LocalMessage[] };
    expect(saved.messages).toHaveLength(50);
    expect(readdirSync(join(dir, 'local-chat'))).toEqual(['messages.json']);
    await store.close();
  });

  it('moves an unreadable history aside and starts empty instead of refusing to start', async () => {
    const first = await LocalChatStore.open(file, 10);
    first.post({ channel: 'incidents', text: 'x' });
    await first.close();
    writeFileSync(file, '{"version":1,"messa');
    const store = await LocalChatStore.open(file, 10);
    expect(store.warning).toMatch(/unreadable.*moved it to .*messages\.json\.corrupt-/);
    expect(store.listChannels()).toEqual([]);
    expect(readdirSync(join(dir, 'local-chat')).some((n) => n.startsWith('messages.json.corrupt-'))).toBe(true);
    await store.close();
  });

  it('lists channels by name with counts', async () => {
    const store = await LocalChatStore.open();
    store.post({ channel: 'war-room', text: 'a' });
    store.post({ channel: 'incidents', text: 'b' });
    store.post({ channel: 'incidents', text: 'c' });
    expect(store.listChannels().map((c) => [c.name, c.messages])).toEqual([
      ['incidents', 2],
      ['war-room', 1],
    ]);
  });
});
