// The REST API v4 routes of the fake Mattermost (see server.ts), acting as the bot: arguments as
// Mattermost reads them, errors with Mattermost's ids and statuses, results shaped like Mattermost's.
import type { FakeState } from './server';
import { AppError, ID, PERMISSION_ERROR, forClient, newId, validatePost, type FakeChannel, type FakePost, type FakeUser } from './workspace';

export interface Answer {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

interface Request {
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

type Handler = (r: Request) => Omit<Answer, 'status'> & { status?: number };

const PER_PAGE_MAX = 200;
const USER_MISSING = () => new AppError(404, 'app.user.missing_account.const', 'Unable to find the user.');
const POST_MISSING = () => new AppError(404, 'app.post.get.app_error', 'Unable to get the post.');

export class MattermostRoutes {
  private readonly table: { name: string; method: string; path: RegExp; run: Handler }[];

  constructor(
    private readonly s: FakeState,
    private readonly botId: string,
  ) {
    const r = (name: string, method: string, path: RegExp, run: Handler) => ({ name, method, path, run });
    this.table = [
      r('users.me', 'GET', /^\/api\/v4\/users\/me$/, () => ({ json: this.userJson(this.s.users.get(this.botId)!) })),
      r('users.email', 'GET', /^\/api\/v4\/users\/email\/([^/]+)$/, ({ params }) => ({ json: this.userJson(this.userByEmail(params[0]!)) })),
      r('users.get', 'GET', /^\/api\/v4\/users\/([^/]+)$/, ({ params }) => ({ json: this.userJson(this.user(params[0]!)) })),
      r('posts.create', 'POST', /^\/api\/v4\/posts$/, ({ body }) => ({ status: 201, json: forClient(this.createPost(body)) })),
      r('posts.patch', 'PUT', /^\/api\/v4\/posts\/([^/]+)\/patch$/, ({ params, body }) => ({ json: forClient(this.patchPost(params[0]!, body)) })),
      r('posts.thread', 'GET', /^\/api\/v4\/posts\/([^/]+)\/thread$/, ({ params }) => ({ json: this.thread(params[0]!) })),
      r('posts.get', 'GET', /^\/api\/v4\/posts\/([^/]+)$/, ({ params }) => ({ json: forClient(this.readablePost(params[0]!)) })),
      r('channels.posts', 'GET', /^\/api\/v4\/channels\/([^/]+)\/posts$/, ({ params, query }) => ({ json: this.channelPosts(params[0]!, query) })),
      r('channels.direct', 'POST', /^\/api\/v4\/channels\/direct$/, ({ body }) => ({ status: 201, json: this.direct(body) })),
      r('dialogs.open', 'POST', /^\/api\/v4\/actions\/dialogs\/open$/, ({ body }) => this.openDialog(body)),
    ];
  }

  match(method: string, path: string): { name: string; params: string[]; run: Handler } | undefined {
    for (const route of this.table) {
      const m = route.path.exec(path);
      if (m && route.method === method) return { name: route.name, params: m.slice(1).map(decodeURIComponent), run: route.run };
    }
    return undefined;
  }

  // ---- users ----------------------------------------------------------------------------------
  private user(id: string): FakeUser {
    const u = this.s.users.get(id);
    if (!u) throw USER_MISSING();
    return u;
  }
  private userByEmail(email: string): FakeUser {
    const u = [...this.s.users.values()].find((x) => x.email?.toLowerCase() === email.toLowerCase());
    if (!u) throw USER_MISSING();
    return u;
  }
  private userJson(u: FakeUser): Record<string, unknown> {
    return { id: u.id, username: u.username, email: u.email ?? '', is_bot: !!u.isBot, delete_at: u.deleted ? 1 : 0, roles: 'system_user' };
  }

  // ---- channels and posts -----------------------------------------------------------------------
  /** The channel, readable by the bot: unknown -> 404, not a member of a private or direct one -> 403. */
  private readable(id: unknown): FakeChannel {
    const c = typeof id === 'string' && ID.test(id) ? this.s.channels.get(id) : undefined;
    if (!c) throw new AppError(404, 'app.channel.get.existing.app_error', 'Unable to find the existing channel.');
    if (!c.members.has(this.botId)) throw PERMISSION_ERROR();
    return c;
  }
  private readablePost(id: string): FakePost {
    const p = this.s.posts.find((x) => x.id === id);
    if (!p) throw POST_MISSING();
    this.readable(p.channel_id);
    return p;
  }
  private tick(): number {
    this.s.clock = Math.max(this.s.clock + 1, Date.now());
    return this.s.clock;
  }

  private createPost(body: unknown): FakePost {
    const b = (body ?? {}) as Record<string, unknown>;
    const channel = this.readable(b.channel_id);
    const invalid = validatePost(b.message ?? '', b.props);
    if (invalid) throw invalid;
    const rootId = typeof b.root_id === 'string' ? b.root_id : '';
    if (rootId) {
      const root = this.s.posts.find((p) => p.id === rootId);
      if (!root || root.channel_id !== channel.id || root.root_id) throw new AppError(400, 'api.post.create_post.root_id.app_error', 'Invalid RootId parameter.');
    }
    const now = this.tick();
    const post: FakePost = {
      id: newId(),
      create_at: now,
      update_at: now,
      edit_at: 0,
      user_id: this.botId,
      channel_id: channel.id,
      root_id: rootId,
      message: String(b.message ?? ''),
      type: '',
      props: { ...((b.props as Record<string, unknown>) ?? {}), from_bot: 'true' },
      updates: 0,
    };
    this.s.posts.push(post);
    return post;
  }

  private patchPost(id: string, body: unknown): FakePost {
    const post = this.readablePost(id);
    if (post.user_id !== this.botId) throw PERMISSION_ERROR();
    const b = (body ?? {}) as Record<string, unknown>;
    const invalid = validatePost(b.message ?? post.message, b.props);
    if (invalid) throw invalid;
    if (typeof b.message === 'string') post.message = b.message;
    // Patching props replaces them all.
    if (b.props !== undefined) post.props = { ...(b.props as Record<string, unknown>), from_bot: 'true' };
    post.update_at = post.edit_at = this.tick();
    post.updates++;
    return post;
  }

  private list(posts: FakePost[], hasNext = false) {
    const sorted = [...posts].sort((a, b) => b.create_at - a.create_at);
    return { order: sorted.map((p) => p.id), posts: Object.fromEntries(sorted.map((p) => [p.id, forClient(p)])), next_post_id: '', prev_post_id: '', has_next: hasNext };
  }

  private channelPosts(id: string, q: URLSearchParams) {
    const channel = this.readable(id);
    const all = this.s.posts.filter((p) => p.channel_id === channel.id).sort((a, b) => b.create_at - a.create_at);
    const since = q.get('since');
    if (since !== null) return this.list(all.filter((p) => p.update_at > Number(since)));
    const page = Number(q.get('page') ?? 0);
    const perPage = Math.min(PER_PAGE_MAX, Number(q.get('per_page') ?? 60));
    if (!Number.isInteger(page) || page < 0 || !Number.isInteger(perPage) || perPage < 1) throw new AppError(400, 'api.context.invalid_url_param.app_error', 'Invalid or missing page in request URL.');
    return this.list(all.slice(page * perPage, (page + 1) * perPage), all.length > (page + 1) * perPage);
  }

  private thread(id: string) {
    const post = this.readablePost(id);
    const rootId = post.root_id || post.id;
    return this.list(this.s.posts.filter((p) => p.id === rootId || p.root_id === rootId));
  }

  private direct(body: unknown): Record<string, unknown> {
    if (!Array.isArray(body) || body.length !== 2 || !body.every((x) => typeof x === 'string'))
      throw new AppError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing user_ids in request body.');
    const [a, b] = body as string[];
    if (a !== this.botId && b !== this.botId) throw PERMISSION_ERROR();
    for (const u of [a!, b!]) if (!this.s.users.has(u) || this.s.users.get(u)!.deleted) throw new AppError(400, 'api.channel.create_direct_channel.invalid_user.app_error', 'Invalid user ID for direct channel creation.');
    const name = [a, b].sort().join('__');
    let channel = [...this.s.channels.values()].find((c) => c.type === 'D' && c.name === name);
    if (!channel) {
      channel = { id: newId(), name, type: 'D', members: new Set([a!, b!]) };
      this.s.channels.set(channel.id, channel);
    }
    return { id: channel.id, name: channel.name, type: 'D', team_id: '' };
  }

  private openDialog(body: unknown): Answer {
    const b = (body ?? {}) as Record<string, any>;
    const trigger = typeof b.trigger_id === 'string' ? this.s.triggers.get(b.trigger_id) : undefined;
    if (!trigger || trigger.used) throw new AppError(400, 'interactive_message.decode_trigger_id.signature_decode_failed', 'Failed to decode signature of trigger ID for interactive dialog.');
    if (Date.now() - trigger.issuedAt > this.s.triggerTtlMs) throw new AppError(400, 'interactive_message.decode_trigger_id.expired', 'Trigger ID for interactive dialog is expired. Maximum time for Trigger ID is 3s.');
    const d = b.dialog as Record<string, any> | undefined;
    const bad = (why: string) => new AppError(400, 'api.context.invalid_body_param.app_error', `Invalid dialog: ${why}.`);
    if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url)) throw bad('url must be an absolute http(s) URL');
    if (!d || typeof d.title !== 'string' || !d.title || d.title.length > 24) throw bad('title is required, at most 24 characters');
    const elements = (d.elements ?? []) as Record<string, any>[];
    if (!Array.isArray(elements) || elements.length > 5) throw bad('at most 5 elements');
    for (const e of elements) {
      if (typeof e.name !== 'string' || !e.name || typeof e.display_name !== 'string' || e.display_name.length > 24) throw bad('each element needs a name and a display_name of at most 24 characters');
      if (!['text', 'textarea', 'select', 'bool', 'radio'].includes(e.type)) throw bad(`unknown element type "${e.type}"`);
    }
    trigger.used = true;
    this.s.dialogs.push({ id: newId(), user_id: trigger.user_id, channel_id: trigger.channel_id, url: b.url, dialog: d, closed: false });
    return { status: 200, json: { status: 'OK' } };
  }
}
