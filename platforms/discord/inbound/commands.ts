// The slash commands the Discord app registers (PUT /applications/{id}/commands, see
// scripts/discord-commands.ts) and how an invocation becomes the shared command language: Discord
// hands options over already split (a picked user is an id), and this turns them back into the text
// `/handoff @bob taking over` that api/commands/parse.ts understands, so every platform shares one
// parser, one set of usage messages and one authorization path.
import type { Config } from '../../../config/schema';
import { LIST_STATUSES } from '../../../api/incidents';
import { SEVERITIES } from '../../../workflows/definitions';
import { SILENCE_LIMITS_MS } from '../../../workflows/silences-definitions';
import { formatDuration } from '../../../config/duration';

export const OptionType = { subCommand: 1, string: 3, user: 6 } as const;

/** Where the commands may be used: servers and DMs with the bot (a page arrives by DM). */
const CONTEXTS = { contexts: [0, 1], integration_types: [0] };

const incident = { type: OptionType.string, name: 'incident', description: 'Incident id (implied inside the alert\'s thread or the page DM)', required: false, max_length: 300 };
const user = { type: OptionType.user, name: 'user', description: 'Who takes over (someone on the incident roster)', required: true };
const note = { type: OptionType.string, name: 'note', description: 'What they should know', required: false, max_length: 2000 };
const summary = { type: OptionType.string, name: 'summary', description: 'What fixed it', required: true, max_length: 3000 };
const status = {
  type: OptionType.string,
  name: 'status',
  description: 'Which incidents (open by default)',
  required: false,
  choices: [...LIST_STATUSES, 'all'].map((s) => ({ name: s, value: s })),
};
const text = { type: OptionType.string, name: 'text', description: 'The follow-up for the postmortem', required: true, max_length: 2000 };
const schedule = { type: OptionType.string, name: 'schedule', description: 'Schedule id (all schedules when left out)', required: false, max_length: 100 };
const level = { type: OptionType.string, name: 'level', description: 'The new severity', required: true, choices: SEVERITIES.map((s) => ({ name: s, value: s })) };
const duration = { type: OptionType.string, name: 'duration', description: 'How long to pause escalation, e.g. 30m or 2h (1m to 24h)', required: true, max_length: 20 };
const reason = { type: OptionType.string, name: 'reason', description: 'Why it is reopened', required: false, max_length: 2000 };
// Silences (issue 14 item 3): the matcher goes over as typed; the shared parser checks it.
const matcher = { type: OptionType.string, name: 'matcher', description: 'Which alerts, e.g. {namespace="shop", kind=~"Pod|Deployment"}', required: true, max_length: 1000 };
const silenceFor = { type: OptionType.string, name: 'duration', description: `How long, e.g. 30m or 2h (${formatDuration(SILENCE_LIMITS_MS.min)} to ${formatDuration(SILENCE_LIMITS_MS.max)})`, required: true, max_length: 20 };
const silenceWhy = { type: OptionType.string, name: 'reason', description: 'Why (shown with the silence)', required: false, max_length: 2000 };
const silenceId = { type: OptionType.string, name: 'id', description: 'The silence id, e.g. s-3 (/incident silences lists them)', required: true, max_length: 40 };
const args = { type: OptionType.string, name: 'args', description: 'e.g. get pods, describe deploy/checkout, logs checkout-7d9f, events, top pods', required: true, max_length: 500 };

const sub = (name: string, description: string, options: object[] = []) => ({ type: OptionType.subCommand, name, description, options });

/** The application commands, as the JSON Discord's bulk-overwrite endpoint takes. */
export const DISCORD_COMMANDS = [
  {
    name: 'incident',
    type: 1,
    description: 'Incident commands',
    ...CONTEXTS,
    options: [
      sub('ack', 'Acknowledge an incident', [incident]),
      sub('handoff', 'Hand an incident to someone on the roster', [user, note, incident]),
      sub('resolve', 'Resolve an incident with a short summary', [summary, incident]),
      sub('list', 'List incidents', [status]),
      sub('show', 'Status and timeline of one incident', [incident]),
      sub('action', 'Record a follow-up for the postmortem', [text, incident]),
      sub('oncall', 'Who is on call now and next', [schedule]),
      sub('severity', 'Change the severity of an incident', [level, incident]),
      sub('escalate', 'Page the next escalation level now', [incident]),
      sub('snooze', 'Pause escalation for a while (an ack or resolve ends it)', [duration, incident]),
      sub('reopen', 'Reopen a resolved incident while it can still be reopened', [reason, incident]),
      sub('runbook', 'The runbook of an incident', [incident]),
      sub('silence', 'Hold back matching alerts and pages for a while', [matcher, silenceFor, silenceWhy]),
      sub('silences', 'The active silences'),
      sub('unsilence', 'End a silence now (its creator or an admin)', [silenceId]),
      sub('help', 'What the incident commands do'),
    ],
  },
  { name: 'ack', type: 1, description: 'Acknowledge the incident (implied in its thread)', ...CONTEXTS, options: [incident] },
  { name: 'handoff', type: 1, description: 'Hand the incident to someone on the roster', ...CONTEXTS, options: [user, note, incident] },
  { name: 'resolve', type: 1, description: 'Resolve the incident with a short summary', ...CONTEXTS, options: [summary, incident] },
  { name: 'kubectl', type: 1, description: 'Read-only views of the cluster (get, describe, logs, events, top)', ...CONTEXTS, options: [args] },
];

export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: CommandOption[];
}

export interface CommandData {
  name: string;
  options?: CommandOption[];
}

/** A Discord user as command text: `@<person id>` for roster people, else `<@id>` (refused and recorded by the workflow). */
export function personRef(config: Config, discordUserId: string): string {
  const person = config.people.find((p) => p.chat.discord === discordUserId);
  return person ? `@${person.id}` : `<@${discordUserId}>`;
}

/** An invocation as command text for parseCommand, e.g. `/handoff @bob taking over`. */
export function commandText(data: CommandData, config: Config): string {
  let name = data.name;
  let options = data.options ?? [];
  if (name === 'incident') {
    const subcommand = options.find((o) => o.type === OptionType.subCommand);
    name = `incident ${subcommand?.name ?? 'help'}`;
    options = subcommand?.options ?? [];
  }
  const value = (key: string) => {
    const v = options.find((o) => o.name === key)?.value;
    return v === undefined ? '' : String(v).trim();
  };
  const target = value('user') && personRef(config, value('user'));
  // The order parse.ts expects: incident id first, then the person, then free text.
  const parts: Record<string, string[]> = {
    'incident ack': [value('incident')],
    'incident handoff': [value('incident'), target, value('note')],
    'incident resolve': [value('incident'), value('summary')],
    'incident list': [value('status')],
    'incident show': [value('incident')],
    'incident action': [value('incident'), value('text')],
    'incident oncall': [value('schedule')],
    'incident severity': [value('incident'), value('level')],
    'incident escalate': [value('incident')],
    'incident snooze': [value('incident'), value('duration')],
    'incident reopen': [value('incident'), value('reason')],
    'incident runbook': [value('incident')],
    'incident silence': [value('matcher'), value('duration'), value('reason')],
    'incident silences': [],
    'incident unsilence': [value('id')],
    'incident help': [],
    ack: [value('incident')],
    handoff: [value('incident'), target, value('note')],
    resolve: [value('incident'), value('summary')],
    kubectl: [value('args')],
  };
  return [`/${name}`, ...(parts[name] ?? [])].filter(Boolean).join(' ');
}
