// Mattermost rendering of the neutral incident message: a one-line post message plus a message
// attachment (color by severity, fields, the diagnostics digest, links) with Ack / Hand off /
// Resolve as interactive buttons whose callbacks go to the api. Pure: same message in, same JSON
// out (golden tests). Text from the cluster is escaped, so an event cannot forge links or
// formatting, and every @ in it is defused, so it cannot notify @channel or anyone else.
import { ackLabel, assigneeLabel, type IncidentAction, type IncidentMessage } from '../../../activities/chat/message';
import { ACTIONS_PATH, actionToken } from './actions';

/** Mattermost's post limit (runes) and the caps that keep an alert readable. */
export const LIMITS = {
  message: 16_383,
  title: 250,
  text: 3000,
  fieldValue: 1000,
  fields: 12,
  links: 10,
} as const;

export interface RenderContext {
  /** How the Mattermost server reaches the api, e.g. https://incidents.example.com (no trailing slash). */
  actionsUrl: string;
  /** Signs each button's callback context (see actions.ts). */
  actionSecret: string;
}

export interface MattermostAction {
  id: string;
  type: 'button';
  name: string;
  style: string;
  integration: { url: string; context: { action: IncidentAction; incident_id: string; token: string } };
}

export interface MattermostAttachment {
  fallback: string;
  color: string;
  title: string;
  text: string;
  fields: { title: string; value: string; short: boolean }[];
  actions?: MattermostAction[];
  footer: string;
}

const STATUS_LABEL = { triggered: 'TRIGGERED', acknowledged: 'ACKNOWLEDGED', resolved: 'RESOLVED' } as const;
const SEVERITY_COLOR = { critical: '#b3001b', error: '#e8590c', warning: '#f2b01e', info: '#2389d7' } as const;
const RESOLVED_COLOR = '#3db887';
const BUTTONS: Record<IncidentAction, { name: string; style: string }> = {
  ack: { name: 'Ack', style: 'primary' },
  handoff: { name: 'Hand off', style: 'default' },
  resolve: { name: 'Resolve', style: 'success' },
};

/** Cuts to `max` characters with an ellipsis, never ending on half a backslash escape. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  const trailing = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (trailing % 2 === 1) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Defuses mentions (`@channel`, `@alice`) with a zero-width space after the @: it still reads as "@alice". */
export function defuseMentions(s: string): string {
  return s.replace(/@(?=[\p{L}\p{N}_.-])/gu, '@\u200b');
}

/** Markdown-escaped and mention-free: for text that comes from the cluster or from people. */
export function escapeMarkdown(s: string): string {
  return defuseMentions(s.replace(/[\\`*_~[\]()<>|#!]/g, '\\$&'));
}

/** `[label](url)` with the characters that would end the link early percent-encoded. */
function link(label: string, url: string): string {
  const safe = url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${escapeMarkdown(label)}](${safe})`;
}

const field = (title: string, value: string, short = true) => ({ title, value: truncate(escapeMarkdown(value), LIMITS.fieldValue), short });

/** The post's own message: one plain line, also what notifications and search show. */
export function headline(m: IncidentMessage): string {
  return truncate(defuseMentions(`[${STATUS_LABEL[m.status]}] [${m.severity.toUpperCase()}] ${m.title}`), LIMITS.title);
}

export function button(action: IncidentAction, incidentId: string, ctx: RenderContext, label?: string): MattermostAction {
  const b = BUTTONS[action];
  return {
    // Mattermost routes clicks by action id and accepts only letters and digits there.
    id: action,
    type: 'button',
    name: label ?? b.name,
    style: b.style,
    integration: {
      url: `${ctx.actionsUrl.replace(/\/+$/, '')}${ACTIONS_PATH}`,
      context: { action, incident_id: incidentId, token: actionToken(ctx.actionSecret, action, incidentId) },
    },
  };
}

export function renderAttachment(m: IncidentMessage, ctx: RenderContext): MattermostAttachment {
  const fields = [
    field('Severity', m.severity.toUpperCase()),
    field('Status', STATUS_LABEL[m.status]),
    field('Resource', m.resource),
    field('Cluster', m.namespace ? `${m.cluster} / ${m.namespace}` : m.cluster),
    field('Occurrences', String(m.occurrences)),
    ...(m.assignee ? [field(assigneeLabel(m), m.assignee)] : []),
    ...(m.level > 0 && m.status !== 'resolved' ? [field('Escalation level', String(m.level))] : []),
    ...(m.snooze ? [field('Escalation', m.snooze.label)] : []),
    field('First seen', m.firstSeen),
    field('Last seen', m.lastSeen),
    ...(m.alertSummary ? [field('Summary', m.alertSummary, false)] : []),
    ...(m.alertDescription ? [field('Description', m.alertDescription, false)] : []),
    ...(m.digest ? [field('Diagnostics', m.digest, false)] : []),
    ...(m.summary ? [field('Resolution', m.summary, false)] : []),
  ];
  if (m.links.length > 0) fields.push({ title: 'Links', value: m.links.slice(0, LIMITS.links).map((l) => link(l.label, l.url)).join(' · '), short: false });
  return {
    fallback: truncate(defuseMentions(`${headline(m)} · ${m.reason}: ${m.detail}`), LIMITS.text),
    color: m.status === 'resolved' ? RESOLVED_COLOR : SEVERITY_COLOR[m.severity],
    title: truncate(defuseMentions(`${STATUS_LABEL[m.status]} · ${m.title}`), LIMITS.title),
    text: truncate(escapeMarkdown(`${m.reason}: ${m.detail}`), LIMITS.text),
    fields: fields.slice(0, LIMITS.fields),
    ...(m.actions.length > 0 ? { actions: m.actions.map((a) => button(a, m.incidentId, ctx, a === 'ack' ? ackLabel(m) : undefined)) } : {}),
    footer: truncate(`id ${m.incidentId}`, LIMITS.title),
  };
}

/** What an alert post carries (the adapter adds the incident props). */
export function renderPost(m: IncidentMessage, ctx: RenderContext): { message: string; props: { attachments: MattermostAttachment[] } } {
  return { message: headline(m), props: { attachments: [renderAttachment(m, ctx)] } };
}

/**
 * Plain text for a post: mentions in it defused, then each paged user id (`@<user id>`) turned
 * into a real mention of their username (prepended when the text does not name them), cut to the limit.
 */
export function mattermostText(text: string, mentions: Record<string, string> = {}): string {
  let out = defuseMentions(text);
  for (const [id, username] of Object.entries(mentions)) {
    const tag = `@\u200b${id}`;
    out = out.includes(tag) ? out.split(tag).join(`@${username}`) : `@${username} ${out}`;
  }
  return truncate(out, LIMITS.message);
}
