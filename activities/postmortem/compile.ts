// Compiles the postmortem from the workflow's final state. Pure and deterministic: the same state
// gives the same document, so a retried store writes identical content under the same id.
import type { IncidentState, TimelineEntry } from '../../workflows/definitions';
import { formatDuration } from '../../config/duration';
import { incidentKey } from '../chat';

export interface PostmortemDoc {
  id: string;
  incidentId: string;
  title: string;
  summary: string;
  severity: string;
  cluster: string;
  namespace?: string;
  resource: string;
  owner?: string;
  kind: string;
  openedAt: string;
  acknowledgedAt?: string;
  resolvedAt: string;
  resolvedBy?: string;
  /** Milliseconds from open to first ack; absent when resolved without an ack. */
  timeToAcknowledgeMs?: number;
  timeToResolveMs: number;
  occurrences: number;
  responders: { id: string; name: string; roles: string[] }[];
  escalations: number;
  handoffs: number;
  timeline: TimelineEntry[];
  diagnostics?: { digest: string; sections: { title: string; body: string }[] };
  links: { label: string; url: string }[];
  actionItems: { text: string; by: string; at: string }[];
  reviewPrompts: string[];
}

export const postmortemIdFor = (s: Pick<IncidentState, 'id' | 'openedAt'>): string => incidentKey(s);

export function compilePostmortem(s: IncidentState, names: Record<string, string>, links: { label: string; url: string }[] = []): PostmortemDoc {
  if (s.status !== 'resolved' || !s.resolvedAt) throw new Error(`incident ${s.id} is not resolved; a postmortem needs a resolution`);
  const ms = (iso?: string) => (iso ? Date.parse(iso) : NaN);
  const name = (id: string) => names[id] ?? id;
  const roles = new Map<string, Set<string>>();
  const note = (id: string | undefined, role: string) => {
    if (!id || id === 'system') return;
    roles.set(id, (roles.get(id) ?? new Set()).add(role));
  };
  for (const e of s.timeline) {
    if (e.type === 'paged') note(e.data?.personId as string | undefined, 'paged');
    if (e.type === 'acknowledged') note(e.actor, 'acknowledged');
    if (e.type === 'handoff') {
      note(e.data?.from as string | undefined, 'handed off');
      note(e.data?.to as string | undefined, 'received handoff');
    }
    if (e.type === 'resolved') note(e.actor, 'resolved');
  }
  const subject = s.owner ?? s.resource;
  return {
    id: postmortemIdFor(s),
    incidentId: s.id,
    title: `${s.kind} on ${subject.kind}/${subject.name} in ${s.cluster}${s.namespace ? `/${s.namespace}` : ''}`,
    summary: s.summary ?? '',
    severity: s.severity,
    cluster: s.cluster,
    namespace: s.namespace,
    resource: `${s.resource.kind}/${s.resource.name}`,
    owner: s.owner ? `${s.owner.kind}/${s.owner.name}` : undefined,
    kind: s.kind,
    openedAt: s.openedAt,
    acknowledgedAt: s.acknowledgedAt,
    resolvedAt: s.resolvedAt,
    resolvedBy: s.resolvedBy,
    timeToAcknowledgeMs: s.acknowledgedAt ? ms(s.acknowledgedAt) - ms(s.openedAt) : undefined,
    timeToResolveMs: ms(s.resolvedAt) - ms(s.openedAt),
    occurrences: s.occurrences.count,
    responders: [...roles].map(([id, r]) => ({ id, name: name(id), roles: [...r] })),
    escalations: s.timeline.filter((e) => e.type === 'escalated').length,
    handoffs: s.timeline.filter((e) => e.type === 'handoff').length,
    timeline: s.timeline,
    diagnostics: s.diagnostics ? { digest: s.diagnostics.digest, sections: s.diagnostics.sections } : undefined,
    links,
    actionItems: (s.actionItems ?? []).map((a) => ({ ...a, by: name(a.by) })),
    reviewPrompts: ['What went well?', 'What went wrong?', 'Where did we get lucky?', 'Follow-up actions (owner, due date):'],
  };
}

export function renderMarkdown(d: PostmortemDoc): string {
  const out: string[] = [`# Postmortem: ${d.title}`, ''];
  out.push(`**Summary:** ${d.summary || '(none given)'}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Severity | ${d.severity} |`, `| Cluster | ${d.cluster} |`);
  if (d.namespace) out.push(`| Namespace | ${d.namespace} |`);
  out.push(`| Resource | ${d.resource}${d.owner && d.owner !== d.resource ? ` (owner ${d.owner})` : ''} |`);
  out.push(`| Impact window | ${d.openedAt} → ${d.resolvedAt} |`);
  out.push(`| Time to acknowledge | ${d.timeToAcknowledgeMs === undefined ? 'not acknowledged' : formatDuration(d.timeToAcknowledgeMs)} |`);
  out.push(`| Time to resolve | ${formatDuration(d.timeToResolveMs)} |`);
  out.push(`| Occurrences | ${d.occurrences} |`, `| Escalations | ${d.escalations} |`, `| Handoffs | ${d.handoffs} |`, '');
  out.push('## Responders', '');
  if (d.responders.length === 0) out.push('- nobody acted on this incident');
  for (const r of d.responders) out.push(`- ${r.name} (${r.id}): ${r.roles.join(', ')}`);
  out.push('', '## Timeline', '');
  for (const e of d.timeline) out.push(`- ${e.at} **${e.type}**${e.actor && e.actor !== 'system' ? ` (${e.actor})` : ''}: ${e.text}`);
  if (d.diagnostics) {
    out.push('', '## Diagnostics', '', d.diagnostics.digest);
    for (const sec of d.diagnostics.sections) out.push('', `### ${sec.title}`, '', '```', sec.body, '```');
  }
  if (d.links.length) {
    out.push('', '## Links', '');
    for (const l of d.links) out.push(`- [${l.label}](${l.url})`);
  }
  if (d.actionItems.length) {
    out.push('', '## Action items', '');
    for (const a of d.actionItems) out.push(`- [ ] ${a.text} (${a.by}, ${a.at})`);
  }
  out.push('', '## Review', '');
  for (const p of d.reviewPrompts) out.push(`- ${p}`);
  return `${out.join('\n')}\n`;
}
