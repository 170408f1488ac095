// The Web API methods of the fake Slack (see server.ts): arguments as Slack reads them (form values
// are strings, nested objects JSON strings), errors with Slack's codes, results shaped like Slack's.
import { FAKE_BOT, FAKE_TEAM, type FakeChannel, type FakeMessage, type FakeUser } from './workspace';

export interface FakeView {
  id: string;
  user: string;
  callbackId?: string;
  privateMetadata: string;
  view: Record<string, unknown>;
}

export interface FakeState {
  channels: Map<string, FakeChannel>;
  users: Map<string, FakeUser>;
  triggers: Map<string, { user: string; issuedAt: number; used: boolean }>;
  views: Map<string, FakeView>;
  responseUrls: Map<string, { channel: string; user: string; uses: number }>;
  seq: number;
  triggerTtlMs: number;
  inactive: boolean;
  /** A fresh Socket Mode URL (apps.connections.open). */
  socketUrl?: () => string;
}

export interface Ephemeral {
  channel: string;
  user: string;
  text: string;
  threadTs?: string;
  blocks?: unknown[];
}

type Params = Record<string, unknown>;
type Result = Record<string, unknown>;

class SlackError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(code);
  }
}

const fail = (code: string, messages: string[] = []): never => {
  throw new SlackError(code, messages);
};

/** Nested arguments arrive as JSON strings in form bodies. */
function json(v: unknown, name: string): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return fail('invalid_arguments', [`[ERROR] ${name} is not valid JSON`]);
  }
}
const bool = (v: unknown): boolean => v === true || v === 'true' || v === '1' || v === 1;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

export class SlackMethods {
  readonly ephemerals: Ephemeral[] = [];
  private clock = 0;

  constructor(
    private readonly s: FakeState,
    private readonly validate: { validateBlocks: (b: unknown) => string[]; validateModal: (v: unknown) => string[] },
  ) {}

  run(method: string, p: Params): Result {
    try {
      const impl = (this as unknown as Record<string, ((p: Params) => Result) | undefined>)[`m_${method.replace(/\./g, '_')}`];
      if (!impl) return { ok: false, error: 'unknown_method' };
      return { ok: true, ...impl.call(this, p) };
    } catch (err) {
      if (err instanceof SlackError) return { ok: false, error: err.code, ...(err.messages.length ? { response_metadata: { messages: err.messages } } : {}) };
      throw err;
    }
  }

  /** Slack timestamps: seconds.micro, unique and increasing. */
  private ts(): string {
    const now = Math.floor(Date.now() / 1000);
    this.clock = Math.max(this.clock + 1, now * 1_000_000);
    return `${Math.floor(this.clock / 1_000_000)}.${String(this.clock % 1_000_000).padStart(6, '0')}`;
  }

  issueTrigger(user: string): string {
    const id = `${++this.s.seq}.${Date.now()}.${Math.random().toString(16).slice(2, 10)}`;
    this.s.triggers.set(id, { user, issuedAt: Date.now(), used: false });
    return id;
  }

  private channel(p: Params, { write = false } = {}): FakeChannel {
    const id = str(p.channel);
    if (!id) return fail('channel_not_found');
    const c = this.s.channels.get(id);
    if (!c) return fail('channel_not_found');
    if (!c.botMember) return fail('not_in_channel');
    if (write && c.archived) return fail('is_archived');
    return c;
  }

  private user(id: string | undefined): FakeUser {
    const u = id ? this.s.users.get(id) : undefined;
    if (!u) return fail('user_not_found');
    return u;
  }

  private content(p: Params): { text: string; blocks?: unknown[] } {
    const blocks = p.blocks === undefined ? undefined : json(p.blocks, 'blocks');
    if (blocks !== undefined) {
      const errors = this.validate.validateBlocks(blocks);
      if (errors.length) fail('invalid_blocks', errors);
    }
    const text = typeof p.text === 'string' ? p.text : '';
    if (!text && !(Array.isArray(blocks) && blocks.length)) fail('no_text');
    if (text.length > 40_000) fail('msg_too_long');
    return { text, blocks: blocks as unknown[] | undefined };
  }

  private view(m: FakeMessage, withMetadata: boolean): Result {
    return {
      type: 'message',
      ts: m.ts,
      user: m.user,
      ...(m.botId ? { bot_id: m.botId, app_id: FAKE_BOT.appId } : {}),
      text: m.text,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      ...(m.edited ? { edited: m.edited } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  }

  private page(items: FakeMessage[], p: Params, withMetadata: boolean): Result {
    const limit = Math.min(Math.max(Number(p.limit ?? 100) || 100, 1), 999);
    const start = p.cursor ? Number(Buffer.from(String(p.cursor), 'base64').toString('utf8').replace('next_ts:', '')) : 0;
    if (Number.isNaN(start)) fail('invalid_cursor');
    const slice = items.slice(start, start + limit);
    const more = start + limit < items.length;
    return {
      messages: slice.map((m) => this.view(m, withMetadata)),
      has_more: more,
      response_metadata: { next_cursor: more ? Buffer.from(`next_ts:${start + limit}`).toString('base64') : '' },
    };
  }

  private metadata(p: Params): FakeMessage['metadata'] {
    if (p.metadata === undefined) return undefined;
    const md = json(p.metadata, 'metadata') as Record<string, unknown> | null;
    if (!md || typeof md.event_type !== 'string' || !/^[a-zA-Z0-9_]{1,255}$/.test(md.event_type) || typeof md.event_payload !== 'object' || md.event_payload === null)
      fail('invalid_metadata_format', ['[ERROR] metadata needs an event_type (letters, digits, "_") and an event_payload object']);
    return md as FakeMessage['metadata'];
  }

  // ---- methods --------------------------------------------------------------------------------
  m_auth_test(): Result {
    return { url: `https://${FAKE_TEAM.domain}.slack.com/`, team: 'Fake', user: FAKE_BOT.name, team_id: FAKE_TEAM.id, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, is_enterprise_install: false };
  }

  m_apps_connections_open(): Result {
    if (!this.s.socketUrl) return fail('not_allowed');
    return { url: this.s.socketUrl() };
  }

  m_chat_postMessage(p: Params): Result {
    const c = this.channel(p, { write: true });
    const content = this.content(p);
    const threadTs = str(p.thread_ts);
    if (threadTs) {
      const root = c.messages.find((m) => m.ts === threadTs);
      if (!root) fail('thread_not_found');
    }
    const metadata = this.metadata(p);
    // A reply to a reply goes into the same thread, as in Slack.
    const root = threadTs ? (c.messages.find((m) => m.ts === threadTs)!.threadTs ?? threadTs) : undefined;
    const msg: FakeMessage = { ts: this.ts(), channel: c.id, user: FAKE_BOT.userId, botId: FAKE_BOT.botId, ...content, metadata, threadTs: root, updates: 0 };
    c.messages.push(msg);
    return { channel: c.id, ts: msg.ts, message: this.view(msg, true) };
  }

  m_chat_update(p: Params): Result {
    const c = this.channel(p, { write: true });
    const msg = c.messages.find((m) => m.ts === str(p.ts));
    if (!msg) return fail('message_not_found');
    if (msg.user !== FAKE_BOT.userId) fail('cant_update_message');
    const content = this.content(p);
    msg.text = content.text;
    msg.blocks = content.blocks ?? msg.blocks;
    // Metadata not sent is kept (as this product assumes of Slack); metadata sent replaces it.
    if (p.metadata !== undefined) msg.metadata = this.metadata(p);
    msg.edited = { ts: this.ts() };
    msg.updates++;
    return { channel: c.id, ts: msg.ts, text: msg.text, message: this.view(msg, false) };
  }

  m_chat_postEphemeral(p: Params): Result {
    const c = this.channel(p, { write: true });
    const u = this.user(str(p.user));
    if (c.members && !c.members.has(u.id)) fail('user_not_in_channel');
    const { text, blocks } = this.content(p);
    this.ephemerals.push({ channel: c.id, user: u.id, text, blocks, threadTs: str(p.thread_ts) });
    return { message_ts: this.ts() };
  }

  m_conversations_open(p: Params): Result {
    const ids = (str(p.users) ?? '').split(',').filter(Boolean);
    if (ids.length !== 1) return fail(ids.length === 0 ? 'users_list_not_supplied' : 'not_supported_in_fake');
    const u = this.user(ids[0]);
    if (u.isBot) fail('cannot_dm_bot');
    if (u.deleted) fail('user_disabled');
    let c = [...this.s.channels.values()].find((ch) => ch.isIm && ch.members?.has(u.id));
    if (!c) {
      c = { id: `D${String(++this.s.seq).padStart(8, '0')}`, name: u.id, isIm: true, archived: false, botMember: true, members: new Set([u.id]), messages: [] };
      this.s.channels.set(c.id, c);
    }
    return { channel: { id: c.id } };
  }

  m_conversations_history(p: Params): Result {
    const c = this.channel(p);
    const items = c.messages.filter((m) => !m.threadTs && inWindow(m, p)).reverse();
    return this.page(items, p, bool(p.include_all_metadata));
  }

  /** The parent first, then its replies oldest first; `oldest`/`latest` narrow the replies. */
  m_conversations_replies(p: Params): Result {
    const c = this.channel(p);
    const ts = str(p.ts);
    const hit = c.messages.find((m) => m.ts === ts);
    if (!hit) return fail('thread_not_found');
    const rootTs = hit.threadTs ?? hit.ts;
    const items = c.messages.filter((m) => m.ts === rootTs || (m.threadTs === rootTs && inWindow(m, p)));
    return this.page(items, p, bool(p.include_all_metadata));
  }

  m_users_info(p: Params): Result {
    const u = this.user(str(p.user));
    return { user: userView(u) };
  }

  m_users_lookupByEmail(p: Params): Result {
    const email = str(p.email);
    const u = [...this.s.users.values()].find((x) => x.email && x.email.toLowerCase() === email?.toLowerCase());
    if (!u) return fail('users_not_found');
    return { user: userView(u) };
  }

  m_views_open(p: Params): Result {
    const triggerId = str(p.trigger_id);
    if (!triggerId) return fail('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
    const trigger = this.s.triggers.get(triggerId);
    if (!trigger) return fail('invalid_trigger_id');
    if (trigger.used) return fail('exchanged_trigger_id');
    if (Date.now() - trigger.issuedAt > this.s.triggerTtlMs) return fail('expired_trigger_id');
    const view = json(p.view, 'view');
    const errors = this.validate.validateModal(view);
    if (errors.length) return fail('invalid_arguments', errors);
    trigger.used = true;
    const v = view as Record<string, unknown>;
    const id = `V${String(++this.s.seq).padStart(8, '0')}`;
    this.s.views.set(id, { id, user: trigger.user, callbackId: v.callback_id as string | undefined, privateMetadata: (v.private_metadata as string | undefined) ?? '', view: v });
    return { view: { id, team_id: FAKE_TEAM.id, ...v, state: { values: {} }, hash: `${id}.hash`, app_id: FAKE_BOT.appId, bot_id: FAKE_BOT.botId } };
  }
}

/** Slack's `oldest`/`latest` window (exclusive unless `inclusive`). */
function inWindow(m: FakeMessage, p: Params): boolean {
  const latest = str(p.latest);
  const oldest = str(p.oldest);
  const inclusive = bool(p.inclusive);
  if (latest && (inclusive ? Number(m.ts) > Number(latest) : Number(m.ts) >= Number(latest))) return false;
  if (oldest && (inclusive ? Number(m.ts) < Number(oldest) : Number(m.ts) <= Number(oldest))) return false;
  return true;
}

function userView(u: FakeUser): Result {
  return {
    id: u.id,
    team_id: FAKE_TEAM.id,
    name: u.name,
    real_name: u.name,
    deleted: !!u.deleted,
    is_bot: !!u.isBot,
    profile: { real_name: u.name, display_name: u.name, ...(u.email ? { email: u.email } : {}) },
  };
}
