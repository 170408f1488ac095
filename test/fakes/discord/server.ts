// A strict fake of Discord's REST API (v10) on 127.0.0.1 for the Discord adapter and the api:
//   GET /users/@me, POST /users/@me/channels (DMs), GET /channels/:id,
//   GET|POST /channels/:id/messages, GET|PATCH /channels/:id/messages/:mid,
//   POST /channels/:id/messages/:mid/threads, PUT /applications/:app[/guilds/:g]/commands,
//   PATCH /webhooks/:app/:token/messages/@original, POST /webhooks/:app/:token (interaction follow-ups)
// Strict like the real one: `Authorization: Bot <token>` or 401 {message, code: 0}; unknown channels
// and messages are 404 with codes 10003/10008; a channel the bot cannot see is 403 50001, one it
// cannot write to 403 50013; bodies over Discord's limits are 400 50035 with the nested errors;
// nonce + enforce_nonce return the first message for a repeat. Every answer carries X-RateLimit
// headers. Tests switch on 429s (per route or global) and an "accepted, answered late" mode, and
// opt in to enforcing Discord's limits (`rateLimits`): 50 requests a second per bot, 5 per 5 s per
// channel for creating or editing messages, with true X-RateLimit-Remaining/Reset-After and a 429
// carrying retry_after, Retry-After and X-RateLimit-Scope as Discord answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { hasErrors, notifiedUsers, validateMessage } from './validate';
import { FakeRateLimits, type FakeLimit } from '../slack/ratelimits';

const EPOCH = 1_420_070_400_000;
const NONCE_WINDOW_MS = 5 * 60_000;
/** Discord's limits as the fake enforces them (routes with :id for ids; "global" across all routes). */
export const DISCORD_LIMITS: Record<string, FakeLimit> = {
  global: { perMinute: 3_000, burst: 50 },
  'POST /channels/:id/messages': { perMinute: 60, burst: 5, perChannel: true },
  'PATCH /channels/:id/messages/:id': { perMinute: 60, burst: 5, perChannel: true },
};

export const ChannelTypes = { text: 0, dm: 1, announcement: 5, publicThread: 11 } as const;

export interface FakeUser {
  id: string;
  username: string;
  global_name?: string;
  bot?: boolean;
  /** false: the user does not take DMs from the bot (50007). */
  acceptsDms?: boolean;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  type: number;
  author: { id: string; username: string; bot?: boolean };
  content: string;
  embeds: any[];
  components: any[];
  nonce?: string | number;
  timestamp: string;
  edited_timestamp: string | null;
  message_reference?: Record<string, unknown>;
  /** Users Discord notified (mentions let through by allowed_mentions). */
  mentions: string[];
  thread?: { id: string; name: string };
  /** PATCHes that changed it. */
  updates: number;
}

export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guild_id?: string;
  parent_id?: string;
  recipients?: string[];
  /** The bot can view the channel (else 50001) and send messages in it (else 50013). */
  canView: boolean;
  canSend: boolean;
  messages: FakeMessage[];
}

export interface FollowUp {
  token: string;
  kind: 'original' | 'followup';
  body: Record<string, any>;
}

type Fault = { method: string; path: RegExp; status: number; retryAfter?: number; global?: boolean; scope?: string; times: number };
type Send = (status: number, body?: unknown, headers?: Record<string, string>) => void;

export class FakeDiscord {
  readonly botToken = `fake.${randomBytes(18).toString('base64url')}`;
  readonly applicationId: string;
  readonly guildId: string;
  readonly bot: FakeUser;
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  /** Every request; `auth` tells whether it carried an Authorization header. */
  readonly requests: { method: string; path: string; status: number; body?: any; auth: boolean }[] = [];
  readonly followUps: FollowUp[] = [];
  readonly commands = new Map<string, unknown[]>();
  private readonly tokens = new Set<string>();
  private readonly nonces = new Map<string, { id: string; channel: string; at: number }>();
  private readonly faults: Fault[] = [];
  private late: { ms: number; times: number } | undefined;
  private seq = 0;
  private server?: Server;
  url = '';

  constructor() {
    this.applicationId = this.snowflake();
    this.guildId = this.snowflake();
    // Apps made since 2019 have a bot user with the application's id; the code must not rely on it.
    this.bot = { id: this.snowflake(), username: 'incident-bot', bot: true };
    this.users.set(this.bot.id, this.bot);
  }

  private limits?: FakeRateLimits;

  /** `rateLimits`: enforce Discord's limits (true) or these. */
  static async start(opts: { rateLimits?: boolean | Record<string, FakeLimit> } = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord();
    if (opts.rateLimits) fake.limits = new FakeRateLimits(opts.rateLimits === true ? DISCORD_LIMITS : opts.rateLimits);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The REST base URL, for platforms.discord.apiUrl. */
  get apiUrl(): string {
    return `${this.url}/api/v10`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Ids like Discord's: the creation time in the top bits, so they sort by time. */
  snowflake(): string {
    return String((BigInt(Date.now() - EPOCH) << 22n) | BigInt(++this.seq % 4096));
  }

  // ---- setup ----------------------------------------------------------------------------------
  addUser(username: string, opts: Partial<FakeUser> = {}): FakeUser {
    const u: FakeUser = { id: this.snowflake(), username, global_name: username, ...opts };
    this.users.set(u.id, u);
    return u;
  }
  addChannel(name: string, opts: { canView?: boolean; canSend?: boolean; type?: number } = {}): string {
    const id = this.snowflake();
    this.channels.set(id, { id, type: opts.type ?? ChannelTypes.text, name, guild_id: this.guildId, canView: opts.canView ?? true, canSend: opts.canSend ?? true, messages: [] });
    return id;
  }
  /** An interaction token the fake will accept for follow-ups (the client issues one per interaction). */
  issueInteractionToken(): string {
    const t = `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;
    this.tokens.add(t);
    return t;
  }

  // ---- failure modes --------------------------------------------------------------------------
  /** The next `times` requests matching method and path answer `status` (429 with retry_after seconds). */
  failNext(method: string, path: RegExp, status: number, opts: { retryAfter?: number; global?: boolean; scope?: string; times?: number } = {}): void {
    this.faults.push({ method, path, status, times: opts.times ?? 1, ...opts });
  }
  /** The next `times` message creates are stored at once but answered only after `ms`. */
  answerLate(ms: number, times = 1): void {
    this.late = { ms, times };
  }

  // ---- inspection -----------------------------------------------------------------------------
  channel(id: string): FakeChannel {
    const c = this.channels.get(id);
    if (!c) throw new Error(`fake Discord has no channel ${id}`);
    return c;
  }
  /** Messages the bot posted in a channel (thread starters excluded), oldest first. */
  messages(channel: string): FakeMessage[] {
    return (this.channels.get(channel)?.messages ?? []).filter((m) => m.type !== 21);
  }
  message(channel: string, id: string): FakeMessage | undefined {
    return this.channels.get(channel)?.messages.find((m) => m.id === id);
  }
  dmChannel(user: string): FakeChannel | undefined {
    return [...this.channels.values()].find((c) => c.type === ChannelTypes.dm && c.recipients?.includes(user));
  }
  dms(user: string): FakeMessage[] {
    return this.dmChannel(user)?.messages ?? [];
  }
  requestsTo(method: string, path: RegExp) {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  // ---- HTTP -----------------------------------------------------------------------------------
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname.replace(/^\/api\/v10/, '');
    const method = req.method ?? 'GET';
    let body: any;
    const record = { method, path, status: 0, body: undefined as any, auth: req.headers.authorization !== undefined };
    this.requests.push(record);
    const send: Send = (status, out, headers = {}) => {
      record.status = status;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...rateLimitHeaders(method, path), ...headers });
      res.end(out === undefined ? '' : JSON.stringify(out));
    };
    try {
      if (!url.pathname.startsWith('/api/v10/')) return send(404, { message: '404: Not Found', code: 0 });
      if (raw) {
        if (!String(req.headers['content-type']).startsWith('application/json')) return send(400, { message: 'Invalid Form Body', code: 50035, errors: { _errors: [{ code: 'CONTENT_TYPE_INVALID', message: 'Expected "Content-Type" header to be one of {\'application/json\', \'multipart/form-data\'}.' }] } });
        body = record.body = JSON.parse(raw);
      }
      const fault = this.faults.find((f) => f.times > 0 && f.method === method && f.path.test(path));
      if (fault) {
        fault.times--;
        if (fault.status !== 429) return send(fault.status, { message: 'Internal Server Error', code: 0 });
        const global = fault.global ?? false;
        return send(429, { message: 'You are being rate limited.', retry_after: fault.retryAfter ?? 1, global }, {
          'retry-after': String(Math.ceil(fault.retryAfter ?? 1)),
          ...(global ? { 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' } : { 'x-ratelimit-scope': fault.scope ?? 'user', 'x-ratelimit-remaining': '0' }),
        });
      }
      const hook = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/@original)?$/.exec(path);
      if (hook) return this.webhook(method, hook[1]!, hook[2]!, !!hook[3], body ?? {}, send);
      if (req.headers.authorization !== `Bot ${this.botToken}`) return send(401, { message: '401: Unauthorized', code: 0 });
      if (this.limits) {
        const over = this.enforce(method, path);
        if (over) return send(429, over.body, over.headers);
        const route = `${method} ${path.replace(/\d{17,20}/g, ':id')}`;
        const major = /^\/channels\/(\d+)/.exec(path)?.[1];
        const left = this.limits.peek(route, major);
        if (left) {
          const headers = { 'x-ratelimit-limit': String(left.limit), 'x-ratelimit-remaining': String(left.remaining), 'x-ratelimit-reset-after': String(left.resetAfter) };
          return await this.route(method, path, url.searchParams, body ?? {}, (st, out, h = {}) => send(st, out, { ...headers, ...h }));
        }
      }
      return await this.route(method, path, url.searchParams, body ?? {}, send);
    } catch (err) {
      if (err instanceof SyntaxError) return send(400, { message: 'The request body contains invalid JSON.', code: 50109 });
      send(500, { message: (err as Error).message, code: 0 });
    }
  }

  /** Takes a token from the global and the route's bucket, or answers what Discord answers over the limit. */
  private enforce(method: string, path: string): { body: object; headers: Record<string, string> } | undefined {
    const route = `${method} ${path.replace(/\d{17,20}/g, ':id')}`;
    const major = /^\/channels\/(\d+)/.exec(path)?.[1];
    const global = this.limits!.take('global', undefined);
    if (global) return { body: { message: 'You are being rate limited.', retry_after: global.retryAfter, global: true }, headers: { 'retry-after': String(global.retryAfter), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' } };
    const over = this.limits!.take(route, major);
    if (!over) return undefined;
    return {
      body: { message: 'You are being rate limited.', retry_after: over.retryAfter, global: false },
      headers: { 'retry-after': String(over.retryAfter), 'x-ratelimit-scope': 'user', 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(over.retryAfter) },
    };
  }

  private async route(method: string, path: string, query: URLSearchParams, body: any, send: Send): Promise<void> {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/users/@me') return send(200, this.bot);
    if (method === 'POST' && path === '/users/@me/channels') return this.openDm(body, send);
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path)) && method === 'PUT') {
      if (m[1] !== this.applicationId) return send(403, { message: 'Missing Access', code: 50001 });
      if (!Array.isArray(body)) return send(400, { message: 'Invalid Form Body', code: 50035, errors: { _errors: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }] } });
      this.commands.set(m[2] ?? 'global', body);
      return send(200, body.map((c: any) => ({ ...c, id: this.snowflake(), application_id: this.applicationId, version: this.snowflake() })));
    }
    if (!(m = /^\/channels\/(\d+)(\/messages(?:\/(\d+)(\/threads)?)?)?$/.exec(path))) return send(404, { message: '404: Not Found', code: 0 });
    const ch = this.channels.get(m[1]!);
    if (!ch) return send(404, { message: 'Unknown Channel', code: 10003 });
    if (!ch.canView) return send(403, { message: 'Missing Access', code: 50001 });
    const [, , messages, mid, threads] = m;
    if (!messages && method === 'GET') return send(200, channelView(ch));
    if (messages && !mid && method === 'GET') return this.list(ch, query, send);
    if (messages && !mid && method === 'POST') return this.create(ch, body, send);
    const msg = mid ? ch.messages.find((x) => x.id === mid) : undefined;
    if (mid && !msg) return send(404, { message: 'Unknown Message', code: 10008 });
    if (msg && !threads && method === 'GET') return send(200, msg);
    if (msg && !threads && method === 'PATCH') return this.edit(msg, body, send);
    if (msg && threads && method === 'POST') return this.startThread(ch, msg, body, send);
    send(405, { message: '405: Method Not Allowed', code: 0 });
  }

  private list(ch: FakeChannel, q: URLSearchParams, send: Send): void {
    const limit = Number(q.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return send(400, { message: 'Invalid Form Body', code: 50035, errors: { limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 100.' }] } } });
    if ([q.has('before'), q.has('after'), q.has('around')].filter(Boolean).length > 1) return send(400, { message: 'Invalid Form Body', code: 50035, errors: { _errors: [{ code: 'MUTUALLY_EXCLUSIVE', message: 'before, after and around are mutually exclusive.' }] } });
    const newest = [...ch.messages].sort((a, b) => cmp(b.id, a.id));
    const before = q.get('before');
    const after = q.get('after');
    // `after` returns the messages right after the id; every page is newest first.
    const picked = before ? newest.filter((x) => cmp(x.id, before) < 0).slice(0, limit) : after ? newest.filter((x) => cmp(x.id, after) > 0).slice(-limit) : newest.slice(0, limit);
    send(200, picked);
  }

  private async create(ch: FakeChannel, body: any, send: Send): Promise<void> {
    if (!ch.canSend) return send(403, { message: 'Missing Permissions', code: 50013 });
    if (ch.type === ChannelTypes.dm && this.users.get(ch.recipients![0]!)?.acceptsDms === false) return send(403, { message: 'Cannot send messages to this user', code: 50007 });
    const errors = validateMessage(body, { create: true });
    if (body.message_reference && !ch.messages.some((x) => x.id === body.message_reference.message_id) && body.message_reference.fail_if_not_exists !== false)
      (errors.message_reference ??= { _errors: [{ code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }] });
    if (hasErrors(errors)) return send(400, { message: 'Invalid Form Body', code: 50035, errors });
    const nonceKey = body.enforce_nonce && body.nonce !== undefined ? `${this.bot.id}|${body.nonce}` : undefined;
    const earlier = nonceKey ? this.nonces.get(nonceKey) : undefined;
    if (earlier && Date.now() - earlier.at < NONCE_WINDOW_MS) return send(200, this.message(earlier.channel, earlier.id));
    const msg: FakeMessage = {
      id: this.snowflake(),
      channel_id: ch.id,
      type: body.message_reference ? 19 : 0,
      author: { id: this.bot.id, username: this.bot.username, bot: true },
      content: body.content ?? '',
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      ...(body.message_reference ? { message_reference: { ...body.message_reference, channel_id: ch.id } } : {}),
      mentions: notifiedUsers(body.content ?? '', body.allowed_mentions),
      updates: 0,
    };
    ch.messages.push(msg);
    if (nonceKey) this.nonces.set(nonceKey, { id: msg.id, channel: ch.id, at: Date.now() });
    // Stored before answering: in late mode the caller gives up although the message exists.
    if (this.late && this.late.times > 0) {
      this.late.times--;
      await new Promise((r) => setTimeout(r, this.late!.ms));
    }
    send(200, msg);
  }

  private edit(msg: FakeMessage, body: any, send: Send): void {
    if (msg.author.id !== this.bot.id) return send(403, { message: 'Cannot edit a message authored by another user', code: 50005 });
    const errors = validateMessage(body, { create: false });
    if (hasErrors(errors)) return send(400, { message: 'Invalid Form Body', code: 50035, errors });
    if (body.content !== undefined) msg.content = body.content ?? '';
    if (body.embeds !== undefined) msg.embeds = body.embeds ?? [];
    if (body.components !== undefined) msg.components = body.components ?? [];
    msg.edited_timestamp = new Date().toISOString();
    msg.updates++;
    send(200, msg);
  }

  private startThread(ch: FakeChannel, msg: FakeMessage, body: any, send: Send): void {
    if (ch.type !== ChannelTypes.text && ch.type !== ChannelTypes.announcement) return send(400, { message: 'Cannot execute action on this channel type', code: 50024 });
    if (this.channels.has(msg.id)) return send(400, { message: 'A thread has already been created for this message', code: 160004 });
    if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 100) return send(400, { message: 'Invalid Form Body', code: 50035, errors: { name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } } });
    // The thread takes the message's id; its first message points back at the alert (type 21).
    const thread: FakeChannel = { id: msg.id, type: ChannelTypes.publicThread, name: body.name, guild_id: ch.guild_id, parent_id: ch.id, canView: ch.canView, canSend: ch.canSend, messages: [] };
    thread.messages.push({ ...msg, id: this.snowflake(), channel_id: thread.id, type: 21, content: '', embeds: [], components: [], mentions: [], message_reference: { message_id: msg.id, channel_id: ch.id, guild_id: ch.guild_id }, updates: 0 });
    this.channels.set(thread.id, thread);
    msg.thread = { id: thread.id, name: thread.name };
    send(201, channelView(thread));
  }

  private openDm(body: any, send: Send): void {
    const user = this.users.get(String(body.recipient_id));
    if (!user || user.bot) return send(400, { message: 'Invalid Recipient(s)', code: 50033 });
    let dm = this.dmChannel(user.id);
    if (!dm) {
      dm = { id: this.snowflake(), type: ChannelTypes.dm, name: '', recipients: [user.id], canView: true, canSend: true, messages: [] };
      this.channels.set(dm.id, dm);
    }
    send(200, { ...channelView(dm), recipients: [{ id: user.id, username: user.username }] });
  }

  private webhook(method: string, app: string, token: string, original: boolean, body: any, send: Send): void {
    if (app !== this.applicationId || !this.tokens.has(token)) return send(404, { message: 'Unknown Webhook', code: 10015 });
    const errors = validateMessage(body, { create: !original });
    if (hasErrors(errors)) return send(400, { message: 'Invalid Form Body', code: 50035, errors });
    if ((original && method !== 'PATCH') || (!original && method !== 'POST')) return send(405, { message: '405: Method Not Allowed', code: 0 });
    this.followUps.push({ token, kind: original ? 'original' : 'followup', body });
    send(200, { id: this.snowflake(), ...body });
  }
}

function channelView(c: FakeChannel) {
  return { id: c.id, type: c.type, name: c.name, ...(c.guild_id ? { guild_id: c.guild_id } : {}), ...(c.parent_id ? { parent_id: c.parent_id } : {}) };
}

const cmp = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

function rateLimitHeaders(method: string, path: string): Record<string, string> {
  const bucket = Buffer.from(`${method} ${path.replace(/\d{17,20}/g, ':id')}`).toString('hex').slice(0, 16);
  return { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': String(Date.now() / 1000 + 1), 'x-ratelimit-reset-after': '1', 'x-ratelimit-bucket': bucket };
}
