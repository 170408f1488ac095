// The chat command language, shared by every platform. Pure: text in, command or usage out.
//   /ack [incident-id]
//   /handoff [incident-id] @person [note...]
//   /resolve [incident-id] <summary...>
//   /incident ack|handoff|resolve ...   (same arguments as above)
//   /incident list [open|triggered|acknowledged|resolved|all]
//   /incident show [incident-id]
//   /incident action [incident-id] <text>
//   /incident oncall [schedule]
//   /incident severity [incident-id] <info|warning|error|critical>
//   /incident escalate [incident-id]
//   /incident snooze [incident-id] <duration, e.g. 30m, 1h>
//   /incident reopen [incident-id] [reason...]
//   /incident runbook [incident-id]
//   /incident silence <matcher> <duration> [reason...] | silences | unsilence <id>   (./silence.ts)
//   /incident help
//   /kubectl get|describe|logs|events|top ...   (read-only; parsed and policed in api/kubectl)
// Inside an incident thread the id may be left out (the caller passes the thread's incident).
// The person named in /handoff is only a target; who is acting always comes from the platform.
import { LIST_STATUSES, type ListStatus } from '../incidents';
import { SEVERITIES, SNOOZE_LIMITS_MS, type Severity } from '../../workflows/definitions';
import { formatDuration, parseDuration } from '../../config/duration';
import { SILENCE_USAGE, parseSilenceCommand, type SilenceCommand } from './silence';

export type ListScope = ListStatus | 'all';

export type ParsedCommand =
  | { kind: 'ack'; incidentId?: string }
  | { kind: 'handoff'; incidentId?: string; to: string; note?: string }
  | { kind: 'resolve'; incidentId?: string; summary: string }
  | { kind: 'list'; scope: ListScope }
  | { kind: 'show'; incidentId?: string }
  | { kind: 'action'; incidentId?: string; text: string }
  | { kind: 'kubectl'; args: string }
  | { kind: 'oncall'; schedule?: string }
  | { kind: 'severity'; incidentId?: string; severity: Severity }
  | { kind: 'escalate'; incidentId?: string }
  | { kind: 'snooze'; incidentId?: string; durationMs: number }
  | { kind: 'reopen'; incidentId?: string; reason?: string }
  | { kind: 'runbook'; incidentId?: string }
  | SilenceCommand
  | { kind: 'help' };

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: string };

export const USAGE = {
  ack: '/ack [incident-id]: acknowledge (the id is implied inside an incident thread)',
  handoff: '/handoff [incident-id] @person [note]: hand the incident to someone on the roster',
  resolve: '/resolve [incident-id] <summary>: resolve with a short summary of what fixed it',
  list: '/incident list [open|triggered|acknowledged|resolved|all]: incidents, open ones by default',
  show: '/incident show [incident-id]: status and timeline of one incident',
  action: '/incident action [incident-id] <text>: record a follow-up (action item) for the postmortem',
  oncall: '/incident oncall [schedule]: who is on call now and next, per schedule',
  severity: `/incident severity [incident-id] <${SEVERITIES.join('|')}>: change the severity`,
  escalate: '/incident escalate [incident-id]: page the next escalation level now',
  snooze: `/incident snooze [incident-id] <duration>: pause escalation, e.g. 30m or 2h (${formatDuration(SNOOZE_LIMITS_MS.min)} to ${formatDuration(SNOOZE_LIMITS_MS.max)}); an ack or resolve ends it`,
  reopen: '/incident reopen [incident-id] [reason]: reopen a resolved incident while it can still be reopened',
  runbook: '/incident runbook [incident-id]: the runbook of the incident (alert annotation or routing rule)',
  ...SILENCE_USAGE,
  kubectl: '/kubectl get|describe|logs|events|top ...: read-only views of the cluster (/kubectl help)',
  help: '/incident help: this list',
} as const;

export const HELP_TEXT = ['Incident commands:', ...Object.values(USAGE).map((u) => `  ${u}`)].join('\n');

const LIST_SCOPES: readonly string[] = [...LIST_STATUSES, 'all'];
const MAX_TEXT = 4000;

const isIncidentId = (token: string | undefined): token is string => token !== undefined && /^incident\/[^/\s]+\/[^/\s]+$/.test(token);

const fail = (error: string): ParseResult => ({ ok: false, error });
const ok = (command: ParsedCommand): ParseResult => ({ ok: true, command });

/** Splits off the first whitespace-separated token, keeping the rest verbatim (notes keep spacing). */
function shift(rest: string): [string | undefined, string] {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(rest.trim());
  return m ? [m[1], m[2]!] : [undefined, ''];
}

function takeId(rest: string): [string | undefined, string] {
  const [first, after] = shift(rest);
  return isIncidentId(first) ? [first, after] : [undefined, rest.trim()];
}

function parseAction(verb: 'ack' | 'handoff' | 'resolve', args: string): ParseResult {
  const [incidentId, rest] = takeId(args);
  switch (verb) {
    case 'ack': {
      if (rest) return fail(`"${rest}" is not an incident id (ids look like incident/<cluster>/<fingerprint>).\nUsage: ${USAGE.ack}`);
      return ok({ kind: 'ack', incidentId });
    }
    case 'handoff': {
      const [to, note] = shift(rest);
      if (!to) return fail(`Who should take over? Name a person.\nUsage: ${USAGE.handoff}`);
      if (!/^(@?[A-Za-z0-9._-]+|<@[^>]+>)$/.test(to)) return fail(`"${to}" is not a person; write their roster id or chat name, e.g. @bob.\nUsage: ${USAGE.handoff}`);
      return ok({ kind: 'handoff', incidentId, to, ...(note.trim() ? { note: note.trim() } : {}) });
    }
    case 'resolve': {
      if (!rest) return fail(`Say what fixed it: a summary is required.\nUsage: ${USAGE.resolve}`);
      return ok({ kind: 'resolve', incidentId, summary: rest });
    }
  }
}

export function parseCommand(input: string): ParseResult {
  const text = input.trim();
  if (text.length > MAX_TEXT) return fail(`The command is longer than ${MAX_TEXT} characters; shorten the note or summary.`);
  if (!text.startsWith('/')) return fail(`Commands start with "/".\n${HELP_TEXT}`);
  const [name, args] = shift(text.slice(1));
  switch (name?.toLowerCase()) {
    case 'ack':
    case 'handoff':
    case 'resolve':
      return parseAction(name.toLowerCase() as 'ack' | 'handoff' | 'resolve', args);
    case 'help':
      return ok({ kind: 'help' });
    case 'incident':
      return parseIncidentSubcommand(args);
    case 'kubectl':
      return ok({ kind: 'kubectl', args });
    default:
      return fail(`Unknown command "/${name ?? ''}".\n${HELP_TEXT}`);
  }
}

function parseIncidentSubcommand(args: string): ParseResult {
  const [sub, rest] = shift(args);
  switch (sub?.toLowerCase()) {
    case undefined:
    case 'help':
      return ok({ kind: 'help' });
    case 'ack':
    case 'handoff':
    case 'resolve':
      return parseAction(sub.toLowerCase() as 'ack' | 'handoff' | 'resolve', rest);
    case 'list': {
      const [scope, extra] = shift(rest);
      if (extra) return fail(`Unexpected "${extra}".\nUsage: ${USAGE.list}`);
      if (scope === undefined) return ok({ kind: 'list', scope: 'open' });
      if (!LIST_SCOPES.includes(scope.toLowerCase())) return fail(`"${scope}" is not a list filter; use one of ${LIST_SCOPES.join(', ')}.\nUsage: ${USAGE.list}`);
      return ok({ kind: 'list', scope: scope.toLowerCase() as ListScope });
    }
    case 'show': {
      const [id, extra] = shift(rest);
      if (id !== undefined && !isIncidentId(id)) return fail(`"${id}" is not an incident id (ids look like incident/<cluster>/<fingerprint>).\nUsage: ${USAGE.show}`);
      if (extra) return fail(`Unexpected "${extra}".\nUsage: ${USAGE.show}`);
      return ok({ kind: 'show', incidentId: id });
    }
    case 'action': {
      const [incidentId, text] = takeId(rest);
      if (!text) return fail(`What should be followed up? Write the action item after the command.\nUsage: ${USAGE.action}`);
      return ok({ kind: 'action', incidentId, text });
    }
    case 'oncall':
    case 'severity':
    case 'escalate':
    case 'snooze':
    case 'reopen':
    case 'runbook':
      return parseOnCallCommand(sub.toLowerCase() as OnCallVerb, rest);
    case 'silence':
    case 'silences':
    case 'unsilence':
      return parseSilenceCommand(sub.toLowerCase() as SilenceCommand['kind'], rest);
    default:
      return fail(`Unknown subcommand "${sub}".\n${HELP_TEXT}`);
  }
}

type OnCallVerb = 'oncall' | 'severity' | 'escalate' | 'snooze' | 'reopen' | 'runbook';

/** The commands on-call people reach for (issue 14 item 5). */
function parseOnCallCommand(verb: OnCallVerb, args: string): ParseResult {
  if (verb === 'oncall') {
    const [schedule, extra] = shift(args);
    if (extra) return fail(`Unexpected "${extra}": name at most one schedule.\nUsage: ${USAGE.oncall}`);
    if (schedule !== undefined && !/^[A-Za-z0-9._-]+$/.test(schedule)) return fail(`"${schedule}" is not a schedule id (ids are letters, digits, ".", "_" and "-").\nUsage: ${USAGE.oncall}`);
    return ok({ kind: 'oncall', ...(schedule ? { schedule } : {}) });
  }
  const [incidentId, rest] = takeId(args);
  const [first, extra] = shift(rest);
  switch (verb) {
    case 'severity': {
      if (!first) return fail(`Which severity? Name one of ${SEVERITIES.join(', ')}.\nUsage: ${USAGE.severity}`);
      const level = first.toLowerCase();
      if (!(SEVERITIES as readonly string[]).includes(level)) return fail(`"${first}" is not a severity; use one of ${SEVERITIES.join(', ')}.\nUsage: ${USAGE.severity}`);
      if (extra) return fail(`Unexpected "${extra}".\nUsage: ${USAGE.severity}`);
      return ok({ kind: 'severity', incidentId, severity: level as Severity });
    }
    case 'snooze': {
      if (!first) return fail(`For how long? Give a duration such as 30m or 2h.\nUsage: ${USAGE.snooze}`);
      const ms = parseDuration(first.toLowerCase());
      if (ms === undefined) return fail(`"${first}" is not a duration; write it like 30m, 1h or 1h30m.\nUsage: ${USAGE.snooze}`);
      if (ms < SNOOZE_LIMITS_MS.min || ms > SNOOZE_LIMITS_MS.max)
        return fail(`A snooze lasts from ${formatDuration(SNOOZE_LIMITS_MS.min)} to ${formatDuration(SNOOZE_LIMITS_MS.max)}; ${first} is outside that. For longer, acknowledge the incident instead.\nUsage: ${USAGE.snooze}`);
      if (extra) return fail(`Unexpected "${extra}".\nUsage: ${USAGE.snooze}`);
      return ok({ kind: 'snooze', incidentId, durationMs: ms });
    }
    case 'reopen':
      return ok({ kind: 'reopen', incidentId, ...(rest ? { reason: rest } : {}) });
    case 'escalate':
    case 'runbook':
      if (rest) return fail(`"${rest}" is not an incident id (ids look like incident/<cluster>/<fingerprint>).\nUsage: ${USAGE[verb]}`);
      return ok({ kind: verb, incidentId });
  }
}
