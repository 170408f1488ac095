// Wire protocol of the local chat service (served by the api process under /local-chat/api, used
// by the worker's local chat adapter and by the browser page). Modelled on the Slack Web API:
// POST JSON, answer `{ ok: true, ... }` or `{ ok: false, error: "code" }` with HTTP 200, so the
// adapter handles it exactly as the Slack adapter will handle Slack.
import { z } from 'zod';
import type { IncidentMessage } from '../../../activities/chat/message';

export const LOCAL_CHAT_API_PREFIX = '/local-chat/api';

export const channelName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, 'channel names are lowercase letters, digits, "-" and "_"');

/** A message as stored and shown. `card` is the neutral incident message when the post is an alert. */
export interface LocalMessage {
  id: string;
  channel: string;
  /** Present for thread replies: the id of the thread's root message. */
  threadId?: string;
  /** Author: `bot` for the incident service, else the local user name. */
  user: string;
  text: string;
  card?: IncidentMessage;
  /** Idempotency key given by the poster; a second post with the same key returns the first message. */
  key?: string;
  /** Incident this message belongs to (the Slack equivalent is message metadata). */
  incidentId?: string;
  /** Users mentioned (paged) by this message. */
  mentions: string[];
  ts: string;
  editedTs?: string;
}

export const postMessageRequest = z
  .object({
    channel: channelName,
    text: z.string().min(1).max(40_000),
    card: z.unknown().optional(),
    threadId: z.string().optional(),
    key: z.string().min(1).max(512).optional(),
    incidentId: z.string().optional(),
    mentions: z.array(z.string()).default([]),
  })
  .strict();
export type PostMessageRequest = z.input<typeof postMessageRequest>;

export const updateMessageRequest = z
  .object({ channel: channelName, id: z.string().min(1), text: z.string().min(1).max(40_000), card: z.unknown().optional() })
  .strict();
export type UpdateMessageRequest = z.input<typeof updateMessageRequest>;

/** Find a message previously posted with `key` (how a retried post finds the first one). */
export const findMessageRequest = z.object({ channel: channelName, key: z.string().min(1) }).strict();
export type FindMessageRequest = z.input<typeof findMessageRequest>;

/** Direct message to a local user; the DM channel is `dm-<user>`. */
export const directMessageRequest = z
  .object({ user: z.string().min(1), text: z.string().min(1).max(40_000), key: z.string().min(1).max(512).optional(), incidentId: z.string().optional() })
  .strict();
export type DirectMessageRequest = z.input<typeof directMessageRequest>;

export type LocalChatResponse<T> = ({ ok: true } & T) | { ok: false; error: string; detail?: string };

/**
 * Methods (POST `${LOCAL_CHAT_API_PREFIX}/<method>`):
 *  - `chat.postMessage`  PostMessageRequest   -> { message: LocalMessage }
 *  - `chat.update`       UpdateMessageRequest -> { message: LocalMessage }   error `message_not_found`
 *  - `chat.find`         FindMessageRequest   -> { message: LocalMessage | null }
 *  - `chat.dm`           DirectMessageRequest -> { message: LocalMessage }
 * Errors: `invalid_arguments` (detail lists the fields), `channel_not_found` for update in a
 * channel that was never posted to, `invalid_auth` when a bot token is configured and missing.
 * Posting to a new channel name creates it, as the local service has no admin to create channels.
 * The page reads `GET ${LOCAL_CHAT_API_PREFIX}/channels`, `GET .../channels/:name/messages` and the
 * server-sent event stream `GET .../events` (`event: message` with a LocalMessage as data).
 */
