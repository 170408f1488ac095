// A strict fake of the Slack Web API on 127.0.0.1 for the real @slack/web-api client (and Bolt's).
// It speaks Slack's wire protocol: POST /api/<method>, form-encoded or JSON bodies, a bot token in
// `Authorization: Bearer`, answers `{ ok: false, error }` with HTTP 200 for API errors and 429 with
// Retry-After for rate limits. It rejects what Slack rejects (unknown channels, a bot not in the
// channel, thread_ts that is not a message, bad Block Kit, reused trigger ids) and records every
// call, message, ephemeral answer, response_url post and opened modal for assertions.
// Failure modes: `failNext` (429 or 5xx) and `stallNext` (accept, store, then answer too late).
// Scopes: the bot token holds `scopes` (default: all the product asks for); every bot-token answer
// carries them in `x-oauth-scopes`, and a method needing one it lacks answers `missing_scope`.
// Socket Mode (apps.connections.open + WebSocket) is in socket.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { validateBlocks, validateModal } from './blockkit';
import { SlackMethods, type FakeState } from './methods';
import { FakeSocketMode } from './socket';
import { FakeRateLimits, SLACK_PUBLISHED_LIMITS, type FakeLimit } from './ratelimits';
import { FAKE_BOT, FAKE_SCOPES, FAKE_TEAM, scopeFor, type FakeChannel, type FakeMessage, type FakeUser } from './workspace';

export { FAKE_BOT, FAKE_SCOPES, FAKE_TEAM, type FakeChannel, type FakeMessage, type FakeUser } from './workspace';

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  /** What the fake answered (HTTP status and body). */
  status: number;
  response: Record<string, unknown>;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  /** Real Slack expires trigger ids after 3 s; the default is wider so a loaded test machine does not flake. */
  triggerTtlMs?: number;
  /** The bot token's OAuth scopes (default FAKE_SCOPES). */
  scopes?: readonly string[];
  /** Enforce Slack's published per-method rate limits (429 + Retry-After), or these limits (ratelimits.ts). Off by default. */
  rateLimits?: boolean | Record<string, FakeLimit>;
}


export class FakeSlack {
  readonly botToken: string;
  readonly appToken: string;
  /** The bot token's scopes; change with setScopes. */
  scopes: string[];
  readonly state: FakeState;
  readonly calls: RecordedCall[] = [];
  /** response_url posts, in order. */
  readonly responses: { url: string; body: Record<string, unknown> }[] = [];
  /** Socket Mode: connections opened with the app token, envelopes sent to the app. */
  readonly socketMode = new FakeSocketMode();
  private server?: Server;
  private port = 0;
  private failures: { method: string; channel?: string; status: number; retryAfter?: number; times: number }[] = [];
  private stalls: { method: string; channel?: string; delayMs: number; times: number }[] = [];
  private readonly methods: SlackMethods;
  private readonly open = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rateLimits?: FakeRateLimits;

  constructor(opts: FakeSlackOptions = {}) {
    this.botToken = opts.botToken ?? `xoxb-fake-${Math.random().toString(36).slice(2)}`;
    this.appToken = opts.appToken ?? `xapp-fake-${Math.random().toString(36).slice(2)}`;
    this.scopes = [...(opts.scopes ?? FAKE_SCOPES)];
    this.state = { channels: new Map(), users: new Map(), triggers: new Map(), views: new Map(), responseUrls: new Map(), seq: 0, triggerTtlMs: opts.triggerTtlMs ?? 10_000, inactive: false };
    this.state.users.set(FAKE_BOT.userId, { id: FAKE_BOT.userId, name: FAKE_BOT.name, isBot: true });
    this.state.socketUrl = () => this.socketMode.issueUrl(this.origin);
    this.methods = new SlackMethods(this.state, { validateBlocks, validateModal });
    if (opts.rateLimits) this.rateLimits = new FakeRateLimits(opts.rateLimits === true ? SLACK_PUBLISHED_LIMITS : opts.rateLimits);
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(opts);
    await fake.listen();
    return fake;
  }

  /** Base URL of the Web API, for `slackApiUrl`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex) => this.socketMode.upgrade(req, socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.socketMode.close();
    for (const res of this.open) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- workspace setup ------------------------------------------------------------------------
  addUser(user: FakeUser): FakeUser {
    this.state.users.set(user.id, user);
    return user;
  }
  addChannel(name: string, opts: { id?: string; botMember?: boolean; archived?: boolean; members?: string[]; private?: boolean } = {}): string {
    const id = opts.id ?? `C${String(++this.state.seq).padStart(8, '0')}`;
    this.state.channels.set(id, { id, name, isIm: false, isPrivate: opts.private ?? false, archived: opts.archived ?? false, botMember: opts.botMember ?? true, members: opts.members ? new Set(opts.members) : undefined, messages: [] });
    return id;
  }
  /** Grants the bot token exactly these scopes (e.g. a workspace that installed the app without one). */
  setScopes(scopes: readonly string[]): void {
    this.scopes = [...scopes];
  }
  /** Makes every call answer account_inactive (an uninstalled app), or undoes it. */
  setInactive(inactive: boolean): void {
    this.state.inactive = inactive;
  }

  // ---- failure modes --------------------------------------------------------------------------
  /** The next `times` calls of `method` (in `channel`, if given) answer HTTP `status` (429 with Retry-After `retryAfter` seconds). */
  failNext(method: string, status: number, opts: { retryAfter?: number; times?: number; channel?: string } = {}): void {
    this.failures.push({ method, channel: opts.channel, status, retryAfter: opts.retryAfter, times: opts.times ?? 1 });
  }
  /** The next `times` calls of `method` (in `channel`, if given) are carried out, but answered only after `delayMs` (past the client's timeout). */
  stallNext(method: string, delayMs: number, opts: { times?: number; channel?: string } = {}): void {
    this.stalls.push({ method, channel: opts.channel, delayMs, times: opts.times ?? 1 });
  }

  // ---- inspection -----------------------------------------------------------------------------
  channel(id: string): FakeChannel {
    const c = this.state.channels.get(id);
    if (!c) throw new Error(`fake Slack has no channel ${id}`);
    return c;
  }
  /** Top-level messages of a channel, oldest first. */
  messages(channel: string): FakeMessage[] {
    return this.channel(channel).messages.filter((m) => !m.threadTs);
  }
  replies(channel: string, threadTs: string): FakeMessage[] {
    return this.channel(channel).messages.filter((m) => m.threadTs === threadTs);
  }
  /** The DM channel with a user, if the bot opened one. */
  dmChannel(user: string): FakeChannel | undefined {
    return [...this.state.channels.values()].find((c) => c.isIm && c.members?.has(user));
  }
  dms(user: string): FakeMessage[] {
    return this.dmChannel(user)?.messages ?? [];
  }
  get ephemerals() {
    return this.methods.ephemerals;
  }
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }
  /** Calls per method from index `from` of `calls` on (take `calls.length` as a mark before acting). */
  callCounts(from = 0): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls.slice(from)) out[c.method] = (out[c.method] ?? 0) + 1;
    return out;
  }
  /** A single-use trigger id, as Slack puts in commands and interactions. */
  issueTrigger(user: string): string {
    return this.methods.issueTrigger(user);
  }
  /** A response_url for a command or interaction (Slack allows 5 uses in 30 minutes). */
  issueResponseUrl(channel: string, user: string): string {
    const id = `${++this.state.seq}`;
    this.state.responseUrls.set(id, { channel, user, uses: 0 });
    return `${this.origin}/commands/${FAKE_TEAM.id}/${id}/hook`;
  }
  views() {
    return [...this.state.views.values()];
  }

  // ---- HTTP ---------------------------------------------------------------------------------
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.origin);
    const hook = /^\/commands\/[^/]+\/(\d+)\/hook$/.exec(url.pathname);
    if (req.method === 'POST' && hook) return this.responseUrl(hook[1]!, raw, req, res);
    const m = /^\/api\/([a-zA-Z.]+)$/.exec(url.pathname);
    if (req.method !== 'POST' && req.method !== 'GET') return send(res, 405, { ok: false, error: 'method_not_allowed' });
    if (!m) return send(res, 404, { ok: false, error: 'unknown_method' });
    const method = m[1]!;
    let params: Record<string, unknown> = {};
    let unparsable = false;
    try {
      params = parseParams(req.headers['content-type'], raw, url.searchParams);
    } catch {
      unparsable = true;
    }
    // Recorded on arrival (status 0 until answered), so a call Slack is still "processing" shows.
    const { token: _token, ...safe } = params;
    const call: RecordedCall = { method, params: safe, status: 0, response: {}, at: Date.now() };
    this.calls.push(call);
    if (unparsable) return this.reply(call, res, 200, { ok: false, error: 'invalid_json' });
    const applies = (f: { method: string; channel?: string; times: number }) => f.method === method && f.times > 0 && (!f.channel || f.channel === params.channel);
    const failure = this.failures.find(applies);
    if (failure) {
      failure.times--;
      const headers: Record<string, string> = failure.status === 429 ? { 'retry-after': String(failure.retryAfter ?? 1) } : {};
      const body = failure.status === 429 ? { ok: false, error: 'ratelimited' } : { ok: false, error: 'internal_error' };
      return this.reply(call, res, failure.status, body, headers);
    }
    const limited = this.rateLimits?.take(method, str(params.channel));
    if (limited) return this.reply(call, res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited.retryAfter) });
    const auth = this.authenticate(req.headers.authorization, params.token, method);
    const bot = !auth && method !== 'apps.connections.open';
    const needed = bot ? scopeFor(method, this.state.channels.get(String(params.channel))) : undefined;
    const body =
      auth ?? (needed && !this.scopes.includes(needed) ? { ok: false, error: 'missing_scope', needed, provided: this.scopes.join(',') } : this.methods.run(method, params));
    // Slack reports the token's scopes (and what the method accepts) on every answer to a bot token.
    const headers: Record<string, string> = bot ? { 'x-oauth-scopes': this.scopes.join(','), 'x-accepted-oauth-scopes': needed ?? '' } : {};
    const stall = this.stalls.find(applies);
    if (stall) {
      stall.times--;
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.reply(call, res, 200, body, headers); // the client may have given up already; the work is done
      }, stall.delayMs);
      this.timers.add(t);
      return;
    }
    this.reply(call, res, 200, body, headers);
  }

  private authenticate(header: string | undefined, bodyToken: unknown, method: string): Record<string, unknown> | undefined {
    const m = header ? /^Bearer (\S+)$/.exec(header) : null;
    const token = m?.[1] ?? (typeof bodyToken === 'string' ? bodyToken : undefined);
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== this.botToken && token !== this.appToken) return { ok: false, error: 'invalid_auth' };
    if (this.state.inactive) return { ok: false, error: 'account_inactive' };
    const appLevel = method === 'apps.connections.open';
    if (appLevel !== (token === this.appToken)) return { ok: false, error: 'not_allowed_token_type' };
    return undefined;
  }

  private reply(call: RecordedCall, res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
    call.status = status;
    call.response = body;
    send(res, status, body, headers);
  }

  private responseUrl(id: string, raw: string, req: IncomingMessage, res: ServerResponse): void {
    const entry = this.state.responseUrls.get(id);
    if (!entry) return send(res, 404, { ok: false, error: 'expired_url' });
    if (++entry.uses > 5) return send(res, 404, { ok: false, error: 'used_url' });
    if (!String(req.headers['content-type']).startsWith('application/json')) return send(res, 400, { ok: false, error: 'invalid_payload' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return send(res, 400, { ok: false, error: 'invalid_payload' });
    }
    if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return send(res, 400, { ok: false, error: 'no_text' });
    if (body.blocks !== undefined && validateBlocks(body.blocks).length) return send(res, 400, { ok: false, error: 'invalid_blocks' });
    this.responses.push({ url: `/commands/${id}`, body: { ...body, channel: entry.channel, user: entry.user } });
    send(res, 200, { ok: true });
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Form bodies carry nested objects as JSON strings (that is what the WebClient sends); JSON bodies are objects. */
function parseParams(contentType: string | undefined, raw: string, query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = Object.fromEntries(query);
  if (contentType?.startsWith('application/json')) return { ...out, ...(raw ? (JSON.parse(raw) as Record<string, unknown>) : {}) };
  for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
  return out;
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
