// The commands on-call people reach for (issue 14 item 5), for chat and REST alike: severity,
// escalate, snooze and reopen are Workflow Updates (authorized and recorded by the incident, like an
// ack); oncall and runbook are answered here from the config and the `state` query.
import type { Client } from '@temporalio/client';
import type { Config, Schedule } from '../../config/schema';
import { escalateNowUpdate, reopenUpdate, setSeverityUpdate, snoozeUpdate, type Actor, type CommandResult, type IncidentState, type Severity } from '../../workflows/definitions';
import { authorizeRead } from '../../workflows/policy/authorize';
import { onCallNowAndNext, NEXT_HORIZON_DAYS, type OnCallShift } from '../../workflows/policy/oncall';
import { matches } from '../../workflows/policy/routing';
import { ApiError, IncidentClosedError } from '../errors';
import { displayNames } from '../identity';
import { getIncident, updateIncident } from '../incidents';

export type CommandInput =
  | { command: 'severity'; severity: Severity }
  | { command: 'escalate' }
  | { command: 'snooze'; durationMs: number }
  | { command: 'reopen'; reason?: string };

export type IncidentCommandName = CommandInput['command'];
export const COMMAND_VERB: Record<IncidentCommandName, string> = { severity: 'severity change', escalate: 'escalation', snooze: 'snooze', reopen: 'reopen' };

/** Runs one of the commands as its Workflow Update; the answer is the workflow's CommandResult. */
export async function runIncidentCommand(client: Client, id: string, actor: Actor, input: CommandInput): Promise<CommandResult> {
  try {
    return await updateIncident(client, id, COMMAND_VERB[input.command], (handle) => {
      switch (input.command) {
        case 'severity':
          return handle.executeUpdate(setSeverityUpdate, { args: [{ actor, severity: input.severity }] });
        case 'escalate':
          return handle.executeUpdate(escalateNowUpdate, { args: [{ actor }] });
        case 'snooze':
          return handle.executeUpdate(snoozeUpdate, { args: [{ actor, durationMs: input.durationMs }] });
        case 'reopen':
          return handle.executeUpdate(reopenUpdate, { args: [{ actor, ...(input.reason ? { reason: input.reason } : {}) }] });
      }
    });
  } catch (err) {
    // After its run closed, a resolved incident is history: say what to do instead.
    if (err instanceof IncidentClosedError && input.command === 'reopen')
      throw new ApiError(
        409,
        'incident_closed',
        `Incident ${id} is closed, so it cannot be reopened. If the problem is back it opens again as a new incident with the same id when it recurs; to open one now, report it (POST /api/anomalies), and link the old postmortem with /incident action.`,
      );
    throw err;
  }
}

/** Refusals of the read-only commands: a reply to the caller only, like every refusal. */
function refused(reason: string): never {
  throw new ApiError(403, 'refused', reason);
}

export interface OnCallAnswer {
  schedule: string;
  timezone: string;
  now: OnCallShift;
  next?: OnCallShift;
}

/** Who is on call now and next, per schedule (one, or all). Throws an ApiError naming the schedules for an unknown id. */
export function onCall(config: Config, actor: Actor, scheduleId: string | undefined, atMs: number): OnCallAnswer[] {
  const auth = authorizeRead(actor);
  if (!auth.allowed) refused(auth.reason);
  let schedules: Schedule[] = config.schedules;
  if (scheduleId !== undefined) {
    schedules = config.schedules.filter((s) => s.id === scheduleId);
    if (schedules.length === 0)
      throw new ApiError(404, 'unknown_schedule', `There is no schedule "${scheduleId}". ${config.schedules.length ? `Schedules: ${config.schedules.map((s) => s.id).join(', ')}.` : 'No schedules are configured (schedules[] in the config).'}`);
  }
  return schedules.map((s) => ({ schedule: s.id, timezone: s.timezone, ...onCallNowAndNext(s, atMs) }));
}

/** "Sat 5 Dec 09:00 Europe/Berlin (08:00 UTC)": the schedule's own clock first. */
export function formatInstant(ms: number, timezone: string): string {
  const local = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms).replace(',', '');
  const utc = new Date(ms).toISOString().slice(11, 16);
  return timezone === 'UTC' ? `${local} UTC` : `${local} ${timezone} (${utc} UTC)`;
}

export function renderOnCall(answers: OnCallAnswer[], config: Config): string {
  if (answers.length === 0) return 'No schedules are configured (schedules[] in the config), so nobody is on call by schedule.';
  const names = displayNames(config);
  const who = (shift: OnCallShift) => (shift.personId ? (names[shift.personId] ?? shift.personId) : 'nobody');
  return answers
    .map((a) => {
      const now = `${a.schedule}: ${who(a.now)} now${a.now.source === 'override' ? ' (override)' : ''}`;
      const next = a.next ? `; next ${who(a.next)} from ${formatInstant(a.next.fromMs, a.timezone)}` : `; no change in the next ${NEXT_HORIZON_DAYS} days`;
      return `${now}${next}`;
    })
    .join('\n');
}

export interface RunbookAnswer {
  url?: string;
  /** `annotation` (the alert's runbook_url) or the routing rule that named it. */
  source?: string;
}

/**
 * The runbook of an incident: the alert's runbook_url annotation (read defensively: histories
 * before annotations have none), else the `runbook` of the routing rule its state matches now.
 */
export function runbookOf(state: IncidentState, config: Config): RunbookAnswer {
  const annotated = (state as { annotations?: { runbookUrl?: unknown } }).annotations?.runbookUrl;
  if (typeof annotated === 'string' && /^https?:\/\/\S+$/i.test(annotated)) return { url: annotated, source: 'annotation' };
  const anomaly = {
    cluster: state.cluster,
    fingerprint: state.fingerprint,
    kind: state.kind,
    severity: state.severity,
    resource: state.resource,
    owner: state.owner,
    reason: state.reason,
    message: state.message,
    labels: state.labels ?? {},
    observedAt: state.openedAt,
  };
  const i = config.routing.rules.findIndex((r) => matches(r.match, anomaly));
  const rule = i >= 0 ? config.routing.rules[i]! : config.routing.default;
  return rule.runbook ? { url: rule.runbook, source: i >= 0 ? `routing rule ${config.routing.rules[i]!.name ?? `rules[${i}]`}` : 'default route' } : {};
}

export async function runbook(client: Client, config: Config, actor: Actor, id: string): Promise<{ text: string; answer: RunbookAnswer }> {
  const state = await getIncident(client, id);
  const auth = authorizeRead(actor, state);
  if (!auth.allowed) refused(auth.reason);
  const answer = runbookOf(state, config);
  const text = answer.url
    ? `Runbook for ${id}: ${answer.url} (from ${answer.source === 'annotation' ? "the alert's runbook_url annotation" : `the ${answer.source}`})`
    : `No runbook for ${id}: the alert has no runbook_url annotation and its routing rule names none. Add runbook: <url> to the rule under routing in the config.`;
  return { text, answer };
}
