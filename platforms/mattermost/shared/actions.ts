// What the Mattermost renderer (worker) and the callback handlers (api) must agree on: the api's
// paths, the post props every bot post carries, and the tokens that authenticate callbacks. One
// module, so a rename on one side is a compile error on the other instead of buttons that do nothing.
//
// Mattermost relays a button click to the integration URL with the button's `context`, which it
// never shows to clients. Each button's context carries an HMAC of (action, incident) under the
// action secret: a click is obeyed only when that token verifies, so nobody can forge one by
// POSTing to the api, and a token lifted from one button is good for that button only.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncidentAction } from '../../../activities/chat/message';

export const COMMAND_PATH = '/mattermost/command';
export const ACTIONS_PATH = '/mattermost/actions';
export const DIALOGS_PATH = '/mattermost/dialogs';

/** Props on every bot post (alerts, thread replies, DMs): the incident and the post's idempotency key. */
export const PROP_INCIDENT = 'incident_id';
export const PROP_KEY = 'incident_key';

export const INCIDENT_ACTIONS: readonly IncidentAction[] = ['ack', 'handoff', 'resolve'];

/** Dialog callback ids and element names. */
export const DIALOG_HANDOFF = 'incident_handoff';
export const DIALOG_RESOLVE = 'incident_resolve';
export const DIALOG_FIELDS = { to: 'to', note: 'note', summary: 'summary' } as const;

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Equal in constant time, whatever the lengths (both sides are hashed first). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The token in a button's context. */
export function actionToken(secret: string, action: IncidentAction, incidentId: string): string {
  return mac(secret, `action\n${action}\n${incidentId}`);
}

export function verifyActionToken(secret: string, action: IncidentAction, incidentId: string, token: unknown): boolean {
  return typeof token === 'string' && safeEqual(actionToken(secret, action, incidentId), token);
}

/**
 * Dialog state: Mattermost echoes it with the submission. Signed for the dialog, the incident, the
 * user it was opened for and the time, so it lets only that user act as themselves, for an hour.
 */
export interface DialogState {
  incidentId: string;
  /** The channel of the alert, where answers go. */
  channel?: string;
  /** The alert post whose button opened the dialog: its thread gets the action's line. */
  post?: string;
}

/** A dialog left open longer than this is refused on submission (the person opens a fresh one). */
export const DIALOG_TTL_MS = 60 * 60_000;

export function signDialogState(secret: string, callbackId: string, user: string, state: DialogState, nowMs = Date.now()): string {
  const body = JSON.stringify({ i: state.incidentId, c: state.channel ?? '', ...(state.post ? { p: state.post } : {}), t: nowMs });
  return JSON.stringify({ s: body, m: mac(secret, `dialog\n${callbackId}\n${user}\n${body}`) });
}

/** The state when its MAC verifies for this dialog and user and it is not stale; undefined for anything else. */
export function readDialogState(secret: string, callbackId: string, user: string, raw: unknown, nowMs = Date.now()): DialogState | undefined {
  try {
    const outer = JSON.parse(String(raw)) as { s?: unknown; m?: unknown };
    if (typeof outer.s !== 'string' || typeof outer.m !== 'string') return undefined;
    if (!safeEqual(mac(secret, `dialog\n${callbackId}\n${user}\n${outer.s}`), outer.m)) return undefined;
    const inner = JSON.parse(outer.s) as { i?: unknown; c?: unknown; p?: unknown; t?: unknown };
    if (typeof inner.i !== 'string' || !inner.i) return undefined;
    if (typeof inner.t !== 'number' || nowMs - inner.t > DIALOG_TTL_MS || inner.t - nowMs > 60_000) return undefined;
    return { incidentId: inner.i, ...(typeof inner.c === 'string' && inner.c ? { channel: inner.c } : {}), ...(typeof inner.p === 'string' && inner.p ? { post: inner.p } : {}) };
  } catch {
    return undefined;
  }
}
