// The fake Mattermost server's stored objects and the rules it shares between its REST API
// (server.ts) and what it sends to integrations (inbound.ts): ids, error bodies, post validation.
import { randomBytes } from 'node:crypto';

export const FAKE_TEAM = { id: 'faketeam00000000000000000a', name: 'fake-team' } as const;

/** Mattermost's post length limit, in runes. */
export const MAX_MESSAGE_RUNES = 16_383;
/** Real trigger ids expire after 3 s; the fake's default is wider so a loaded test machine does not flake. */
export const DEFAULT_TRIGGER_TTL_MS = 10_000;

export interface FakeUser {
  id: string;
  username: string;
  email?: string;
  isBot?: boolean;
  deleted?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  /** O public, P private, D direct. */
  type: 'O' | 'P' | 'D';
  members: Set<string>;
}

export interface FakePost {
  id: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  user_id: string;
  channel_id: string;
  root_id: string;
  message: string;
  type: string;
  props: Record<string, any>;
  /** How many patches changed it. */
  updates: number;
}

export interface FakeEphemeral {
  user_id: string;
  channel_id: string;
  root_id: string;
  message: string;
  /** What produced it: a slash command response or a button's ephemeral_text. */
  source: 'command' | 'action';
}

export interface FakeCommand {
  trigger: string;
  url: string;
  token: string;
}

export interface FakeDialog {
  id: string;
  user_id: string;
  channel_id: string;
  url: string;
  dialog: Record<string, any>;
  /** Set once it was submitted (or cancelled) and closed. */
  closed: boolean;
}

export interface FakeTrigger {
  user_id: string;
  channel_id: string;
  issuedAt: number;
  used: boolean;
}

/** A Mattermost id: 26 lowercase letters and digits. */
export function newId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(26)].map((b) => alphabet[b % alphabet.length]).join('');
}

export const ID = /^[a-z0-9]{26}$/;

/** Mattermost's error answer. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
  body(): Record<string, unknown> {
    return { id: this.id, message: this.message, detailed_error: '', request_id: newId(), status_code: this.status };
  }
}

export const PERMISSION_ERROR = () => new AppError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');

const ACTION_ID = /^[A-Za-z0-9]+$/;
const ACTION_STYLES = new Set(['good', 'warning', 'danger', 'default', 'primary', 'success']);

/** What Mattermost refuses in a post it is asked to store: overlong messages and broken buttons. */
export function validatePost(message: unknown, props: unknown): AppError | undefined {
  if (typeof message !== 'string') return new AppError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing message in request body.');
  if ([...message].length > MAX_MESSAGE_RUNES) return new AppError(400, 'model.post.is_valid.msg.app_error', 'Invalid Message.');
  if (props === undefined) return undefined;
  if (!props || typeof props !== 'object' || Array.isArray(props)) return new AppError(400, 'model.post.is_valid.props.app_error', 'Invalid props.');
  const attachments = (props as Record<string, unknown>).attachments;
  if (attachments === undefined) return undefined;
  if (!Array.isArray(attachments)) return new AppError(400, 'model.post.is_valid.props.app_error', 'Invalid props: attachments must be a list.');
  for (const a of attachments as Record<string, any>[]) {
    const ids = new Set<string>();
    for (const action of (a?.actions ?? []) as Record<string, any>[]) {
      const bad = (why: string) => new AppError(400, 'model.post.is_valid.props.app_error', `Invalid action: ${why}.`);
      if (typeof action.name !== 'string' || !action.name) return bad('name is required');
      if (action.id !== undefined && !ACTION_ID.test(String(action.id))) return bad('id must be letters and digits only');
      if (ids.has(action.id)) return bad('ids must be unique in the post');
      ids.add(action.id);
      if (action.style !== undefined && !ACTION_STYLES.has(action.style) && !/^#[0-9a-fA-F]{3,6}$/.test(action.style)) return bad(`unknown style "${action.style}"`);
      if (!/^https?:\/\/[^\s]+$/.test(String(action.integration?.url ?? ''))) return bad('integration.url must be an absolute http(s) URL');
    }
  }
  return undefined;
}

/** A post as the API returns it: button integrations (URL and context) are never shown to clients. */
export function forClient(post: FakePost): Record<string, unknown> {
  const { updates: _updates, ...rest } = post;
  const attachments = post.props.attachments as Record<string, any>[] | undefined;
  if (!Array.isArray(attachments)) return { ...rest, props: { ...post.props } };
  const stripped = attachments.map((a) => ({ ...a, ...(a.actions ? { actions: (a.actions as Record<string, any>[]).map(({ integration: _i, ...action }) => action) } : {}) }));
  return { ...rest, props: { ...post.props, attachments: stripped } };
}
