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
  /** With `threadId`: the thread's `MessageRef.meta`, so the reply reaches it even if config changed. */
  meta?: Record<string, string>;
  /**
   * Set on a retry: an earlier attempt may have posted this at or after this time (epoch ms), and
   * the platform should look for that message before posting (see attempt.ts).
   */
  retrySince?: number;
}

/** What a post returns: the message id and, for platforms that need it, how to reach it again. */
export interface PostedMessage {
  id: string;
  /** Kept durably in `MessageRef.meta` (e.g. a Teams conversation reference) and passed to `update`. */
  meta?: Record<string, string>;
}

export interface ChatPlatform {
  readonly name: string;
  /** Posts unless a message with `req.key` already exists in the channel; returns the message id. */
  post(req: PostRequest): Promise<PostedMessage>;
  /** `meta` is what `post` returned for this message (absent for platforms that return none). */
  update(channel: string, id: string, text: string, card?: IncidentMessage, meta?: Record<string, string>): Promise<void>;
  /** Direct message to a platform user, idempotent by key. */
  directMessage(user: string, text: string, key: string, incidentId?: string): Promise<{ id: string }>;
  /**
   * The platform user with this email, for roster people without a platform id (only where the
   * config allows email lookup). Undefined when nobody has that email.
   */
  userForEmail?(email: string): Promise<string | undefined>;
}
