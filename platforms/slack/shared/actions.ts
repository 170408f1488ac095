// Ids shared by the Block Kit renderer (worker) and the Bolt handlers (api): button action ids,
// modal callback ids and the message metadata every post carries. One module, so a rename on one
// side is a compile error on the other instead of buttons that silently do nothing.
import { createHash } from 'node:crypto';
import type { IncidentAction } from '../../../activities/chat/message';

/** Metadata event type of every message the bot posts (alerts, thread replies, DMs). */
export const METADATA_EVENT_TYPE = 'incident_alert';
export interface IncidentMetadataPayload {
  incident_id: string;
  /** Idempotency key of the post: a retried post finds its first message by it. */
  key: string;
}

export const ACTION_PREFIX = 'incident';
export const ACTIONS_BLOCK_ID = 'incident-actions';
export const MAX_ACTION_ID = 255;

/**
 * `incident:<action>:<incident id>`. Ids longer than Slack's 255-character limit carry a digest of
 * the incident id instead; the button `value` always holds the full id, which is what handlers read.
 */
export function actionId(action: IncidentAction, incidentId: string): string {
  const full = `${ACTION_PREFIX}:${action}:${incidentId}`;
  if (full.length <= MAX_ACTION_ID) return full;
  return `${ACTION_PREFIX}:${action}:#${createHash('sha256').update(incidentId).digest('hex').slice(0, 32)}`;
}

/** Matches every incident button; group 1 is the action. */
export const ACTION_ID_PATTERN = /^incident:(ack|handoff|resolve)(?::|$)/;

export function parseActionId(id: string): IncidentAction | undefined {
  return ACTION_ID_PATTERN.exec(id)?.[1] as IncidentAction | undefined;
}

/** Modal callback ids (view_submission). */
export const VIEW_HANDOFF = 'incident_handoff';
export const VIEW_RESOLVE = 'incident_resolve';
