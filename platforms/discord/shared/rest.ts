// The few Discord REST calls this product makes, over fetch: `Authorization: Bot <token>`, JSON in
// and out, one timeout per call, and every failure mapped to a typed activity failure. No retries
// of its own: the activity retry policy is the one loop, and a 429 tells it exactly when. The token
// is only ever put in the Authorization header (never in a URL, a log line or an error message).
import { unavailable } from '../../../activities/errors';
import { discordFailure, type DiscordErrorBody } from './errors';

export interface DiscordRestOptions {
  /** e.g. https://discord.com/api/v10 */
  apiUrl: string;
  /** The bot token; calls made without it (interaction webhooks) pass `auth: false`. */
  token?: string;
  timeoutMs: number;
  /** Sent as User-Agent, which Discord asks bots to set. */
  userAgent?: string;
  /** The worker's rate budgets (outbound/limits.ts); bot-token calls only, interaction webhooks go straight out. */
  limits?: RestLimits;
}

/** How the rate budgets take part in a call: wait before it, learn from every answer's headers. */
export interface RestLimits {
  around<T>(method: string, path: string, run: () => Promise<T>): Promise<T>;
  observe(method: string, path: string, status: number, headers: Headers, body: DiscordErrorBody): void;
}

export interface CallOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Interaction webhooks are authorized by the token in their path, not the bot token. */
  auth?: boolean;
}

/** Discord's message as far as this product reads it. */
export interface DiscordMessage {
  id: string;
  channel_id: string;
  type?: number;
  author?: { id: string; bot?: boolean };
  content?: string;
  embeds?: { title?: string; footer?: { text?: string } }[];
  components?: unknown[];
  timestamp?: string;
  message_reference?: { message_id?: string; channel_id?: string };
}

export interface DiscordChannel {
  id: string;
  type: number;
  parent_id?: string | null;
  guild_id?: string;
}

export const USER_AGENT = 'DiscordBot (https://github.com/k8s-incident-flow, 0.1.0)';

export class DiscordRest {
  constructor(private readonly opts: DiscordRestOptions) {}

  get apiUrl(): string {
    return this.opts.apiUrl.replace(/\/+$/, '');
  }

  call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const limits = opts.auth !== false ? this.opts.limits : undefined;
    return limits ? limits.around(method, path, () => this.send<T>(method, path, opts)) : this.send<T>(method, path, opts);
  }

  private async send<T>(method: string, path: string, opts: CallOptions): Promise<T> {
    // Interaction webhooks carry their token in the path: it never goes into a message or a log.
    const what = `${method} ${path.replace(/^(\/webhooks\/\d+\/)[^/]+/, '$1<token>')}`;
    const query = Object.entries(opts.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
    const url = `${this.apiUrl}${path}${query.length ? `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)]))}` : ''}`;
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent ?? USER_AGENT };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.auth !== false && this.opts.token) headers.authorization = `Bot ${this.opts.token}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : e.message;
      throw unavailable(`Discord ${what}: ${why} (network error or timeout; a post that arrived anyway is found on retry)`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw unavailable(`Discord ${what}: the answer broke off (${(err as Error).message})`);
    }
    if (res.ok) {
      if (opts.auth !== false) this.opts.limits?.observe(method, path, res.status, res.headers, {});
      return (text ? JSON.parse(text) : undefined) as T;
    }
    let body: DiscordErrorBody = {};
    try {
      body = text ? (JSON.parse(text) as DiscordErrorBody) : {};
    } catch {
      // Proxies and Cloudflare answer HTML; the status alone decides then.
    }
    if (opts.auth !== false) this.opts.limits?.observe(method, path, res.status, res.headers, body);
    throw discordFailure(res.status, body, res.headers, what);
  }
}
