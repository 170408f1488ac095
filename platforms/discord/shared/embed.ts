// Discord rendering of the neutral incident message: one embed (status color, fields, the incident
// id in the footer) and action rows of buttons. Pure: IncidentMessage in, JSON out, so golden files
// pin exactly what Discord receives. Text from the cluster is escaped, so an event message cannot
// forge masked links or mentions, and everything is cut to Discord's limits (a long digest degrades
// instead of the post failing with 50035 Invalid Form Body).
import { ackLabel, assigneeLabel, FENCE, splitFenced, type IncidentAction, type IncidentMessage } from '../../../activities/chat/message';
import { customId, footerText, markLine } from './ids';

/** Discord's documented limits for messages, embeds and components. */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  /** title + description + field names and values + footer + author, over all embeds of a message. */
  embedTotal: 6000,
  buttonsPerRow: 5,
  actionRows: 5,
  buttonLabel: 80,
  linkUrl: 512,
  threadName: 100,
} as const;

export const ButtonStyle = { primary: 1, secondary: 2, success: 3, danger: 4, link: 5 } as const;

export interface DiscordEmbed {
  title?: string;
  description?: string;
  color?: number;
  timestamp?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
}
export interface DiscordButton {
  type: 2;
  style: number;
  label: string;
  custom_id?: string;
  url?: string;
}
export interface DiscordActionRow {
  type: 1;
  components: DiscordButton[];
}
export interface RenderedAlert {
  embeds: DiscordEmbed[];
  components: DiscordActionRow[];
}

const STATUS_LABEL = { triggered: 'TRIGGERED', acknowledged: 'ACKNOWLEDGED', resolved: 'RESOLVED' } as const;
const SEVERITY_EMOJI = { critical: '🔴', error: '🟠', warning: '🟡', info: '🔵' } as const;
/** Triggered alerts take their severity's color; acknowledged and resolved ones their status color. */
const SEVERITY_COLOR = { critical: 0xed4245, error: 0xe67e22, warning: 0xfee75c, info: 0x3498db } as const;
const STATUS_COLOR = { acknowledged: 0x9b59b6, resolved: 0x57f287 } as const;
const BUTTONS: Record<IncidentAction, { label: string; style: number }> = {
  ack: { label: 'Ack', style: ButtonStyle.success },
  handoff: { label: 'Hand off', style: ButtonStyle.secondary },
  resolve: { label: 'Resolve', style: ButtonStyle.primary },
};

/** Backslash-escapes Discord markdown, so cluster text shows as written (Discord hides the backslashes). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\*_~`|[\]<>#]/g, '\\$&').replace(/^(\s*)([-+])/gm, '$1\\$2');
}

/** Cuts to `max` characters with an ellipsis, never leaving half an escape behind. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max - 1).replace(/\\+$/, (b) => (b.length % 2 ? b.slice(1) : b))}…`;
}

/** `<t:…:f>`: Discord shows the time in each reader's zone; the ISO text when it does not parse. */
function when(iso: string, style: 'f' | 'R'): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? escapeMarkdown(iso) : `<t:${Math.floor(ms / 1000)}:${style}>`;
}

const field = (name: string, value: string, inline = true) => ({ name, value: truncate(value || '-', LIMITS.fieldValue), inline });

function fields(m: IncidentMessage): NonNullable<DiscordEmbed['fields']> {
  const out = [
    field('Severity', m.severity.toUpperCase()),
    field('Status', STATUS_LABEL[m.status]),
    field('Resource', escapeMarkdown(m.resource)),
    field('Cluster', escapeMarkdown(m.cluster)),
    ...(m.namespace ? [field('Namespace', escapeMarkdown(m.namespace))] : []),
    field('Occurrences', String(m.occurrences)),
    field('Seen', `first ${when(m.firstSeen, 'f')}\nlast ${when(m.lastSeen, 'R')}`, false),
  ];
  if (m.alertSummary) out.push(field('Summary', escapeMarkdown(m.alertSummary), false));
  if (m.alertDescription) out.push(field('Description', escapeMarkdown(m.alertDescription), false));
  if (m.assignee) out.push(field(assigneeLabel(m), escapeMarkdown(m.assignee)));
  if (m.level > 0 && m.status !== 'resolved') out.push(field('Escalation level', String(m.level)));
  if (m.snooze) out.push(field('Escalation', escapeMarkdown(m.snooze.label)));
  if (m.digest) out.push(field('Diagnostics', escapeMarkdown(m.digest), false));
  if (m.summary) out.push(field('Resolution', escapeMarkdown(m.summary), false));
  return out.slice(0, LIMITS.embedFields);
}

export function button(action: IncidentAction, incidentId: string, label?: string): DiscordButton {
  const b = BUTTONS[action];
  return { type: 2, style: b.style, label: label ?? b.label, custom_id: customId(action, incidentId) };
}

function rows(m: IncidentMessage): DiscordActionRow[] {
  const out: DiscordActionRow[] = [];
  if (m.actions.length > 0) out.push({ type: 1, components: m.actions.slice(0, LIMITS.buttonsPerRow).map((a) => button(a, m.incidentId, a === 'ack' ? ackLabel(m) : undefined)) });
  // Link buttons take no custom_id and send no interaction: Discord opens the URL itself.
  const links = m.links
    .filter((l) => /^https?:\/\//.test(l.url) && l.url.length <= LIMITS.linkUrl)
    .slice(0, LIMITS.buttonsPerRow)
    .map((l): DiscordButton => ({ type: 2, style: ButtonStyle.link, label: truncate(l.label, LIMITS.buttonLabel), url: l.url }));
  if (links.length > 0) out.push({ type: 1, components: links });
  return out.slice(0, LIMITS.actionRows);
}

/**
 * The alert as Discord receives it. `key` (the post's idempotency key) puts the post's mark in the
 * footer, so a retried post can find it; updates pass it again so the mark stays.
 */
export function renderAlert(m: IncidentMessage, key?: string): RenderedAlert {
  const emoji = m.status === 'resolved' ? '✅' : m.status === 'acknowledged' ? '👀' : SEVERITY_EMOJI[m.severity];
  const title = truncate(`${emoji} ${STATUS_LABEL[m.status]} · ${m.title}`, LIMITS.embedTitle);
  const footer = truncate(footerText(m.incidentId, key), LIMITS.footerText);
  const fs = fields(m);
  // The description gets what the 6000-character budget leaves after everything else.
  const rest = title.length + footer.length + fs.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const description = truncate(`**${escapeMarkdown(m.reason)}**: ${escapeMarkdown(m.detail)}`, Math.max(1, Math.min(LIMITS.embedDescription, LIMITS.embedTotal - rest)));
  const embed: DiscordEmbed = {
    title,
    description,
    color: m.status === 'triggered' ? SEVERITY_COLOR[m.severity] : STATUS_COLOR[m.status],
    fields: fs,
    footer: { text: footer },
    ...(Number.isNaN(Date.parse(m.firstSeen)) ? {} : { timestamp: new Date(m.firstSeen).toISOString() }),
  };
  return { embeds: [embed], components: rows(m) };
}

/** Characters an embed counts against Discord's 6000 total. */
export function embedLength(e: DiscordEmbed): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

/**
 * Message content for text posts (thread replies, DMs): link and mention syntax from the text is
 * escaped, the given user ids become real mentions (`@123…` -> `<@123…>`), and the post's mark
 * goes on a small last line, all within Discord's 2000 characters.
 */
export function discordContent(text: string, opts: { mentions?: string[]; key?: string; incidentId?: string } = {}): string {
  // Markup is escaped outside fixed-width blocks only: inside them a backslash would show.
  let out = splitFenced(text)
    .map((p) => (p.code ? `${FENCE}\n${p.text}\n${FENCE}` : p.text.replace(/[[\]<>]/g, '\\$&')))
    .join('\n');
  for (const user of opts.mentions ?? []) {
    if (!/^\d{17,20}$/.test(user)) continue;
    out = out.replace(new RegExp(`(^|[^<\\w])@${user}\\b`, 'g'), `$1<@${user}>`);
    if (!out.includes(`<@${user}>`)) out = `<@${user}> ${out}`;
  }
  const mark = opts.key ? `\n${markLine(opts.key, opts.incidentId)}` : '';
  return `${closeFence(truncate(out, LIMITS.content - mark.length - FENCE.length - 1))}${mark}`;
}

/** A thread name for an alert: its title, within Discord's 100 characters. */
export function threadName(title: string): string {
  return truncate(title.replace(/\s+/g, ' ').trim() || 'incident', LIMITS.threadName);
}

/** A cut inside a fixed-width block would leave it open and swallow what follows: close it. */
function closeFence(text: string): string {
  return (text.match(/```/g) ?? []).length % 2 === 1 ? `${text}\n${FENCE}` : text;
}
