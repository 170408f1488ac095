// A fake of the Bot Framework services a Teams bot talks to, on one loopback port:
//   GET  /v1/.well-known/openidconfiguration, /v1/.well-known/keys   (what login.botframework.com serves)
//   POST /<tenant>/oauth2/v2.0/token                                  (client-credentials grant, like Entra ID)
//   POST /v3/conversations, POST|PUT /v3/conversations/:id/activities[/:activityId]   (the Bot Connector)
//   GET  /v1.0/teams/:team/channels/:channel/messages/delta | /messages/:id/replies  (Microsoft Graph, see graph.ts)
// Strict like the real ones: the connector requires a token the token endpoint issued, unknown
// conversations and activities are 404 with Bot Framework's error body, malformed activities and
// mentions missing from the text are 400. Tests switch on 429/5xx or an "accepted, answer late" mode,
// and opt in (`rateLimits`) to the Bot Framework's limits for Teams bots: per conversation 7 a
// second, 60 per 30 s, 1,800 an hour; per bot 50 a second; over them 429 with Retry-After.
import { FakeRateLimits, type FakeLimit } from '../slack/ratelimits';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { jwk, newSigningKey, signJwt, type SigningKey } from './jwt';
import { GRAPH_SCOPE, handleGraph } from './graph';

export const CHANNEL_ISSUER = 'https://api.botframework.com';
export const BOT_SCOPE = 'https://api.botframework.com/.default';

export interface FakeBotFrameworkOptions {
  appId: string;
  password: string;
  /** Tenant accepted in the token URL besides `botframework.com`. */
  tenantId: string;
  /** Channel conversations that exist, e.g. `19:ops@thread.tacv2`. */
  conversations: string[];
  /** The Microsoft 365 group id of the team those channels belong to (Graph addresses channels by it). */
  teamId?: string;
  /** Enforce these limits (windows per conversation, and "bot" across all), or Teams' own (true). */
  rateLimits?: boolean | Record<string, FakeLimit>;
}

/** Teams' limits as token buckets, one per window (learn.microsoft.com, "Rate limiting for bots"). */
export const TEAMS_LIMITS: Record<string, FakeLimit> = {
  'conversation 1s': { perMinute: 420, burst: 7, perChannel: true },
  'conversation 30s': { perMinute: 120, burst: 60, perChannel: true },
  'conversation 1h': { perMinute: 30, burst: 1_800, perChannel: true },
  bot: { perMinute: 3_000, burst: 50 },
};

export interface StoredActivity {
  id: string;
  conversationId: string;
  /** Root message of the thread, for replies. */
  replyToId?: string;
  activity: Record<string, any>;
  /** Every version after the first, newest last. */
  updates: Record<string, any>[];
  fromBot: boolean;
  createdAt: number;
  modifiedAt: number;
  /** Set when someone deleted the message in Teams (Graph still lists it, with deletedDateTime). */
  deletedAt?: number;
}

type Fault = { status: number; retryAfter?: string; body?: unknown };

export class FakeBotFramework {
  readonly key: SigningKey = newSigningKey();
  readonly stored: StoredActivity[] = [];
  readonly requests: { method: string; path: string; status: number }[] = [];
  readonly dmConversations = new Map<string, string>();
  url = '';
  private server?: Server;
  private readonly tokens = new Set<string>();
  /** Graph access tokens (audience Graph; the connector refuses them, as Graph refuses connector tokens). */
  readonly graphTokens = new Set<string>();
  /** Whether the app was granted reading channel messages (RSC ChannelMessage.Read.Group). */
  graphPermission = true;
  readonly graphRequests: { path: string; query: string; status: number }[] = [];
  private readonly conversations: Set<string>;
  private readonly faults: Fault[] = [];
  private delayMs = 0;
  private seq = 1_700_000_000_000;
  private readonly limits?: { buckets: FakeRateLimits; names: string[] };

  constructor(readonly opts: FakeBotFrameworkOptions) {
    this.conversations = new Set(opts.conversations);
    if (opts.rateLimits) {
      const table = opts.rateLimits === true ? TEAMS_LIMITS : opts.rateLimits;
      this.limits = { buckets: new FakeRateLimits(table), names: Object.keys(table) };
    }
  }

  /** Takes a token of every window the call counts against; the first one over its limit says when to retry. */
  private overLimit(path: string): number | undefined {
    if (!this.limits) return undefined;
    const conversation = /^\/v3\/conversations\/([^/]+)/.exec(path)?.[1];
    for (const name of this.limits.names) {
      if (name !== 'bot' && conversation === undefined) continue;
      const over = this.limits.buckets.take(name, conversation && decodeURIComponent(conversation));
      if (over) return over.retryAfter;
    }
    return undefined;
  }

  static async start(opts: FakeBotFrameworkOptions): Promise<FakeBotFramework> {
    const fake = new FakeBotFramework(opts);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Endpoint config for `platforms.teams` pointing at this fake. */
  get serviceUrl(): string {
    return `${this.url}/`;
  }
  get openIdMetadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }
  get loginUrl(): string {
    return `${this.url}/${this.opts.tenantId}`;
  }

  /** The next connector calls fail with these answers, in order. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }
  /** Store the next posts at once but answer them only after `ms` (a slow or lost answer). */
  answerLate(ms: number): void {
    this.delayMs = ms;
  }

  /** A JWT as the Bot Framework channel signs it for the bot. */
  channelToken(claims: Record<string, unknown> = {}, key: SigningKey = this.key): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(key, { iss: CHANNEL_ISSUER, aud: this.opts.appId, serviceurl: this.serviceUrl, nbf: now - 60, exp: now + 3600, ...claims });
  }

  /** Records an activity a user sent (so the bot may reply to it) and returns its id. */
  recordInbound(conversationId: string, activity: Record<string, any>): string {
    const id = String(++this.seq);
    const now = Date.now();
    this.stored.push({ id, conversationId: baseConversation(conversationId), replyToId: threadRoot(conversationId), activity: { ...activity, id }, updates: [], fromBot: false, createdAt: now, modifiedAt: now });
    return id;
  }

  /** Messages the bot posted into a conversation (thread replies included), oldest first. */
  botMessages(conversationId?: string): StoredActivity[] {
    return this.stored.filter((s) => s.fromBot && (!conversationId || s.conversationId === conversationId));
  }
  cards(conversationId?: string): StoredActivity[] {
    return this.botMessages(conversationId).filter((s) => s.activity.attachments?.length && !s.replyToId);
  }
  /** The card as it is now (after updates). */
  latest(s: StoredActivity): Record<string, any> {
    return s.updates.at(-1) ?? s.activity;
  }
  /** Someone deletes a message in Teams. */
  deleteMessage(id: string): void {
    const s = this.stored.find((m) => m.id === id);
    if (!s) throw new Error(`no message ${id}`);
    s.deletedAt = s.modifiedAt = Date.now();
  }
  /** Direct messages the bot sent to a Teams user. */
  dmsTo(user: string): StoredActivity[] {
    const conv = this.dmConversations.get(user);
    return conv ? this.botMessages(conv) : [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0]!;
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: req.method ?? '', path, status });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    try {
      if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration')
        return send(200, { issuer: CHANNEL_ISSUER, authorization_endpoint: `${this.url}/v1/auth`, jwks_uri: `${this.url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'], token_endpoint_auth_methods_supported: ['private_key_jwt'] });
      if (req.method === 'GET' && path === '/v1/.well-known/keys') return send(200, { keys: [jwk(this.key, ['msteams'])] });
      const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
      if (token && req.method === 'POST') return this.token(decodeURIComponent(token[1]!), req, raw, send);
      if (path.startsWith('/v3/')) return await this.connector(req.method ?? '', path, req.headers.authorization, raw, send);
      if (path.startsWith('/v1.0/')) return handleGraph(this, req, path, send);
      send(404, { error: { code: 'NotFound', message: `no route ${req.method} ${path}` } });
    } catch (err) {
      send(500, { error: { code: 'ServiceError', message: (err as Error).message } });
    }
  }

  private token(tenant: string, req: IncomingMessage, raw: string, send: (s: number, b?: unknown) => void): void {
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return send(400, { error: 'invalid_request', error_description: 'AADSTS900144: The request body must contain the following parameter: grant_type.' });
    const form = new URLSearchParams(raw);
    if (tenant !== this.opts.tenantId && tenant !== 'botframework.com')
      return send(400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant}' not found.` });
    if (form.get('grant_type') !== 'client_credentials') return send(400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: grant type not supported' });
    if (form.get('client_id') !== this.opts.appId)
      return send(400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found.` });
    if (form.get('client_secret') !== this.opts.password) return send(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    if (form.get('scope') === GRAPH_SCOPE) {
      // Graph tokens for an app come from the tenant that granted it permissions, never the Bot Framework one.
      if (tenant === 'botframework.com') return send(400, { error: 'invalid_request', error_description: 'AADSTS90023: Graph tokens must come from the tenant.' });
      const graphToken = signJwt(this.key, { aud: 'https://graph.microsoft.com', appid: this.opts.appId, tid: tenant, jti: randomBytes(8).toString('hex') });
      this.graphTokens.add(graphToken);
      return send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: graphToken });
    }
    if (form.get('scope') !== BOT_SCOPE) return send(400, { error: 'invalid_scope', error_description: `AADSTS70011: The provided value for scope ${form.get('scope')} is not valid.` });
    const accessToken = signJwt(this.key, { aud: CHANNEL_ISSUER, appid: this.opts.appId, iss: `${this.url}/${tenant}/`, jti: randomBytes(8).toString('hex') });
    this.tokens.add(accessToken);
    send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
  }

  private async connector(method: string, path: string, auth: string | undefined, raw: string, send: (s: number, b?: unknown, h?: Record<string, string>) => void): Promise<void> {
    const bearer = /^Bearer (.+)$/.exec(auth ?? '')?.[1];
    if (!bearer || !this.tokens.has(bearer)) return send(401, { message: 'Authorization has been denied for this request.' });
    const wait = this.overLimit(path);
    if (wait !== undefined) return send(429, { error: { code: 'TooManyRequests', message: 'Too many requests' } }, { 'retry-after': String(wait) });
    const fault = this.faults.shift();
    if (fault) return send(fault.status, fault.body ?? { error: { code: fault.status === 429 ? 'TooManyRequests' : 'ServiceError', message: `HTTP ${fault.status}` } }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(400, { error: { code: 'BadSyntax', message: 'Request body is not JSON' } });
    }
    if (method === 'POST' && path === '/v3/conversations') return this.createConversation(body, send);
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (!m) return send(404, { error: { code: 'NotFound', message: `no route ${method} ${path}` } });
    const conversationId = decodeURIComponent(m[1]!);
    const activityId = m[2] && decodeURIComponent(m[2]);
    const base = baseConversation(conversationId);
    if (!this.conversations.has(base)) return send(404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
    const invalid = invalidActivity(body);
    if (invalid) return send(400, { error: { code: 'BadArgument', message: invalid } });
    if (method === 'PUT' && activityId) {
      const existing = this.stored.find((s) => s.conversationId === base && s.id === activityId && s.fromBot && !s.deletedAt);
      if (!existing) return send(404, { error: { code: 'ActivityNotFound', message: 'Activity not found.' } });
      existing.updates.push(body);
      existing.modifiedAt = Date.now();
      return send(200, { id: activityId });
    }
    if (method !== 'POST') return send(405, { error: { code: 'MethodNotAllowed', message: method } });
    const root = activityId ?? threadRoot(conversationId);
    if (root && !this.stored.some((s) => s.conversationId === base && s.id === root))
      return send(404, { error: { code: 'ActivityNotFound', message: `Activity ${root} not found.` } });
    const id = String(++this.seq);
    // Stored before answering: with answerLate() the caller times out although the post exists.
    const now = Date.now();
    this.stored.push({ id, conversationId: base, replyToId: root ? (this.stored.find((s) => s.id === root)?.replyToId ?? root) : undefined, activity: body, updates: [], fromBot: true, createdAt: now, modifiedAt: now });
    // unref: an answer held for minutes must not keep the test process alive after stop().
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs).unref());
    send(201, { id });
  }

  private createConversation(body: Record<string, any>, send: (s: number, b?: unknown) => void): void {
    if (body.bot?.id !== `28:${this.opts.appId}`) return send(400, { error: { code: 'BadArgument', message: 'Bot id in the request does not match the app id.' } });
    if (body.isGroup || !Array.isArray(body.members) || body.members.length !== 1) return send(400, { error: { code: 'BadArgument', message: 'Exactly one member is required for a 1:1 conversation.' } });
    if (body.tenantId !== undefined && body.tenantId !== this.opts.tenantId) return send(403, { error: { code: 'Forbidden', message: 'Tenant mismatch.' } });
    const user = String(body.members[0].id);
    if (!/^(29:|[0-9a-f-]{36}$)/.test(user)) return send(400, { error: { code: 'BadArgument', message: `Invalid user id ${user}` } });
    const id = this.dmConversations.get(user) ?? `a:1${randomBytes(6).toString('hex')}`;
    this.dmConversations.set(user, id);
    this.conversations.add(id);
    send(201, { id });
  }
}

/** `19:x@thread.tacv2;messageid=123` -> `19:x@thread.tacv2` (a channel thread's conversation id). */
export function baseConversation(id: string): string {
  return id.split(';messageid=')[0]!;
}
function threadRoot(id: string): string | undefined {
  return id.split(';messageid=')[1];
}

function invalidActivity(a: Record<string, any>): string | undefined {
  if (a.type !== 'message') return `Unsupported activity type "${a.type}"`;
  const attachments = a.attachments ?? [];
  if (!a.text && attachments.length === 0) return 'Activity must have text or attachments.';
  for (const att of attachments) {
    if (att.contentType !== 'application/vnd.microsoft.card.adaptive') return `Unsupported attachment ${att.contentType}`;
    const card = att.content;
    if (card?.type !== 'AdaptiveCard' || typeof card.version !== 'string' || !Array.isArray(card.body)) return 'Attachment is not a valid Adaptive Card.';
    if (Number(card.version) < 1.4 && JSON.stringify(card).includes('Action.Execute')) return 'Action.Execute needs Adaptive Card version 1.4 or later.';
    if (Buffer.byteLength(JSON.stringify(a)) > 28 * 1024) return 'Message size is over the 28 KB limit.';
  }
  for (const e of a.entities ?? []) {
    if (e.type === 'mention' && (!e.mentioned?.id || typeof e.text !== 'string' || !String(a.text ?? '').includes(e.text)))
      return 'Mention entity text must appear in the message text.';
  }
  for (const att of attachments) {
    const texts = cardTexts(att.content).join('\n');
    for (const e of att.content.msteams?.entities ?? [])
      if (e.type === 'mention' && (!e.mentioned?.id || typeof e.text !== 'string' || !texts.includes(e.text))) return 'Mention entity text must appear in a TextBlock of the card.';
  }
  return undefined;
}

/** The text of every TextBlock in a card, depth first. */
export function cardTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(cardTexts);
  if (!node || typeof node !== 'object') return [];
  const n = node as Record<string, unknown>;
  const own = n.type === 'TextBlock' && typeof n.text === 'string' ? [n.text] : [];
  return [...own, ...cardTexts(n.body), ...cardTexts(n.items), ...cardTexts(n.columns)];
}

/** What a person reads in a bot message: its text, else the text of its card. */
export function messageText(s: StoredActivity): string {
  const a = s.updates.at(-1) ?? s.activity;
  return a.text ?? (a.attachments ?? []).flatMap((att: { content: unknown }) => cardTexts(att.content)).join('\n');
}
