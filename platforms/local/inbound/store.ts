// The local chat's memory: channels of messages, idempotent by poster key per channel (a retried
// post returns the first message, hard part 5 of DESIGN), persisted write-behind to one JSON file
// with an atomic rename so a restart of the api keeps the chat and a crash never leaves half a file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { channelName, type LocalMessage } from '../shared/protocol';

export type LocalChatErrorCode = 'invalid_arguments' | 'channel_not_found' | 'message_not_found';

export class LocalChatError extends Error {
  constructor(
    readonly code: LocalChatErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'LocalChatError';
  }
}

export interface PostInput {
  channel: string;
  text: string;
  card?: unknown;
  threadId?: string;
  key?: string;
  incidentId?: string;
  mentions?: string[];
  /** Author; `bot` for the incident service. */
  user?: string;
}

export interface ChannelInfo {
  name: string;
  messages: number;
  lastTs?: string;
}

export type ChatListener = (message: LocalMessage) => void;

interface Persisted {
  version: 1;
  nextId: number;
  messages: LocalMessage[];
}

/** Oldest messages beyond this per channel are dropped; the local chat is a dev tool, not an archive. */
export const MAX_MESSAGES_PER_CHANNEL = 10_000;

export const localUserName = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class LocalChatStore {
  private readonly channels = new Map<string, LocalMessage[]>();
  private readonly byId = new Map<string, LocalMessage>();
  private readonly byKey = new Map<string, string>();
  private readonly listeners = new Set<ChatListener>();
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Set when the file on disk could not be read and was moved aside. */
  warning: string | undefined;

  constructor(
    private readonly file?: string,
    private readonly debounceMs = 250,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A store backed by `file` (loaded now when present). Without a file it lives in memory only. */
  static async open(file?: string, debounceMs?: number): Promise<LocalChatStore> {
    const store = new LocalChatStore(file, debounceMs);
    if (file) await store.load(file);
    return store;
  }

  private async load(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const data = JSON.parse(text) as Persisted;
      if (data.version !== 1 || !Array.isArray(data.messages)) throw new Error('unexpected format');
      for (const m of data.messages) this.index(m);
      this.nextId = data.messages.reduce((n, m) => Math.max(n, (Number(m.id.slice(1)) || 0) + 1), Number(data.nextId) || 1);
    } catch (err) {
      const aside = `${file}.corrupt-${this.now().toISOString().replace(/[:.]/g, '-')}`;
      await rename(file, aside);
      this.warning = `local chat history ${file} was unreadable (${(err as Error).message}); moved it to ${aside} and started empty`;
    }
  }

  private index(m: LocalMessage): void {
    let list = this.channels.get(m.channel);
    if (!list) this.channels.set(m.channel, (list = []));
    list.push(m);
    this.byId.set(m.id, m);
    if (m.key) this.byKey.set(keyOf(m.channel, m.key), m.id);
    if (list.length > MAX_MESSAGES_PER_CHANNEL) {
      const old = list.shift()!;
      this.byId.delete(old.id);
      if (old.key) this.byKey.delete(keyOf(old.channel, old.key));
    }
  }

  subscribe(listener: ChatListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(m: LocalMessage): void {
    for (const l of this.listeners) {
      try {
        l(m);
      } catch {
        // A broken subscriber (a closed stream) must not fail the post.
      }
    }
  }

  /** Posts a message; with a key already used in this channel, returns that message instead. */
  post(input: PostInput): { message: LocalMessage; created: boolean } {
    if (!channelName.safeParse(input.channel).success) throw new LocalChatError('invalid_arguments', `channel "${input.channel}" is not a valid channel name`);
    if (input.key) {
      const existing = this.byKey.get(keyOf(input.channel, input.key));
      const m = existing ? this.byId.get(existing) : undefined;
      if (m) return { message: m, created: false };
    }
    let threadId: string | undefined;
    if (input.threadId) {
      const root = this.byId.get(input.threadId);
      if (!root || root.channel !== input.channel) throw new LocalChatError('message_not_found', `thread ${input.threadId} is not a message in #${input.channel}`);
      threadId = root.threadId ?? root.id; // replies to a reply go to the thread's root
    }
    const message: LocalMessage = {
      id: `m${this.nextId++}`,
      channel: input.channel,
      ...(threadId ? { threadId } : {}),
      user: input.user ?? 'bot',
      text: input.text,
      ...(input.card !== undefined ? { card: input.card as LocalMessage['card'] } : {}),
      ...(input.key ? { key: input.key } : {}),
      ...(input.incidentId ? { incidentId: input.incidentId } : {}),
      mentions: [...(input.mentions ?? [])],
      ts: this.now().toISOString(),
    };
    this.index(message);
    this.changed(message);
    return { message, created: true };
  }

  update(input: { channel: string; id: string; text: string; card?: unknown }): LocalMessage {
    if (!this.channels.has(input.channel)) throw new LocalChatError('channel_not_found', `no channel #${input.channel}`);
    const m = this.byId.get(input.id);
    if (!m || m.channel !== input.channel) throw new LocalChatError('message_not_found', `no message ${input.id} in #${input.channel}`);
    m.text = input.text;
    if (input.card !== undefined) m.card = input.card as LocalMessage['card'];
    m.editedTs = this.now().toISOString();
    this.changed(m);
    return m;
  }

  find(channel: string, key: string): LocalMessage | null {
    const id = this.byKey.get(keyOf(channel, key));
    return (id && this.byId.get(id)) || null;
  }

  /** A direct message to a local user, in channel `dm-<user>`; idempotent by key like post. */
  dm(input: { user: string; text: string; key?: string; incidentId?: string }): { message: LocalMessage; created: boolean } {
    if (!localUserName.test(input.user)) throw new LocalChatError('invalid_arguments', `user "${input.user}" is not a local chat user name (lowercase letters, digits, "-", "_")`);
    return this.post({ channel: dmChannel(input.user), text: input.text, key: input.key, incidentId: input.incidentId, mentions: [input.user] });
  }

  get(id: string): LocalMessage | undefined {
    return this.byId.get(id);
  }

  listChannels(): ChannelInfo[] {
    return [...this.channels.entries()]
      .map(([name, list]) => ({ name, messages: list.length, lastTs: list.at(-1)?.ts }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Messages of a channel in posting order, thread replies included (they carry threadId). */
  messages(channel: string, limit = 500): LocalMessage[] {
    return (this.channels.get(channel) ?? []).slice(-limit);
  }

  private changed(m: LocalMessage): void {
    this.emit(m);
    this.scheduleWrite();
  }

  private scheduleWrite(): void {
    if (!this.file || this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Writes the current state now (serialized after any write in flight). */
  flush(): Promise<void> {
    if (!this.file) return Promise.resolve();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const file = this.file;
    const data: Persisted = { version: 1, nextId: this.nextId, messages: [...this.channels.values()].flat() };
    const body = JSON.stringify(data);
    this.writing = this.writing.catch(() => undefined).then(async () => {
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      await writeFile(tmp, body, 'utf8');
      await rename(tmp, file);
    });
    return this.writing;
  }

  /** Stops write-behind and writes what is pending. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.flush();
  }
}

export function dmChannel(user: string): string {
  return `dm-${user}`;
}

function keyOf(channel: string, key: string): string {
  return `${channel}\u0000${key}`;
}
