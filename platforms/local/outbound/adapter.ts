// Adapter for the local chat service in the api process. It talks HTTP to it exactly as the Slack
// adapter talks to Slack: JSON methods answering { ok, error }, errors mapped to typed failures.
import type { ChatPlatform, PostRequest } from '../../../activities/chat/platform';
import type { IncidentMessage } from '../../../activities/chat/message';
import { LOCAL_CHAT_API_PREFIX, type LocalChatResponse, type LocalMessage } from '../shared/protocol';
import { ErrorTypes, permanentFailure, rateLimited, unavailable } from '../../../activities/errors';

export interface LocalChatOptions {
  /** Base URL of the api process, e.g. http://127.0.0.1:8080 */
  url: string;
  token?: string;
  timeoutMs?: number;
}

export function createLocalChat(opts: LocalChatOptions): ChatPlatform {
  async function call<T>(method: string, body: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${opts.url}${LOCAL_CHAT_API_PREFIX}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw unavailable(`local chat at ${opts.url} is unreachable: ${(err as Error).message}`);
    }
    if (res.status === 429) throw rateLimited('local chat rate limited', Number(res.headers.get('retry-after') ?? '1') * 1000);
    if (res.status >= 500) throw unavailable(`local chat answered HTTP ${res.status}`);
    const json = (await res.json()) as LocalChatResponse<T>;
    if (!json.ok) {
      const detail = json.detail ? ` (${json.detail})` : '';
      if (json.error === 'channel_not_found' || json.error === 'message_not_found') throw permanentFailure(ErrorTypes.channelNotFound, `local chat: ${json.error}${detail}`);
      if (json.error === 'invalid_auth') throw permanentFailure(ErrorTypes.invalidAuth, 'local chat rejected the bot token');
      throw permanentFailure(ErrorTypes.invalidRequest, `local chat ${method}: ${json.error}${detail}`);
    }
    return json;
  }

  return {
    name: 'local',
    async post(req: PostRequest) {
      // The service dedupes by key, so a retry after a timeout returns the first message; the
      // retry hint is therefore not part of its (strict) protocol.
      const { retrySince: _retrySince, ...fields } = req;
      const { message } = await call<{ message: LocalMessage }>('chat.postMessage', { ...fields, mentions: req.mentions ?? [] });
      return { id: message.id };
    },
    async update(channel: string, id: string, text: string, card?: IncidentMessage) {
      await call('chat.update', { channel, id, text, card });
    },
    async directMessage(user: string, text: string, key: string, incidentId?: string) {
      const { message } = await call<{ message: LocalMessage }>('chat.dm', { user, text, key, incidentId });
      return { id: message.id };
    },
  };
}
