// Finding a post the bot already made, through Microsoft Graph (read only). Teams assigns message ids
// and the Bot Connector has no way to ask "is my message there?", so a post retried after the
// worker died between Teams accepting it and the answer arriving would post a second card. Every
// post carries its idempotency key as the id of the card's first element (see postMarker); a retry
// reads the channel's messages changed since the activity was first scheduled (root posts) or the
// thread's replies, and reuses the message with that key. The Graph message id of a channel
// message is the activity id the Bot Connector returned for it, so updates keep working.
import { ErrorTypes, permanentFailure, rateLimited, unavailable } from '../../../activities/errors';
import { CARD_CONTENT_TYPE } from '../shared/card';
import { retryAfterMs, type TokenClient } from '../shared/connector';

/** Graph pages to read at most per lookup (50 messages each). */
const MAX_PAGES = 20;
/** How far before the first attempt to look, for clock skew between this worker and Teams. */
export const LOOKUP_SKEW_MS = 5 * 60_000;

/** The id given to a post's first card element: how a later lookup recognises the post. */
export function postMarker(key: string): string {
  return `k8s-incident-flow:${key}`;
}

interface GraphMessage {
  id?: string;
  deletedDateTime?: string | null;
  attachments?: { contentType?: string; content?: string | null }[];
}
interface GraphPage {
  value?: GraphMessage[];
  '@odata.nextLink'?: string;
}

export interface GraphLookupOptions {
  /** e.g. https://graph.microsoft.com/v1.0 */
  url: string;
  tokens: TokenClient;
  timeoutMs: number;
}

export class GraphLookup {
  constructor(private readonly opts: GraphLookupOptions) {}

  /**
   * The id of the bot's message carrying `key` in a channel (a root post changed after `since`) or
   * in one thread of it; undefined when there is none.
   */
  async find(where: { teamId: string; channelId: string; threadId?: string }, key: string, since: number): Promise<string | undefined> {
    const base = `${this.opts.url.replace(/\/+$/, '')}/teams/${encodeURIComponent(where.teamId)}/channels/${encodeURIComponent(where.channelId)}/messages`;
    // Root posts: the delta function is the documented way to read only messages changed since a time.
    // Replies have no such filter, but one incident's thread is short.
    const first = where.threadId
      ? `${base}/${encodeURIComponent(where.threadId)}/replies?$top=50`
      : `${base}/delta?$top=50&$filter=${encodeURIComponent(`lastModifiedDateTime gt ${new Date(since - LOOKUP_SKEW_MS).toISOString()}`)}`;
    const marker = postMarker(key);
    let next: string | undefined = first;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const body: GraphPage = await this.get(next);
      const hit = (body.value ?? []).find((m) => !m.deletedDateTime && carries(m, marker));
      if (hit?.id) return hit.id;
      next = body['@odata.nextLink'];
      // Follow only links to the configured Graph, never wherever a response points.
      if (next && new URL(next).origin !== new URL(this.opts.url).origin) next = undefined;
    }
    return undefined;
  }

  private async get(url: string): Promise<GraphPage> {
    const token = await this.opts.tokens.getToken();
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (err) {
      throw unavailable(`Microsoft Graph at ${new URL(url).origin} is unreachable: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as GraphPage;
    const detail = graphError(text);
    if (res.status === 429) throw rateLimited(`Microsoft Graph is throttling the bot${detail}`, retryAfterMs(res));
    if (res.status >= 500) throw unavailable(`Microsoft Graph answered HTTP ${res.status}${detail}`);
    if (res.status === 401 || res.status === 403)
      throw permanentFailure(
        ErrorTypes.invalidAuth,
        `Microsoft Graph refused to read channel messages (HTTP ${res.status})${detail}: grant the app ChannelMessage.Read.Group (RSC, in the manifest) or ChannelMessage.Read.All, or set platforms.teams.graph.enabled: false`,
      );
    if (res.status === 404)
      throw permanentFailure(ErrorTypes.channelNotFound, `Microsoft Graph does not know that team or channel${detail}: check platforms.teams.channels.<name>.teamId and conversationId`);
    throw permanentFailure(ErrorTypes.invalidRequest, `Microsoft Graph rejected the message lookup (HTTP ${res.status})${detail}`);
  }
}

/** Whether a Graph message is an Adaptive Card whose first element has the marker id. */
function carries(m: GraphMessage, marker: string): boolean {
  return (m.attachments ?? []).some((a) => {
    // Graph returns the card as a JSON string, as it was sent.
    if (a.contentType !== CARD_CONTENT_TYPE || !a.content) return false;
    try {
      const card = JSON.parse(a.content) as { body?: { id?: unknown }[] };
      return card.body?.[0]?.id === marker;
    } catch {
      return false;
    }
  });
}

function graphError(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    return e ? ` (${e.code ?? 'Error'}: ${e.message ?? ''})` : '';
  } catch {
    return '';
  }
}
