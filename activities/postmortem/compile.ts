// Compiles the postmortem from the workflow's final state. Pure and deterministic: the same state
// and options give the same document, so a retried store writes identical content under the same id.
//
// Definitions (also in docs/postmortems.md):
// - time to acknowledge (MTTA for one incident) = openedAt -> the first acknowledgement by anyone,
//   whatever escalations or handoffs came before; absent when nobody acknowledged;
// - time to resolve (MTTR) = openedAt -> resolvedAt;
// - impact window = the first observation (the anomaly's observedAt, or openedAt if earlier) -> the
//   observed recovery when there was one, else the resolution.
import type { IncidentState, MessageRef, ResourceRef, TimelineEntry, TimelineType } from '../../workflows/definitions';
import { incidentKey } from '../../workflows/definitions';

export type ResponderRole = 'paged' | 'acknowledged' | 'handed off' | 'received handoff' | 'resolved';

export interface PostmortemDoc {
  schemaVersion: 2;
  id: string;
  incidentId: string;
  title: string;
  summary: string;
  severity: string;
  cluster: string;
  namespace?: string;
  kind: string;
  reason: string;
  message: string;
  /** "Pod/checkout-7d9f" */
  resource: string;
  /** The top owner, "Deployment/checkout", when different from the resource. */
  owner?: string;
  labels: Record<string, string>;
  openedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt: string;
  resolvedBy?: string;
  autoResolved: boolean;
  impact: { start: string; end: string; durationMs: number };
  /** Milliseconds from open to the first ack; absent when resolved without an ack. */
  timeToAcknowledgeMs?: number;
  timeToResolveMs: number;
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
  responders: { id: string; name: string; roles: ResponderRole[]; firstPagedAt?: string; acknowledgedAt?: string }[];
  escalations: number;
  handoffs: number;
  escalationTrail: EscalationStep[];
  /** When the policy ran out of levels without an ack. */
  escalationExhaustedAt?: string;
  handoffTrail: HandoffRecord[];
  timeline: TimelineRecord[];
  diagnostics?: { available: boolean; digest: string; sections: { title: string; body: string }[] };
  /** Lines of the diagnostics sections titled "Events" (kubectl describe / get events). */
  relatedEvents: { source: string; lines: string[] }[];
  chat: (MessageRef & { url?: string })[];
  links: { label: string; url: string }[];
  actionItems: { text: string; by: string; byName: string; at: string }[];
  reviewPrompts: string[];
  /** IANA zone of the local times in the Markdown (UTC is always shown). */
  displayTimeZone?: string;
}

export interface EscalationStep {
  level: number;
  repeat: number;
  at: string;
  reason: 'initial' | 'escalated';
  paged: { id: string; name: string; at: string }[];
  failures: { at: string; text: string }[];
}

export interface HandoffRecord {
  at: string;
  from?: string;
  fromName?: string;
  to: string;
  toName: string;
  by: string;
  byName: string;
  note?: string;
  pagedAt?: string;
  acknowledgedAt?: string;
}

export interface TimelineRecord {
  index: number;
  at: string;
  type: TimelineType;
  actor?: string;
  actorName?: string;
  text: string;
  data?: Record<string, unknown>;
}

export interface CompileOptions {
  /** person id -> display name */
  names: Record<string, string>;
  temporalUiUrl?: string;
  temporalNamespace?: string;
  /** The api's public URL: chat and postmortem links. */
  apiUrl?: string;
  displayTimeZone?: string;
  /** Permalink of a chat message, for platforms that have one. */
  messageUrl?: (ref: MessageRef) => string | undefined;
}

export const postmortemIdFor = (s: Pick<IncidentState, 'id' | 'openedAt'>): string => incidentKey(s);

/** Where people read a postmortem: the local chat page opens it from this fragment. */
export const postmortemUrl = (apiUrl: string, id: string): string => `${apiUrl}/chat#postmortem=${encodeURIComponent(id)}`;

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : NaN);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function compilePostmortem(s: IncidentState, opts: CompileOptions): PostmortemDoc {
  if (s.status !== 'resolved' || !s.resolvedAt) throw new Error(`incident ${s.id} is not resolved; a postmortem needs a resolution`);
  const name = (id: string) => opts.names[id] ?? id;
  const subject = s.owner ?? s.resource;
  const id = postmortemIdFor(s);
  const timeline: TimelineRecord[] = s.timeline.map((e, index) => ({
    index,
    at: e.at,
    type: e.type,
    ...(e.actor ? { actor: e.actor, actorName: e.actor === 'system' ? 'system' : name(e.actor) } : {}),
    text: e.text,
    ...(e.data ? { data: e.data } : {}),
  }));
  const { trail, exhaustedAt, handoffs } = trails(s.timeline, name);
  const firstAck = s.timeline.find((e) => e.type === 'acknowledged');
  const doc: PostmortemDoc = {
    schemaVersion: 2,
    id,
    incidentId: s.id,
    title: `${s.kind} on ${subject.kind}/${subject.name} in ${s.cluster}${s.namespace ? `/${s.namespace}` : ''}`,
    summary: s.summary ?? '',
    severity: s.severity,
    cluster: s.cluster,
    ...(s.namespace ? { namespace: s.namespace } : {}),
    kind: s.kind,
    reason: s.reason,
    message: s.message,
    resource: label(s.resource),
    ...(s.owner && label(s.owner) !== label(s.resource) ? { owner: label(s.owner) } : {}),
    labels: { ...s.labels },
    openedAt: s.openedAt,
    ...(s.acknowledgedAt ? { acknowledgedAt: s.acknowledgedAt } : {}),
    ...(firstAck?.actor ? { acknowledgedBy: firstAck.actor } : {}),
    resolvedAt: s.resolvedAt,
    ...(s.resolvedBy ? { resolvedBy: s.resolvedBy } : {}),
    autoResolved: s.resolvedBy === 'system',
    impact: impactWindow(s),
    ...(s.acknowledgedAt ? { timeToAcknowledgeMs: ms(s.acknowledgedAt) - ms(s.openedAt) } : {}),
    timeToResolveMs: ms(s.resolvedAt) - ms(s.openedAt),
    occurrences: s.occurrences.count,
    firstSeen: s.occurrences.firstSeen,
    lastSeen: s.occurrences.lastSeen,
    responders: responders(s.timeline, name),
    escalations: trail.filter((t) => t.reason === 'escalated').length,
    handoffs: handoffs.length,
    escalationTrail: trail,
    ...(exhaustedAt ? { escalationExhaustedAt: exhaustedAt } : {}),
    handoffTrail: handoffs,
    timeline,
    ...(s.diagnostics ? { diagnostics: { available: s.diagnostics.available, digest: s.diagnostics.digest, sections: s.diagnostics.sections.map((x) => ({ ...x })) } } : {}),
    relatedEvents: (s.diagnostics?.sections ?? [])
      .filter((x) => /\bevents\b/i.test(x.title))
      .map((x) => ({ source: x.title, lines: x.body.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '') })),
    chat: s.messages.map((m) => {
      const url = opts.messageUrl?.(m) ?? (m.platform === 'local' && opts.apiUrl ? `${opts.apiUrl}/chat#incident=${encodeURIComponent(s.id)}` : undefined);
      return { platform: m.platform, channel: m.channel, id: m.id, ...(url ? { url } : {}) };
    }),
    links: links(s, id, opts),
    actionItems: (s.actionItems ?? []).map((a) => ({ text: a.text, by: a.by, byName: name(a.by), at: a.at })),
    reviewPrompts: [],
    ...(opts.displayTimeZone ? { displayTimeZone: opts.displayTimeZone } : {}),
  };
  doc.reviewPrompts = reviewPrompts(doc, s.timeline);
  return doc;
}

function label(r: ResourceRef): string {
  return `${r.kind}/${r.name}`;
}

function impactWindow(s: IncidentState): PostmortemDoc['impact'] {
  const opened = ms(s.openedAt);
  const seen = ms(s.occurrences.firstSeen);
  const start = Number.isFinite(seen) && seen < opened ? s.occurrences.firstSeen : s.openedAt;
  const recovered = ms(s.recovery?.observedAt);
  const end = Number.isFinite(recovered) && recovered >= ms(start) && recovered <= ms(s.resolvedAt) ? s.recovery!.observedAt : s.resolvedAt!;
  return { start, end, durationMs: ms(end) - ms(start) };
}

function links(s: IncidentState, id: string, opts: CompileOptions): { label: string; url: string }[] {
  const out: { label: string; url: string }[] = [];
  if (opts.apiUrl) out.push({ label: 'Postmortem', url: postmortemUrl(opts.apiUrl, id) });
  if (opts.temporalUiUrl) {
    const ns = encodeURIComponent(opts.temporalNamespace ?? 'default');
    out.push({ label: 'Temporal history', url: `${opts.temporalUiUrl}/namespaces/${ns}/workflows/${encodeURIComponent(s.id)}` });
  }
  return out;
}

function responders(timeline: TimelineEntry[], name: (id: string) => string): PostmortemDoc['responders'] {
  const byId = new Map<string, PostmortemDoc['responders'][number]>();
  const note = (id: string | undefined, role: ResponderRole, at?: string) => {
    if (!id || id === 'system') return;
    const r = byId.get(id) ?? { id, name: name(id), roles: [] };
    byId.set(id, r);
    if (!r.roles.includes(role)) r.roles.push(role);
    if (role === 'paged' && at) r.firstPagedAt ??= at;
    if (role === 'acknowledged' && at) r.acknowledgedAt ??= at;
  };
  for (const e of timeline) {
    if (e.type === 'paged') note(str(e.data?.personId), 'paged', e.at);
    if (e.type === 'acknowledged') note(e.actor, 'acknowledged', e.at);
    if (e.type === 'handoff') {
      note(str(e.data?.from), 'handed off');
      note(str(e.data?.to), 'received handoff');
    }
    if (e.type === 'resolved') note(e.actor, 'resolved');
  }
  return [...byId.values()];
}

/** The escalation ladder as walked (levels with times and who was paged) and the handoff chain. */
function trails(timeline: TimelineEntry[], name: (id: string) => string): { trail: EscalationStep[]; exhaustedAt?: string; handoffs: HandoffRecord[] } {
  const trail: EscalationStep[] = [];
  const handoffs: HandoffRecord[] = [];
  let exhaustedAt: string | undefined;
  let pendingHandoff: HandoffRecord | undefined;
  const step = (level: number, repeat: number, at: string): EscalationStep => {
    const last = trail.at(-1);
    if (last && last.level === level && last.repeat === repeat) return last;
    const created: EscalationStep = { level, repeat, at, reason: trail.length === 0 && level === 1 && repeat === 0 ? 'initial' : 'escalated', paged: [], failures: [] };
    trail.push(created);
    return created;
  };
  for (const e of timeline) {
    const level = num(e.data?.level);
    const repeat = num(e.data?.repeat) ?? 0;
    switch (e.type) {
      case 'escalated':
        if (level === undefined) exhaustedAt ??= e.at;
        else step(level, repeat, e.at);
        break;
      case 'paged': {
        const person = str(e.data?.personId);
        if (!person) break;
        // The page of a handoff target belongs to the handoff, not to the ladder.
        if (pendingHandoff && pendingHandoff.to === person && !pendingHandoff.pagedAt) {
          pendingHandoff.pagedAt = e.at;
          break;
        }
        step(level ?? 1, repeat, e.at).paged.push({ id: person, name: name(person), at: e.at });
        break;
      }
      case 'page-failed':
        if (!pendingHandoff || pendingHandoff.pagedAt) (trail.at(-1) ?? step(1, 0, e.at)).failures.push({ at: e.at, text: e.text });
        break;
      case 'handoff': {
        const to = str(e.data?.to);
        if (!to) break;
        const from = str(e.data?.from);
        const by = e.actor ?? 'unknown';
        const note = str(e.data?.note);
        pendingHandoff = { at: e.at, ...(from ? { from, fromName: name(from) } : {}), to, toName: name(to), by, byName: name(by), ...(note ? { note } : {}) };
        handoffs.push(pendingHandoff);
        break;
      }
      case 'acknowledged':
        if (pendingHandoff && !pendingHandoff.acknowledgedAt && e.actor === pendingHandoff.to) pendingHandoff.acknowledgedAt = e.at;
        break;
      default:
        break;
    }
  }
  return { trail, exhaustedAt, handoffs };
}

function reviewPrompts(d: PostmortemDoc, timeline: TimelineEntry[]): string[] {
  const out = ['What went well?', 'What went wrong?', 'Where did we get lucky?'];
  if (d.timeToAcknowledgeMs === undefined)
    out.push(d.autoResolved ? 'It recovered on its own before anyone acknowledged: should this alert page at all, or page less urgently?' : 'It was resolved without an acknowledgement: did the page reach the right person?');
  if (d.escalations > 0) out.push(`It escalated ${d.escalations} time(s) before anyone acknowledged: was level 1 reachable, and is its delay right?`);
  if (d.escalationExhaustedAt) out.push('The escalation policy ran out of levels: who should be on the last level?');
  if (d.handoffs > 0) out.push(`It was handed off ${d.handoffs} time(s): was context (notes, diagnostics) enough for the next responder?`);
  if (d.diagnostics && !d.diagnostics.available) out.push('Diagnostics were not available: what would have helped to see first?');
  const recurred = timeline.filter((e) => e.type === 'recurred').length;
  if (recurred > 0) out.push(`It recurred ${recurred} time(s) after a recovery: is the fix durable?`);
  if (d.actionItems.length === 0) out.push('No action items were recorded: is there nothing to follow up (add them with /incident action <text>)?');
  out.push('Follow-up actions (owner, due date):');
  return out;
}
