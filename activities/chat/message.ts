// The one neutral incident message. Built from the workflow's state by activities (never by the
// workflow, so rendering changes never affect replay) and rendered per platform: plain text here,
// the local chat card in the browser, Block Kit and Adaptive Cards in their own renderers.
import type { IncidentAction, IncidentState, IncidentStatus, Severity } from '../../workflows/definitions';

export type { IncidentAction }; // defined once in workflows/definitions; the renderers import it from here

export interface IncidentMessage {
  incidentId: string;
  title: string;
  status: IncidentStatus;
  severity: Severity;
  cluster: string;
  namespace?: string;
  /** "Deployment/payments-api" (the top owner when there is one). */
  resource: string;
  reason: string;
  detail: string;
  /** From the alert's annotations (Alertmanager): what its author wants the responder to read first. */
  alertSummary?: string;
  alertDescription?: string;
  /** http(s) only (the intake checks), so every renderer may show it as a link. */
  runbookUrl?: string;
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
  assignee?: string;
  /** The assignee was handed the incident and has not acknowledged yet. */
  handoffPending?: boolean;
  /** Roster id of who made the pending hand-off: per-viewer pages (the local chat) do not offer them Ack. */
  handoffBy?: string;
  level: number;
  /**
   * While escalation is snoozed (`/incident snooze`): its end, who snoozed it (display name) and the
   * line every renderer shows, "Snoozed until 14:30 UTC (by Alice Liddell)". Gone once it ends.
   */
  snooze?: { until: string; by: string; label: string };
  /** Short diagnostics digest, when diagnostics have run. */
  digest?: string;
  summary?: string;
  /** Buttons to show; empty once resolved. */
  actions: IncidentAction[];
  links: { label: string; url: string }[];
}

export interface MessageContext {
  /** person id -> display name */
  names: Record<string, string>;
  temporalUiUrl?: string;
  temporalNamespace?: string;
  apiUrl?: string;
}

const STATUS_LABEL: Record<IncidentStatus, string> = { triggered: 'TRIGGERED', acknowledged: 'ACKNOWLEDGED', resolved: 'RESOLVED' };

/** How every renderer labels the assignee, so the platforms agree. */
export function assigneeLabel(m: Pick<IncidentMessage, 'status' | 'handoffPending'>): string {
  if (m.status === 'acknowledged') return 'Acknowledged by';
  if (m.status === 'resolved') return 'Responder';
  return m.handoffPending ? 'Handed off to (awaiting ack)' : 'Paging';
}

/** The card's snooze line; the date too when the snooze ends on another UTC day than it began. */
export function snoozeLabel(until: string, by: string, since?: string): string {
  const day = until.slice(0, 10);
  const on = since !== undefined && since.slice(0, 10) !== day ? ` on ${day}` : '';
  return `Snoozed until ${until.slice(11, 16)} UTC${on} (by ${by})`;
}

/** The snooze a card shows: only while the incident is triggered (an ack, hand-off or resolve ends it). */
function activeSnooze(state: IncidentState, name: (id: string) => string): IncidentMessage['snooze'] {
  if (!state.snooze || state.status !== 'triggered') return undefined;
  const by = name(state.snooze.by);
  const since = state.timeline.findLast((e) => e.type === 'snoozed')?.at;
  return { until: state.snooze.until, by, label: snoozeLabel(state.snooze.until, by, since) };
}

export function resourceLabel(r: { kind: string; name: string }): string {
  return `${r.kind}/${r.name}`;
}

export function buildIncidentMessage(state: IncidentState, ctx: MessageContext): IncidentMessage {
  const name = (id?: string) => (id ? (ctx.names[id] ?? id) : undefined);
  const subject = state.owner ?? state.resource;
  const pending = state.handoffPendingTo !== undefined && state.status === 'triggered';
  const links: { label: string; url: string }[] = [];
  // First: the link a responder opens before anything else. Every renderer shows links already.
  if (state.annotations?.runbookUrl) links.push({ label: 'Runbook', url: state.annotations.runbookUrl });
  if (ctx.temporalUiUrl) {
    const ns = encodeURIComponent(ctx.temporalNamespace ?? 'default');
    links.push({ label: 'Temporal', url: `${ctx.temporalUiUrl}/namespaces/${ns}/workflows/${encodeURIComponent(state.id)}` });
  }
  if (ctx.apiUrl) links.push({ label: 'Incident', url: `${ctx.apiUrl}/chat#incident=${encodeURIComponent(state.id)}` });
  if (ctx.apiUrl && state.postmortemId) links.push({ label: 'Postmortem', url: `${ctx.apiUrl}/chat#postmortem=${encodeURIComponent(state.postmortemId)}` });
  return {
    incidentId: state.id,
    title: `${state.kind}: ${resourceLabel(subject)}`,
    status: state.status,
    severity: state.severity,
    cluster: state.cluster,
    namespace: state.namespace,
    resource: resourceLabel(subject),
    reason: state.reason,
    detail: readable(state.message),
    alertSummary: state.annotations?.summary,
    alertDescription: state.annotations?.description,
    runbookUrl: state.annotations?.runbookUrl,
    occurrences: state.occurrences.count,
    firstSeen: state.occurrences.firstSeen,
    lastSeen: state.occurrences.lastSeen,
    assignee: name(state.assignee),
    handoffPending: pending ? true : undefined,
    handoffBy: pending ? state.timeline.findLast((e) => e.type === 'handoff')?.actor : undefined,
    level: state.level,
    snooze: activeSnooze(state, (id) => ctx.names[id] ?? id),
    digest: state.diagnostics ? digestLine(state.diagnostics.digest) : undefined,
    summary: state.summary,
    actions: state.status === 'resolved' ? [] : state.status === 'acknowledged' ? ['handoff', 'resolve'] : ['ack', 'handoff', 'resolve'],
    links,
  };
}

/** Plain-text rendering: the fallback text of every platform and the local chat's message text. */
export function renderText(m: IncidentMessage): string {
  const lines = [
    `[${STATUS_LABEL[m.status]}] [${m.severity.toUpperCase()}] ${m.title}`,
    `cluster ${m.cluster}${m.namespace ? ` · namespace ${m.namespace}` : ''} · ${m.reason}: ${m.detail}`,
    `occurrences ${m.occurrences} · first ${m.firstSeen} · last ${m.lastSeen}`,
  ];
  if (m.alertSummary) lines.splice(1, 0, `summary: ${m.alertSummary}`);
  if (m.alertDescription) lines.push(`description: ${m.alertDescription}`);
  if (m.runbookUrl) lines.push(`runbook: ${m.runbookUrl}`);
  if (m.assignee) lines.push(`${assigneeLabel(m).toLowerCase()} ${m.assignee}${m.level > 0 ? ` · level ${m.level}` : ''}`);
  if (m.snooze) lines.push(m.snooze.label);
  if (m.summary) lines.push(`resolution: ${m.summary}`);
  lines.push(`id ${m.incidentId}`);
  return lines.join('\n');
}

/** A person's action taken by button or form, for the line that makes it visible in the thread. */
export interface ActionNotice {
  action: IncidentAction;
  /** Display name of who pressed the button. */
  by: string;
  /** The workflow's answer ("Acknowledged by Alice Smith. Escalation stopped."). */
  result: string;
  note?: string;
  summary?: string;
}

/**
 * The thread line a button action leaves, in plain text (each platform escapes it): typed commands
 * show their answer in the channel, and a button press must be as visible to everyone else.
 */
export function actionThreadLine(n: ActionNotice): string {
  const head = n.result.includes(n.by) ? n.result : `${n.by}: ${n.result}`;
  const extra = n.action === 'handoff' && n.note ? `\nNote: ${n.note}` : n.action === 'resolve' && n.summary ? `\nSummary: ${n.summary}` : '';
  return `${head}${extra}`;
}

/** The Ack button's label: while a hand-off waits, it is for the new responder, not for whoever handed off. */
export function ackLabel(m: Pick<IncidentMessage, 'handoffPending'>): string {
  return m.handoffPending ? 'Accept hand-off' : 'Ack';
}

// ---- fixed-width blocks ---------------------------------------------------------------------------
// The neutral form of output that must keep its columns and line breaks (/kubectl, diagnostics):
// Markdown fences. Slack, Discord and Mattermost render them as they are; Teams and the local chat
// page turn them into their own code blocks (CodeBlock / <pre>).
export const FENCE = '```';

/** `head`, then `body` as a fixed-width block; a fence inside the body is broken with a zero-width space. */
export function fenced(head: string, body: string): string {
  return `${head}\n${FENCE}\n${body.replace(/```/g, '`\u200b``')}\n${FENCE}`;
}

/** Text and fixed-width parts in order (Teams and the local page render the code parts). */
export function splitFenced(text: string): { code: boolean; text: string }[] {
  const parts = text.split(/(?:^|\n+)```(?:\n+|$)/);
  return parts.map((t, i) => ({ code: i % 2 === 1, text: t })).filter((p) => p.text !== '' || p.code);
}

/** The card's digest: its first line only; the whole digest goes once into the thread. */
export function digestLine(digest: string): string {
  const [first, ...rest] = readable(digest).split('\n');
  return rest.some((l) => l.trim() !== '') ? `${first} (details in the thread)` : (first ?? '');
}

/** The diagnostics reply in the alert thread: the first line, then the rest of the digest fixed-width. */
export function diagnosticsThreadText(digest: string): string {
  const [first, ...rest] = readable(digest).split('\n');
  return rest.length ? fenced(`Diagnostics: ${first}`, rest.join('\n')) : `Diagnostics: ${first}`;
}

// Only kubelet's `name_namespace(uid)` form: other UUIDs (request ids in a log line) stay.
const POD_UID = /(?<=\S)\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/g;

/** A reason or message for people: without raw pod UIDs (kubelet's `pod=name_ns(uid)`). */
export function readable(text: string): string {
  return text.replace(POD_UID, '');
}

/** A /kubectl answer (`$ kubectl ...` line, then output) with its output fixed-width. */
export function fencedReply(text: string): string {
  const [head, ...rest] = text.split('\n');
  return rest.length ? fenced(head!, rest.join('\n')) : text;
}
