// Ids shared by the Discord renderer and adapter (worker) and the interactions handler (api): button
// custom ids, modal ids, and the marks every post carries so it can be found again. One module, so
// a rename on one side is a compile error on the other instead of buttons that silently do nothing.
import { createHash } from 'node:crypto';
import type { IncidentAction } from '../../../activities/chat/message';

/** Discord's cap on custom_id (buttons, modals, text inputs). */
export const MAX_CUSTOM_ID = 100;
/** Discord's cap on a message nonce. */
export const MAX_NONCE = 25;
export const CUSTOM_ID_PREFIX = 'incident';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * `incident:<action>:<incident id>`. Incident ids can reach 273 characters, past Discord's 100:
 * then the id is replaced by `#` and a digest, and the handler reads the full id from the message
 * the button sits on (its embed footer), checking it against the digest.
 */
export function customId(action: IncidentAction, incidentId: string): string {
  const full = `${CUSTOM_ID_PREFIX}:${action}:${incidentId}`;
  return full.length <= MAX_CUSTOM_ID ? full : `${CUSTOM_ID_PREFIX}:${action}:#${idDigest(incidentId)}`;
}

export function idDigest(incidentId: string): string {
  return sha256(incidentId).slice(0, 32);
}

export interface ParsedCustomId {
  action: IncidentAction;
  /** The incident id, when it fitted. */
  incidentId?: string;
  /** Otherwise its digest. */
  digest?: string;
}

export function parseCustomId(id: string): ParsedCustomId | undefined {
  const m = /^incident:(ack|handoff|resolve):(.+)$/.exec(id);
  if (!m) return undefined;
  const action = m[1] as IncidentAction;
  return m[2]!.startsWith('#') ? { action, digest: m[2]!.slice(1) } : { action, incidentId: m[2]! };
}

/** Modals behind Hand off and Resolve carry the same `incident:<action>:<id>` custom id as their button. */
export const MODAL_INPUTS = { handoffTo: 'to', handoffNote: 'note', resolveSummary: 'summary' } as const;

/**
 * The mark of a post with idempotency key `key`: 16 hex digits of its hash, shown as `ref <mark>`
 * in the embed footer (alerts) or the small last line (thread replies, DMs). A retried post looks
 * for its mark among the bot's recent messages.
 */
export function postMark(key: string): string {
  return sha256(key).slice(0, 16);
}

/**
 * The nonce Discord deduplicates a repeated create by (with enforce_nonce). Discord compares nonces
 * per author, not per channel, and one alert key is posted to every routed channel: so the channel
 * is part of it.
 */
export function nonceFor(channel: string, key: string): string {
  return sha256(`nonce:${channel}:${key}`).slice(0, MAX_NONCE);
}

/** Footer text of an alert: the incident id, then the post's mark when known. */
export function footerText(incidentId: string, key?: string): string {
  return key ? `${incidentId} · ref ${postMark(key)}` : incidentId;
}

/** The small last line of a text post: `-#` (Discord's subtext) with the incident id and the mark. */
export function markLine(key: string, incidentId?: string): string {
  return `-# ${incidentId ? `\`${incidentId}\` · ` : ''}ref ${postMark(key)}`;
}

/** What an alert or a text post says about itself: its mark and incident, if it is one of ours. */
export function readMarks(m: { content?: string; embeds?: { footer?: { text?: string } }[] }): { mark?: string; incidentId?: string } {
  const footer = m.embeds?.[0]?.footer?.text;
  const f = footer ? /^(incident\/\S+?)(?: · ref ([0-9a-f]{16}))?$/.exec(footer) : null;
  if (f) return { incidentId: f[1], mark: f[2] };
  const last = m.content?.split('\n').at(-1) ?? '';
  const c = /^-# (?:`(incident\/[^`\s]+)` · )?ref ([0-9a-f]{16})$/.exec(last);
  return c ? { incidentId: c[1], mark: c[2] } : {};
}

/** Epoch ms a snowflake was made (Discord ids start at 2015-01-01 and carry their time). */
export function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> 22n) + 1_420_070_400_000;
}
