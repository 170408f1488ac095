// Block Kit rendering of the neutral incident message. Pure: IncidentMessage in, blocks out, so
// golden files pin the exact JSON Slack receives. Text from the cluster (reasons, event messages,
// digests) is escaped, so an event cannot inject `<!channel>` or fake links, and every field is cut
// to Slack's limits, so a long message degrades instead of being rejected with invalid_blocks.
import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { ackLabel, assigneeLabel, type IncidentAction, type IncidentMessage } from '../../../activities/chat/message';
import { ACTIONS_BLOCK_ID, actionId } from './actions';

/** Slack's documented Block Kit limits for messages. */
export const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  /** chat.postMessage `text`; Slack truncates longer text. */
  messageText: 40_000,
} as const;

const STATUS_LABEL = { triggered: 'Triggered', acknowledged: 'Acknowledged', resolved: 'Resolved' } as const;
const SEVERITY_EMOJI = { critical: ':red_circle:', error: ':large_orange_circle:', warning: ':large_yellow_circle:', info: ':large_blue_circle:' } as const;
const BUTTONS: Record<IncidentAction, { text: string; style?: 'primary' | 'danger' }> = {
  ack: { text: 'Ack', style: 'primary' },
  handoff: { text: 'Hand off' },
  resolve: { text: 'Resolve' },
};

/** Escapes the three characters Slack treats as markup in mrkdwn and message text. */
export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts to `max` characters with an ellipsis, never leaving half an HTML entity behind. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max - 1).replace(/&[a-z]{0,4}$/, '')}…`;
}

/** Escaped mrkdwn, cut to `max`. */
const md = (s: string, max: number) => truncate(escapeText(s), max);

/** `<url|label>`: characters that would end the link early are percent-encoded. */
function link(url: string, label: string): string {
  const safeUrl = truncate(url, LIMITS.url).replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
  return `<${safeUrl}|${escapeText(label).replace(/\|/g, '/')}>`;
}

/** Slack shows the date in each reader's own time zone; the fallback is the ISO time. */
function date(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeText(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${escapeText(iso)}>`;
}

function field(label: string, value: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: truncate(`*${label}*\n${escapeText(value)}`, LIMITS.fieldText) };
}

function assigneeField(m: IncidentMessage) {
  if (!m.assignee) return undefined;
  return field(assigneeLabel(m), m.assignee);
}

export function button(action: IncidentAction, incidentId: string, label?: string): Button {
  const b = BUTTONS[action];
  return {
    type: 'button',
    action_id: actionId(action, incidentId),
    text: { type: 'plain_text', text: truncate(label ?? b.text, LIMITS.buttonText), emoji: false },
    value: incidentId.slice(0, LIMITS.buttonValue),
    ...(b.style ? { style: b.style } : {}),
  };
}

/** The alert author's summary and description (Alertmanager annotations), escaped, under bold labels. */
function alertText(m: IncidentMessage): string {
  const parts: string[] = [];
  if (m.alertSummary) parts.push(`*Summary*\n${escapeText(m.alertSummary)}`);
  if (m.alertDescription) parts.push(`*Description*\n${escapeText(m.alertDescription)}`);
  return parts.join('\n');
}

export function renderBlocks(m: IncidentMessage): KnownBlock[] {
  const emoji = m.status === 'resolved' ? ':white_check_mark:' : SEVERITY_EMOJI[m.severity];
  const header: HeaderBlock = {
    type: 'header',
    text: { type: 'plain_text', text: truncate(`${emoji} ${STATUS_LABEL[m.status]} · ${m.title}`, LIMITS.headerText), emoji: true },
  };
  const fields = [
    field('Severity', m.severity.toUpperCase()),
    field('Status', STATUS_LABEL[m.status]),
    field('Cluster', m.cluster),
    ...(m.namespace ? [field('Namespace', m.namespace)] : []),
    field('Resource', m.resource),
    field('Occurrences', String(m.occurrences)),
    ...[assigneeField(m)].filter((f) => f !== undefined),
    ...(m.level > 0 && m.status !== 'resolved' ? [field('Escalation level', String(m.level))] : []),
    ...(m.snooze ? [field('Escalation', m.snooze.label)] : []),
  ].slice(0, LIMITS.fields);
  const summary: SectionBlock = {
    type: 'section',
    block_id: 'incident-summary',
    text: { type: 'mrkdwn', text: md(`${m.reason}: ${m.detail}`, LIMITS.sectionText) },
    fields,
  };
  const when: ContextBlock = {
    type: 'context',
    block_id: 'incident-when',
    elements: [{ type: 'mrkdwn', text: `First seen ${date(m.firstSeen)} · last seen ${date(m.lastSeen)} · \`${escapeText(m.incidentId)}\`` }],
  };
  const blocks: KnownBlock[] = [header, summary, when];
  const about = alertText(m);
  if (about) blocks.push({ type: 'section', block_id: 'incident-alert', text: { type: 'mrkdwn', text: truncate(about, LIMITS.sectionText) } });
  if (m.digest) {
    blocks.push({ type: 'section', block_id: 'incident-diagnostics', text: { type: 'mrkdwn', text: truncate(`*Diagnostics*\n${escapeText(m.digest)}`, LIMITS.sectionText) } });
  }
  if (m.summary) {
    blocks.push({ type: 'section', block_id: 'incident-resolution', text: { type: 'mrkdwn', text: truncate(`*Resolution*\n${escapeText(m.summary)}`, LIMITS.sectionText) } });
  }
  if (m.actions.length > 0) {
    const actions: ActionsBlock = { type: 'actions', block_id: ACTIONS_BLOCK_ID, elements: m.actions.slice(0, LIMITS.actionsElements).map((a) => button(a, m.incidentId, a === 'ack' ? ackLabel(m) : undefined)) };
    blocks.push(actions);
  }
  if (m.links.length > 0) {
    const links = m.links.slice(0, LIMITS.contextElements).map((l) => link(l.url, l.label)).join(' · ');
    blocks.push({ type: 'context', block_id: 'incident-links', elements: [{ type: 'mrkdwn', text: truncate(links, LIMITS.sectionText) }] });
  }
  return blocks.slice(0, LIMITS.blocks);
}

/**
 * Plain text for Slack's `text` field (notifications, screen readers, clients without blocks):
 * escaped, with the given user ids turned into real mentions (`@U123` -> `<@U123>`), cut to the limit.
 */
export function slackText(text: string, mentions: string[] = []): string {
  let out = escapeText(text);
  for (const user of mentions) {
    if (!/^[UW][A-Z0-9]+$/.test(user)) continue;
    out = out.replace(new RegExp(`(^|[^<\\w])@${user}\\b`, 'g'), `$1<@${user}>`);
    if (!out.includes(`<@${user}>`)) out = `<@${user}> ${out}`;
  }
  return truncate(out, LIMITS.messageText);
}
