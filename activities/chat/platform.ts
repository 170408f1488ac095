// The small interface every chat platform adapter implements (local chat now; Slack, Teams,
// Discord, Mattermost later). Activities are written against this, never against a platform SDK.
import type { IncidentMessage } from './message';

export interface PostRequest {
  channel: string;
  text: string;
  card?: IncidentMessage;
  threadId?: string;
  /** Idempotency key: a retried post with the same key must not create a second message. */
  key: string;
  incidentId?: string;
  /** Platform user ids mentioned (paged) by this post. */
  mentions?: string[];
}

export interface ChatPlatform {
  readonly name: string;
  /** Posts unless a message with `req.key` already exists in the channel; returns the message id. */
  post(req: PostRequest): Promise<{ id: string }>;
  update(channel: string, id: string, text: string, card?: IncidentMessage): Promise<void>;
  /** Direct message to a platform user, idempotent by key. */
  directMessage(user: string, text: string, key: string, incidentId?: string): Promise<{ id: string }>;
}
