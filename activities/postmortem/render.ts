// Renderers of the compiled postmortem: Markdown (files, the api, the local chat page), the JSON
// document, and the one-line summary posted in the incident thread. Pure: same doc, same text.
import { formatDuration } from '../../config/duration';
import { postmortemUrl, type PostmortemDoc } from './compile';

/** "2026-03-29 00:30:00 UTC", or with a zone also "(2026-03-29 01:30:00 +01:00)". */
export function formatTime(iso: string, zone?: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const utc = `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return zone ? `${utc} (${localTime(t, zone)})` : utc;
}

/** Wall-clock time in `zone` with its UTC offset at that instant (DST-aware through Intl). */
export function localTime(t: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(t))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offset = Math.round((wall - Math.floor(t / 1000) * 1000) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
const dur = (msValue: number) => formatDuration(Math.max(0, msValue));
/** Table cells and list items stay on one line and never break the table. */
const cell = (s: string) => s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

export function renderJson(d: PostmortemDoc): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

export function renderMarkdown(d: PostmortemDoc): string {
  const at = (iso: string) => formatTime(iso, d.displayTimeZone);
  const out: string[] = [`# Postmortem: ${d.title}`, ''];
  out.push(`**Summary:** ${cell(d.summary) || '(none given)'}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Postmortem id | \`${d.id}\` |`, `| Severity | ${d.severity} |`, `| Cluster | ${d.cluster} |`);
  if (d.namespace) out.push(`| Namespace | ${d.namespace} |`);
  out.push(`| Resource | ${d.resource}${d.owner ? ` (owner ${d.owner})` : ''} |`);
  // Kind and reason are often the same word (CrashLoopBackOff): say it once.
  out.push(`| Problem | ${d.reason && d.reason !== d.kind ? `${d.kind}: ${cell(d.reason)}` : d.kind} |`);
  out.push(`| Times | UTC${d.displayTimeZone ? `; local times in ${d.displayTimeZone} in parentheses` : ''} |`);
  out.push(`| Impact window | ${at(d.impact.start)} → ${at(d.impact.end)} (${dur(d.impact.durationMs)}) |`);
  out.push(`| Opened | ${at(d.openedAt)} |`);
  const ackBy = d.acknowledgedBy ? ` by ${nameOf(d, d.acknowledgedBy)}` : '';
  out.push(`| Time to acknowledge | ${d.timeToAcknowledgeMs === undefined ? 'not acknowledged' : `${dur(d.timeToAcknowledgeMs)}${ackBy}, ${at(d.acknowledgedAt!)}`} |`);
  const resolver = d.autoResolved ? 'automatically (recovery held)' : d.resolvedBy ? `by ${nameOf(d, d.resolvedBy)}` : '';
  out.push(`| Time to resolve | ${dur(d.timeToResolveMs)} ${resolver}, ${at(d.resolvedAt)} |`);
  out.push(`| Occurrences | ${d.occurrences} (first seen ${at(d.firstSeen)}, last seen ${at(d.lastSeen)}) |`);
  out.push(`| Escalations | ${d.escalations} |`, `| Handoffs | ${d.handoffs} |`, '');

  out.push('## Responders', '');
  if (d.responders.length === 0) out.push('- nobody was paged and nobody acted on this incident');
  for (const r of d.responders) {
    const times = [r.firstPagedAt && `first paged ${at(r.firstPagedAt)}`, r.acknowledgedAt && `acknowledged ${at(r.acknowledgedAt)}`].filter(Boolean);
    out.push(`- ${r.name} (${r.id}): ${r.roles.join(', ')}${times.length ? `; ${times.join(', ')}` : ''}`);
  }

  out.push('', '## Escalation', '');
  if (d.escalationTrail.length === 0) out.push('- nobody was paged');
  for (const s of d.escalationTrail) {
    const who = s.paged.map((p) => p.name).join(', ') || 'nobody';
    out.push(`- Level ${s.level}${s.repeat ? ` (repeat ${s.repeat})` : ''} from ${at(s.at)}: paged ${who}${s.failures.length ? `; ${s.failures.length} page(s) failed` : ''}`);
  }
  if (d.escalationExhaustedAt) out.push(`- Policy exhausted at ${at(d.escalationExhaustedAt)}: paging stopped`);
  if (d.handoffTrail.length) {
    out.push('', '### Handoffs', '');
    for (const h of d.handoffTrail) {
      const acked = h.acknowledgedAt ? `acknowledged ${at(h.acknowledgedAt)}` : 'not acknowledged by them';
      out.push(`- ${at(h.at)}: ${h.fromName ?? 'nobody'} → ${h.toName} by ${h.byName}${h.note ? ` ("${cell(h.note)}")` : ''}; ${acked}`);
    }
  }

  out.push('', '## Timeline', '');
  for (const e of d.timeline) out.push(`- ${at(e.at)} **${e.type}**${e.actorName && e.actor !== 'system' ? ` (${e.actorName})` : ''}: ${cell(e.text)}`);

  if (d.diagnostics) {
    out.push('', '## Diagnostics', '', cell(d.diagnostics.digest));
    for (const sec of d.diagnostics.sections) out.push('', `### ${cell(sec.title)}`, '', fence(sec.body));
  }
  if (d.relatedEvents.length) {
    out.push('', '## Related Kubernetes events', '');
    for (const ev of d.relatedEvents) out.push(`From ${cell(ev.source)}:`, '', fence(ev.lines.join('\n')), '');
    out.pop();
  }
  if (d.chat.length || d.links.length) {
    out.push('', '## Links', '');
    for (const l of d.links) out.push(`- [${l.label}](${l.url})`);
    for (const c of d.chat) out.push(c.url ? `- [Alert in ${c.platform} #${c.channel}](${c.url})` : `- Alert in ${c.platform} #${c.channel} (message ${c.id})`);
  }
  out.push('', '## Action items', '');
  if (d.actionItems.length === 0) out.push('- none recorded during the incident');
  for (const a of d.actionItems) out.push(`- [ ] ${cell(a.text)} (${a.byName}, ${at(a.at)})`);
  out.push('', '## Review', '');
  for (const p of d.reviewPrompts) out.push(`- ${p}`);
  return `${out.join('\n')}\n`;
}

/** The thread reply's one line (the workflow prefixes "Resolved. "). */
export function summaryLine(d: PostmortemDoc, apiUrl?: string): string {
  const ack = d.timeToAcknowledgeMs === undefined ? 'not acknowledged' : `acknowledged in ${dur(d.timeToAcknowledgeMs)}`;
  const facts = `${ack}, resolved in ${dur(d.timeToResolveMs)}, ${plural(d.escalations, 'escalation')}, ${plural(d.handoffs, 'handoff')}`;
  return apiUrl ? `Postmortem (${facts}): ${postmortemUrl(apiUrl, d.id)}` : `Postmortem ${d.id} (${facts}).`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function nameOf(d: PostmortemDoc, id: string): string {
  if (id === 'system') return 'system';
  return d.responders.find((r) => r.id === id)?.name ?? d.timeline.find((e) => e.actor === id)?.actorName ?? id;
}

/** A code fence longer than any backtick run inside, so diagnostics output cannot close it. */
function fence(body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}\n${body}\n${f}`;
}
