// Runs a parsed chat command (or a button press) for an actor the platform verified, through the
// same incident module as REST. Answers are text for the person: public when they change the
// incident, ephemeral (only the caller sees them) for lists, help, refusals and errors.
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/schema';
import type { Actor, CommandResult, IncidentState, TimelineEntry } from '../../workflows/definitions';
import { actionThreadLine, buildIncidentMessage, renderText } from '../../activities/chat/message';
import { ApiError } from '../errors';
import { displayNames, platformOf, resolveHandoffTarget, type Platform } from '../identity';
import { getIncident, listIncidents, runAction, type ActionInput, type IncidentAction, type IncidentSummary } from '../incidents';
import { HELP_TEXT, USAGE, parseCommand } from './parse';
import { runKubectl } from '../kubectl';
import { recordActionItem, type PostmortemEditor } from '../postmortems';
import { onCall, renderOnCall, runbook, runIncidentCommand, type CommandInput } from './oncall';
import { runSilenceCommand } from './silence';

export interface CommandContext {
  actor: Actor;
  platform: Platform;
  /** The incident whose thread the command was typed in; implied when the command names none. */
  threadIncidentId?: string;
  /** The channel the command was typed in (its platform id); /kubectl policies are per channel. */
  channel?: string;
}

export interface CommandDeps {
  client: Client;
  config: Config;
  /** Where `/incident action` on a closed incident adds its follow-up (the postmortem). */
  postmortems?: PostmortemEditor;
}

export interface CommandReply {
  text: string;
  /** Only the caller should see it. */
  ephemeral: boolean;
  incidentId?: string;
  /** The workflow's answer, when the command was an action. */
  result?: CommandResult;
  /** /kubectl output: the first line is the command, the rest is shown fixed-width. */
  preformatted?: boolean;
  /** For a button or form action that changed the incident: the line its thread should show. */
  threadLine?: string;
}

export interface ActionArgs {
  to?: string;
  note?: string;
  summary?: string;
  /** Platform used to resolve `to` by chat name; defaults to the actor's. */
  platform?: Platform;
}

const TIMELINE_LINES = 20;
const LIST_LINES = 20;

const NO_INCIDENT = (usage: string) =>
  `Which incident? Run this in the incident's thread, or name it (ids look like incident/<cluster>/<fingerprint>; /incident list shows them).\nUsage: ${usage}`;

function replyFor(result: CommandResult, incidentId: string): CommandReply {
  // Changes are news for the channel; "already" and refusals are for the caller only.
  return { text: result.message, ephemeral: result.outcome !== 'done', incidentId, result };
}

function errorReply(err: unknown, incidentId?: string): CommandReply {
  if (err instanceof ApiError) return { text: err.message, ephemeral: true, incidentId };
  throw err;
}

/** A button press (or REST-like action) by a verified actor. */
export async function executeAction(
  action: IncidentAction,
  incidentId: string,
  actor: Actor,
  args: ActionArgs,
  deps: CommandDeps,
): Promise<CommandReply> {
  let input: ActionInput;
  if (action === 'handoff') {
    if (!args.to?.trim()) return { text: `Who should take over? Name a person.\nUsage: ${USAGE.handoff}`, ephemeral: true, incidentId };
    const target = resolveHandoffTarget(deps.config, args.platform ?? platformOf(actor), args.to);
    input = { action, ...target, ...(args.note?.trim() ? { note: args.note.trim() } : {}) };
  } else if (action === 'resolve') {
    if (!args.summary?.trim()) return { text: `Say what fixed it: a summary is required.\nUsage: ${USAGE.resolve}`, ephemeral: true, incidentId };
    input = { action, summary: args.summary.trim() };
  } else {
    input = { action };
  }
  try {
    const reply = replyFor(await runAction(deps.client, incidentId, actor, input), incidentId);
    if (reply.result?.outcome !== 'done') return reply;
    const by = (actor.personId && displayNames(deps.config)[actor.personId]) || actor.display;
    const note = input.action === 'handoff' ? input.note : undefined;
    const summary = input.action === 'resolve' ? input.summary : undefined;
    return { ...reply, threadLine: actionThreadLine({ action, by, result: reply.text, note, summary }) };
  } catch (err) {
    return errorReply(err, incidentId);
  }
}

export async function executeCommand(text: string, ctx: CommandContext, deps: CommandDeps): Promise<CommandReply> {
  const parsed = parseCommand(text);
  if (!parsed.ok) return { text: parsed.error, ephemeral: true, incidentId: ctx.threadIncidentId };
  const cmd = parsed.command;
  switch (cmd.kind) {
    case 'help':
      return { text: HELP_TEXT, ephemeral: true };
    case 'kubectl':
      return runKubectl(cmd.args, { actor: ctx.actor, platform: ctx.platform, channel: ctx.channel, threadIncidentId: ctx.threadIncidentId }, deps);
    case 'list':
      try {
        const items = await listIncidents(deps.client, { status: cmd.scope === 'all' ? undefined : cmd.scope, limit: LIST_LINES }, ctx.actor);
        return { text: renderList(items, cmd.scope, deps.config), ephemeral: true };
      } catch (err) {
        return errorReply(err);
      }
    case 'show': {
      const id = cmd.incidentId ?? ctx.threadIncidentId;
      if (!id) return { text: NO_INCIDENT(USAGE.show), ephemeral: true };
      try {
        return { text: renderState(await getIncident(deps.client, id, ctx.actor), deps.config), ephemeral: true, incidentId: id };
      } catch (err) {
        return errorReply(err, id);
      }
    }
    case 'action': {
      const id = cmd.incidentId ?? ctx.threadIncidentId;
      if (!id) return { text: NO_INCIDENT(USAGE.action), ephemeral: true };
      try {
        return replyFor(await recordActionItem(deps.client, id, ctx.actor, cmd.text, deps.postmortems, displayNames(deps.config)), id);
      } catch (err) {
        return errorReply(err, id);
      }
    }
    case 'oncall':
      try {
        return { text: renderOnCall(onCall(deps.config, ctx.actor, cmd.schedule, Date.now()), deps.config), ephemeral: true };
      } catch (err) {
        return errorReply(err);
      }
    case 'runbook': {
      const id = cmd.incidentId ?? ctx.threadIncidentId;
      if (!id) return { text: NO_INCIDENT(USAGE.runbook), ephemeral: true };
      try {
        return { text: (await runbook(deps.client, deps.config, ctx.actor, id)).text, ephemeral: false, incidentId: id };
      } catch (err) {
        return errorReply(err, id);
      }
    }
    case 'silence':
    case 'silences':
    case 'unsilence':
      try {
        // A new or removed silence is news for the channel (its announcement); lists and refusals are not.
        const { text, result } = await runSilenceCommand(deps.client, ctx.actor, cmd);
        return { text, ephemeral: result?.outcome !== 'done' };
      } catch (err) {
        return errorReply(err);
      }
    case 'severity':
    case 'escalate':
    case 'snooze':
    case 'reopen': {
      const id = cmd.incidentId ?? ctx.threadIncidentId;
      if (!id) return { text: NO_INCIDENT(USAGE[cmd.kind]), ephemeral: true };
      const input: CommandInput =
        cmd.kind === 'severity' ? { command: 'severity', severity: cmd.severity } : cmd.kind === 'snooze' ? { command: 'snooze', durationMs: cmd.durationMs } : cmd.kind === 'reopen' ? { command: 'reopen', reason: cmd.reason } : { command: 'escalate' };
      try {
        return replyFor(await runIncidentCommand(deps.client, id, ctx.actor, input), id);
      } catch (err) {
        return errorReply(err, id);
      }
    }
    case 'ack':
    case 'handoff':
    case 'resolve': {
      const id = cmd.incidentId ?? ctx.threadIncidentId;
      if (!id) return { text: NO_INCIDENT(USAGE[cmd.kind]), ephemeral: true };
      const args: ActionArgs =
        cmd.kind === 'handoff' ? { to: cmd.to, note: cmd.note, platform: ctx.platform } : cmd.kind === 'resolve' ? { summary: cmd.summary } : {};
      return executeAction(cmd.kind, id, ctx.actor, args, deps);
    }
  }
}

export function renderList(items: IncidentSummary[], scope: string, config: Config): string {
  if (items.length === 0) return scope === 'all' ? 'No incidents.' : `No ${scope} incidents.`;
  const names = displayNames(config);
  const lines = items.map((i) => {
    const where = [i.cluster, i.namespace].filter(Boolean).join('/');
    const who = i.assignee ? ` · ${names[i.assignee] ?? i.assignee}` : '';
    const by = i.resolvedBy ? ` · resolved by ${names[i.resolvedBy] ?? i.resolvedBy}` : '';
    return `• [${i.status.toUpperCase()}] [${(i.severity ?? '?').toUpperCase()}] ${i.id}${where ? ` · ${where}` : ''}${who} · since ${i.openedAt ?? i.startedAt}${by}`;
  });
  const more = items.length >= LIST_LINES ? `\n(first ${LIST_LINES}; GET /api/incidents lists more)` : '';
  return `${items.length} ${scope === 'all' ? '' : `${scope} `}incident(s):\n${lines.join('\n')}${more}`;
}

export function renderTimelineEntry(e: TimelineEntry, names: Record<string, string>): string {
  const who = e.actor && e.actor !== 'system' ? ` ${names[e.actor] ?? e.actor}:` : '';
  return `${e.at} ${e.type}${who} ${e.text}`;
}

export function renderState(state: IncidentState, config: Config): string {
  const names = displayNames(config);
  const head = renderText(buildIncidentMessage(state, { names }));
  const entries = state.timeline.slice(-TIMELINE_LINES);
  const skipped = state.timeline.length - entries.length;
  const timeline = entries.map((e) => `  ${renderTimelineEntry(e, names)}`);
  if (skipped > 0) timeline.unshift(`  (${skipped} earlier entries; GET /api/incidents/<id> has all)`);
  return `${head}\nTimeline:\n${timeline.join('\n') || '  (empty)'}`;
}
