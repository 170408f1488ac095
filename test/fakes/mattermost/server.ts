// A strict fake of the Mattermost REST API v4 on 127.0.0.1, for the real adapter and api. It
// speaks Mattermost's wire protocol: JSON bodies, the bot's access token in `Authorization: Bearer`,
// errors as `{ id, message, detailed_error, request_id, status_code }` with their HTTP status, 429
// with X-RateLimit-* and Retry-After (plain text body, as Mattermost's limiter answers). It refuses
// what Mattermost refuses (bad tokens, unknown channels and users, channels the bot is not in,
// root_id that is not a root post of the channel, posts over 16383 runes, broken buttons, editing
// others' posts, expired or reused trigger ids) and records every call, post, ephemeral and dialog.
// Failure modes: `failNext` (429 or 5xx) and `stallNext` (carry the call out, answer too late).
// Opt-in `rateLimits` enforces the server's RateLimitSettings per token (VaryByUser) on every call,
// with X-RateLimit-Limit/Remaining/Reset on each answer and 429 + Retry-After over the limit.
// What Mattermost sends to integrations (commands, clicks, dialog submissions) is in inbound.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MattermostRoutes, type Answer } from './routes';
import { FakeRateLimits } from '../slack/ratelimits';
import { AppError, DEFAULT_TRIGGER_TTL_MS, newId, type FakeChannel, type FakeCommand, type FakeDialog, type FakeEphemeral, type FakePost, type FakeTrigger, type FakeUser } from './workspace';

export { FAKE_TEAM, type FakeChannel, type FakeDialog, type FakeEphemeral, type FakePost, type FakeUser } from './workspace';

export interface RecordedCall {
  route: string;
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface FakeState {
  users: Map<string, FakeUser>;
  channels: Map<string, FakeChannel>;
  posts: FakePost[];
  ephemerals: FakeEphemeral[];
  dialogs: FakeDialog[];
  triggers: Map<string, FakeTrigger>;
  commands: Map<string, FakeCommand>;
  triggerTtlMs: number;
  /** Monotonic post clock (ms), so `since` lookups are exact even within one millisecond. */
  clock: number;
}

export interface FakeMattermostOptions {
  triggerTtlMs?: number;
  /** Mattermost's RateLimitSettings (PerSec, MaxBurst), enforced per token; true: the defaults 10 and 100. */
  rateLimits?: boolean | { perSec: number; maxBurst: number };
}

export class FakeMattermost {
  readonly botToken = `fake-bot-token-${newId()}`;
  readonly bot: FakeUser = { id: newId(), username: 'incident-bot', isBot: true };
  readonly state: FakeState;
  readonly calls: RecordedCall[] = [];
  private readonly routes: MattermostRoutes;
  private server?: Server;
  private port = 0;
  private failures: { route: string; status: number; reset: number; times: number }[] = [];
  private stalls: { route: string; delayMs: number; times: number }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly limits?: FakeRateLimits;

  constructor(opts: FakeMattermostOptions = {}) {
    if (opts.rateLimits) {
      const { perSec, maxBurst } = opts.rateLimits === true ? { perSec: 10, maxBurst: 100 } : opts.rateLimits;
      this.limits = new FakeRateLimits({ token: { perMinute: perSec * 60, burst: maxBurst, perChannel: true } });
    }
    this.state = { users: new Map([[this.bot.id, this.bot]]), channels: new Map(), posts: [], ephemerals: [], dialogs: [], triggers: new Map(), commands: new Map(), triggerTtlMs: opts.triggerTtlMs ?? DEFAULT_TRIGGER_TTL_MS, clock: 0 };
    this.routes = new MattermostRoutes(this.state, this.bot.id);
  }

  static async start(opts: FakeMattermostOptions = {}): Promise<FakeMattermost> {
    const fake = new FakeMattermost(opts);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      fake.server!.once('error', reject);
      fake.server!.listen(0, '127.0.0.1', resolve);
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The server's base URL, for `platforms.mattermost.url`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- workspace setup ------------------------------------------------------------------------
  addUser(username: string, opts: { email?: string; deleted?: boolean } = {}): FakeUser {
    const user: FakeUser = { id: newId(), username, ...opts };
    this.state.users.set(user.id, user);
    return user;
  }
  /** A channel of the team; the bot is a member unless `botMember: false`. Every added user is a member. */
  addChannel(name: string, opts: { botMember?: boolean; private?: boolean } = {}): string {
    const id = newId();
    const members = new Set([...this.state.users.values()].filter((u) => !u.isBot).map((u) => u.id));
    if (opts.botMember !== false) members.add(this.bot.id);
    this.state.channels.set(id, { id, name, type: opts.private ? 'P' : 'O', members });
    return id;
  }
  /** A slash command of the team: Mattermost sends it to `url` with this token. */
  addCommand(trigger: string, url: string, token = newId()): FakeCommand {
    const command = { trigger, url, token };
    this.state.commands.set(trigger, command);
    return command;
  }

  // ---- failure modes --------------------------------------------------------------------------
  /** The next `times` calls of `route` (e.g. "posts.create") answer `status`; 429 says the limit resets in `reset` seconds. */
  failNext(route: string, status: number, opts: { reset?: number; times?: number } = {}): void {
    this.failures.push({ route, status, reset: opts.reset ?? 1, times: opts.times ?? 1 });
  }
  /** The next `times` calls of `route` are carried out but answered only after `delayMs` (past the client's timeout). */
  stallNext(route: string, delayMs: number, opts: { times?: number } = {}): void {
    this.stalls.push({ route, delayMs, times: opts.times ?? 1 });
  }

  // ---- inspection -----------------------------------------------------------------------------
  channel(id: string): FakeChannel {
    const c = this.state.channels.get(id);
    if (!c) throw new Error(`fake Mattermost has no channel ${id}`);
    return c;
  }
  /** Root posts of a channel, oldest first. */
  posts(channel: string): FakePost[] {
    return this.state.posts.filter((p) => p.channel_id === channel && !p.root_id);
  }
  /** Root posts by the bot (alerts and notes), oldest first. */
  botPosts(channel: string): FakePost[] {
    return this.posts(channel).filter((p) => p.user_id === this.bot.id);
  }
  replies(rootId: string): FakePost[] {
    return this.state.posts.filter((p) => p.root_id === rootId);
  }
  post(id: string): FakePost | undefined {
    return this.state.posts.find((p) => p.id === id);
  }
  dmChannel(user: string): FakeChannel | undefined {
    return [...this.state.channels.values()].find((c) => c.type === 'D' && c.members.has(user) && c.members.has(this.bot.id));
  }
  dms(user: string): FakePost[] {
    const dm = this.dmChannel(user);
    return dm ? this.posts(dm.id) : [];
  }
  get ephemerals(): FakeEphemeral[] {
    return this.state.ephemerals;
  }
  get dialogs(): FakeDialog[] {
    return this.state.dialogs;
  }
  callsOf(route: string): RecordedCall[] {
    return this.calls.filter((c) => c.route === route);
  }
  /** Calls per route from index `from` of `calls` on (take `calls.length` as a mark before acting). */
  callCounts(from = 0): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls.slice(from)) out[c.route] = (out[c.route] ?? 0) + 1;
    return out;
  }
  /** A single-use trigger id, as Mattermost puts in commands and button clicks. */
  issueTrigger(user: string, channel: string): string {
    const id = `${newId()}:${Date.now()}`;
    this.state.triggers.set(id, { user_id: user, channel_id: channel, issuedAt: Date.now(), used: false });
    return id;
  }

  // ---- HTTP ---------------------------------------------------------------------------------
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    const matched = this.routes.match(req.method ?? 'GET', url.pathname);
    const call: RecordedCall = { route: matched?.name ?? 'unknown', method: req.method ?? 'GET', path: url.pathname, status: 0, at: Date.now() };
    this.calls.push(call);
    const answer = (a: Answer) => {
      call.status = a.status;
      send(res, a);
    };
    if (!matched) return answer(error(new AppError(404, 'api.context.404.app_error', 'Sorry, we could not find the page.')));
    const failure = this.failures.find((f) => f.route === matched.name && f.times > 0);
    if (failure) {
      failure.times--;
      if (failure.status === 429) {
        return answer({ status: 429, text: 'limit exceeded\n', headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(failure.reset), 'retry-after': String(failure.reset) } });
      }
      return answer(error(new AppError(failure.status, 'app.fake.injected_failure', 'Injected failure of the fake server.')));
    }
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (this.limits) {
      const over = this.limits.take('token', m?.[1]);
      const left = this.limits.peek('token', m?.[1])!;
      const headers = { 'x-ratelimit-limit': String(left.limit), 'x-ratelimit-remaining': String(left.remaining), 'x-ratelimit-reset': String(Math.ceil(over?.retryAfter ?? left.resetAfter)) };
      if (over) return answer({ status: 429, text: 'limit exceeded\n', headers: { ...headers, 'retry-after': String(over.retryAfter) } });
      return this.serve(raw, url, matched, m?.[1], (a) => answer({ ...a, headers: { ...headers, ...a.headers } }));
    }
    return this.serve(raw, url, matched, m?.[1], answer);
  }

  /** The call past the limiter: authentication, the route, and any stall. */
  private serve(raw: string, url: URL, matched: NonNullable<ReturnType<MattermostRoutes['match']>>, token: string | undefined, answer: (a: Answer) => void): void {
    if (token !== this.botToken) return answer(error(new AppError(401, 'api.context.session_expired.app_error', 'Invalid or expired session, please login again.')));
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return answer(error(new AppError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing body in request body.')));
      }
    }
    let result: Answer;
    try {
      result = { status: 200, ...matched.run({ params: matched.params, query: url.searchParams, body }) };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      result = error(err);
    }
    const stall = this.stalls.find((s) => s.route === matched.name && s.times > 0);
    if (!stall) return answer(result);
    stall.times--;
    const t = setTimeout(() => {
      this.timers.delete(t);
      answer(result); // the client may have given up already; the work is done
    }, stall.delayMs);
    this.timers.add(t);
  }
}

const error = (e: AppError): Answer => ({ status: e.status, json: e.body() });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, a: Answer): void {
  if (res.headersSent || res.destroyed) return;
  if (a.text !== undefined) {
    res.writeHead(a.status, { 'content-type': 'text/plain; charset=utf-8', ...a.headers });
    return void res.end(a.text);
  }
  res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
  res.end(JSON.stringify(a.json ?? {}));
}
