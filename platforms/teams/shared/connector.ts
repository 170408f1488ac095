// A small client of the Bot Connector REST API (v3) and of the OAuth 2.0 client-credentials token
// endpoint the bot authenticates with. The worker speaks the wire protocol directly instead of
// through botbuilder's ConnectorClient because that client retries 429/5xx inside the call (sleeping
// through Retry-After within the activity's timeout) and its MSAL login refuses non-HTTPS
// authorities; here every failure becomes one typed Temporal failure and Temporal does the retrying.
import { ErrorTypes, permanentFailure, rateLimited, unavailable } from '../../../activities/errors';

export interface TokenOptions {
  /** The bot's Microsoft App ID; without it requests go unauthenticated (development only). */
  appId?: string;
  password?: string;
  /** Authority, e.g. https://login.microsoftonline.com/botframework.com (`/oauth2/v2.0/token` is appended). */
  loginUrl: string;
  /** e.g. https://api.botframework.com (`/.default` is appended). */
  oauthScope: string;
  timeoutMs: number;
}

/** Access tokens for outgoing Bot Connector calls, cached until five minutes before they expire. */
export class TokenClient {
  private cached?: { token: string; until: number };
  private pending?: Promise<string>;

  constructor(private readonly opts: TokenOptions) {}

  get enabled(): boolean {
    return !!this.opts.appId && !!this.opts.password;
  }

  async getToken(forceRefresh = false): Promise<string | undefined> {
    if (!this.enabled) return undefined;
    if (!forceRefresh && this.cached && this.cached.until > Date.now()) return this.cached.token;
    // One request for concurrent callers.
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const url = `${this.opts.loginUrl.replace(/\/+$/, '')}/oauth2/v2.0/token`;
    const scope = this.opts.oauthScope.endsWith('/.default') ? this.opts.oauthScope : `${this.opts.oauthScope.replace(/\/+$/, '')}/.default`;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.opts.appId!, client_secret: this.opts.password!, scope });
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (err) {
      throw unavailable(`the Teams token endpoint ${url} is unreachable: ${(err as Error).message}`);
    }
    const json = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (res.status === 429) throw rateLimited('the Teams token endpoint is rate limiting', retryAfterMs(res));
    if (res.status >= 500) throw unavailable(`the Teams token endpoint answered HTTP ${res.status}`);
    if (!res.ok || !json.access_token) {
      // AADSTS descriptions name the problem (wrong secret, unknown app) and carry no secret.
      const why = json.error_description?.split('\r\n')[0] ?? json.error ?? `HTTP ${res.status}`;
      throw permanentFailure(ErrorTypes.invalidAuth, `Teams refused the bot's credentials (${why}): check platforms.teams.appId, appPassword and tenantId`);
    }
    const lifetimeMs = Math.max(60, Number(json.expires_in ?? 3600)) * 1000;
    this.cached = { token: json.access_token, until: Date.now() + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 2) };
    return json.access_token;
  }
}

/** Seconds or an HTTP date, as in Retry-After; 1 s when absent or unreadable. */
export function retryAfterMs(res: Response): number {
  const header = res.headers.get('retry-after');
  if (!header) return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 1000;
}

export interface ConnectorActivity {
  type: string;
  id?: string;
  text?: string;
  textFormat?: string;
  summary?: string;
  attachments?: { contentType: string; content: unknown }[];
  entities?: Record<string, unknown>[];
  channelData?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ConversationParameters {
  isGroup: boolean;
  bot: { id: string; name?: string };
  members: { id: string }[];
  tenantId?: string;
  channelData?: Record<string, unknown>;
}

/** What a send tells its caller's answer timeout: it waits in the worker for budget (`pause`), or a request goes out now (`resume`). */
export interface SendTimer {
  pause(): void;
  resume(): void;
}

/** How the worker's rate budgets (outbound/limits.ts) take part in a call; `conversation` is absent when creating one. */
export interface ConnectorLimits {
  around<T>(method: string, conversation: string | undefined, run: () => Promise<T>): Promise<T>;
  observe(conversation: string | undefined, status: number, retryAfterMs: number): void;
}

/** The Bot Connector calls the Teams adapter needs, each mapped to a typed failure. */
export class BotConnector {
  constructor(
    private readonly tokens: TokenClient,
    private readonly timeoutMs: number,
    private readonly limits?: ConnectorLimits,
  ) {}

  sendToConversation(serviceUrl: string, conversationId: string, activity: ConnectorActivity, timer?: SendTimer): Promise<{ id: string }> {
    return this.call('POST', serviceUrl, `/v3/conversations/${encodeURIComponent(conversationId)}/activities`, activity, { abort: false, timer });
  }

  replyToActivity(serviceUrl: string, conversationId: string, activityId: string, activity: ConnectorActivity, timer?: SendTimer): Promise<{ id: string }> {
    const path = `/v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`;
    return this.call('POST', serviceUrl, path, { ...activity, replyToId: activityId }, { abort: false, timer });
  }

  async updateActivity(serviceUrl: string, conversationId: string, activityId: string, activity: ConnectorActivity): Promise<void> {
    const path = `/v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`;
    await this.call('PUT', serviceUrl, path, { ...activity, id: activityId }, { abort: true });
  }

  createConversation(serviceUrl: string, params: ConversationParameters, timer?: SendTimer): Promise<{ id: string }> {
    return this.call('POST', serviceUrl, '/v3/conversations', params, { abort: true, timer });
  }

  /**
   * `abort: false` lets a slow post run on after the caller gave up waiting, so the adapter's
   * ledger can still learn the message id (see ledger.ts); other calls are safe to repeat.
   */
  private call<T>(method: string, serviceUrl: string, path: string, body: unknown, opts: { abort: boolean; timer?: SendTimer }): Promise<T> {
    if (!this.limits) return this.send<T>(method, serviceUrl, path, body, opts);
    const conversation = /^\/v3\/conversations\/([^/]+)/.exec(path)?.[1];
    // The caller's answer timeout stops while the call waits for budget, and restarts as it goes out.
    opts.timer?.pause();
    return this.limits.around(method, conversation && decodeURIComponent(conversation), () => {
      opts.timer?.resume();
      return this.send<T>(method, serviceUrl, path, body, opts);
    });
  }

  private async send<T>(method: string, serviceUrl: string, path: string, body: unknown, opts: { abort: boolean }): Promise<T> {
    const url = `${serviceUrl.replace(/\/+$/, '')}${path}`;
    const send = async (token: string | undefined) => {
      try {
        return await fetch(url, {
          method,
          headers: { 'content-type': 'application/json; charset=utf-8', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
          ...(opts.abort ? { signal: AbortSignal.timeout(this.timeoutMs) } : {}),
        });
      } catch (err) {
        throw unavailable(`the Teams Bot Connector at ${serviceUrl} is unreachable: ${(err as Error).message}`);
      }
    };
    let res = await send(await this.tokens.getToken());
    // A token revoked or rotated early: fetch a fresh one once before calling it a credentials problem.
    if (res.status === 401 && this.tokens.enabled) res = await send(await this.tokens.getToken(true));
    const conversation = /^\/v3\/conversations\/([^/]+)/.exec(path)?.[1];
    this.limits?.observe(conversation && decodeURIComponent(conversation), res.status, res.status === 429 ? retryAfterMs(res) : 0);
    const text = await res.text();
    if (res.ok) return (text ? JSON.parse(text) : {}) as T;
    const error = parseError(text);
    const detail = error ? ` (${error.code}: ${error.message})` : '';
    if (res.status === 429) throw rateLimited(`Teams is rate limiting the bot${detail}`, retryAfterMs(res));
    if (res.status >= 500) throw unavailable(`Teams answered HTTP ${res.status} for ${method} ${path}${detail}`);
    if (res.status === 401 || res.status === 403)
      throw permanentFailure(
        ErrorTypes.invalidAuth,
        `Teams refused the bot (HTTP ${res.status})${detail}: check platforms.teams.appId/appPassword and that the app is installed in the team or chat`,
      );
    if (res.status === 404)
      throw permanentFailure(ErrorTypes.channelNotFound, `Teams does not know conversation ${conversationOf(path)}${detail}: check platforms.teams.channels and that the bot is in it`);
    throw permanentFailure(ErrorTypes.invalidRequest, `Teams rejected ${method} ${path} (HTTP ${res.status})${detail}`);
  }
}

function parseError(text: string): { code: string; message: string } | undefined {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    return e ? { code: e.code ?? 'Error', message: e.message ?? '' } : undefined;
  } catch {
    return undefined;
  }
}

function conversationOf(path: string): string {
  const m = /^\/v3\/conversations\/([^/]+)/.exec(path);
  return m ? decodeURIComponent(m[1]!) : '(new)';
}
