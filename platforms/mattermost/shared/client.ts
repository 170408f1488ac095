// A small client of the Mattermost REST API v4 over fetch, shared by the worker's adapter and the
// api's callback handlers. It does not retry: a failure is one MattermostHttpError (or a network
// error) that the caller maps to a typed failure, and Temporal does the retrying.
import { MattermostHttpError, resetDelayMs, type MattermostErrorBody } from './errors';

export interface MattermostPost {
  id: string;
  create_at: number;
  update_at: number;
  user_id: string;
  channel_id: string;
  root_id: string;
  message: string;
  type?: string;
  props?: Record<string, unknown>;
}

export interface PostList {
  order: string[];
  posts: Record<string, MattermostPost>;
  has_next?: boolean;
}

export interface MattermostUser {
  id: string;
  username: string;
  email?: string;
  delete_at?: number;
  is_bot?: boolean;
}

export interface NewPost {
  channel_id: string;
  message: string;
  root_id?: string;
  props?: Record<string, unknown>;
}

export interface OpenDialogRequest {
  trigger_id: string;
  url: string;
  dialog: Record<string, unknown>;
}

export interface MattermostClientOptions {
  /** Server base URL, e.g. https://chat.example.com */
  url: string;
  token: string;
  timeoutMs: number;
  /** The worker's rate budget (outbound/limits.ts); the api's calls go straight out. */
  limits?: ClientLimits;
}

/** How the rate budget takes part in a call: wait before it, learn from every answer's headers. */
export interface ClientLimits {
  around<T>(method: string, path: string, run: () => Promise<T>): Promise<T>;
  observe(status: number, headers: Headers): void;
}

/** Mattermost's largest page of posts. */
const MAX_PER_PAGE = 200;

export class MattermostClient {
  private readonly base: string;
  private identity?: Promise<MattermostUser>;

  constructor(private readonly opts: MattermostClientOptions) {
    this.base = `${opts.url.replace(/\/+$/, '')}/api/v4`;
  }

  /** The bot's own user, asked once (and again after a failure). */
  me(): Promise<MattermostUser> {
    this.identity ??= this.request<MattermostUser>('GET', '/users/me').catch((err: unknown) => {
      this.identity = undefined;
      throw err;
    });
    return this.identity;
  }

  user(id: string): Promise<MattermostUser> {
    return this.request('GET', `/users/${encodeURIComponent(id)}`);
  }

  /** The user with this email; undefined when there is none (404). */
  async userByEmail(email: string): Promise<MattermostUser | undefined> {
    try {
      return await this.request<MattermostUser>('GET', `/users/email/${encodeURIComponent(email)}`);
    } catch (err) {
      if (err instanceof MattermostHttpError && err.status === 404) return undefined;
      throw err;
    }
  }

  createPost(post: NewPost): Promise<MattermostPost> {
    return this.request('POST', '/posts', post);
  }

  /** Replaces the message and the whole props object (Mattermost's patch semantics for props). */
  patchPost(id: string, patch: { message?: string; props?: Record<string, unknown> }): Promise<MattermostPost> {
    return this.request('PUT', `/posts/${encodeURIComponent(id)}/patch`, patch);
  }

  /** Newest first; with `since` (epoch ms) every post created or changed since then, unpaged. */
  channelPosts(channel: string, q: { page?: number; perPage?: number; since?: number }): Promise<PostList> {
    const query = new URLSearchParams();
    if (q.since !== undefined) {
      query.set('since', String(Math.max(0, Math.floor(q.since))));
    } else {
      query.set('page', String(q.page ?? 0));
      query.set('per_page', String(Math.min(MAX_PER_PAGE, q.perPage ?? 60)));
    }
    return this.request('GET', `/channels/${encodeURIComponent(channel)}/posts?${query}`);
  }

  /** The root post and its replies. */
  thread(rootId: string): Promise<PostList> {
    return this.request('GET', `/posts/${encodeURIComponent(rootId)}/thread`);
  }

  /** The direct-message channel of two users (Mattermost returns the existing one when there is one). */
  directChannel(a: string, b: string): Promise<{ id: string }> {
    return this.request('POST', '/channels/direct', [a, b]);
  }

  async openDialog(req: OpenDialogRequest): Promise<void> {
    await this.request('POST', '/actions/dialogs/open', req);
  }

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const limits = this.opts.limits;
    return limits ? limits.around(method, path, () => this.send<T>(method, path, body)) : this.send<T>(method, path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.opts.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    this.opts.limits?.observe(res.status, res.headers);
    const text = await res.text();
    if (res.ok) return (text ? JSON.parse(text) : {}) as T;
    let error: MattermostErrorBody = {};
    try {
      error = JSON.parse(text) as MattermostErrorBody;
    } catch {
      // 429s and proxies answer plain text; the status says enough.
    }
    throw new MattermostHttpError(res.status, error, res.status === 429 ? resetDelayMs(res.headers) : 0, `${method} ${path.split('?')[0]}: HTTP ${res.status}`);
  }
}

/** Posts of a list, newest first. */
export function postsOf(list: PostList): MattermostPost[] {
  return (list.order ?? []).map((id) => list.posts?.[id]).filter((p): p is MattermostPost => !!p);
}
