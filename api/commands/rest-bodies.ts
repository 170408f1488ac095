// Request bodies of POST /api/incidents/:id/{severity,escalate,snooze,reopen}: the same limits as
// the chat commands (api/commands/parse.ts), every field problem named at once.
import { z } from 'zod';
import { SEVERITIES, SNOOZE_LIMITS_MS, type Severity } from '../../workflows/definitions';
import { formatDuration, parseDuration } from '../../config/duration';
import { fieldErrors } from '../../intake/schema';
import { ValidationError } from '../errors';
import { COMMAND_VERB, type CommandInput, type IncidentCommandName } from './oncall';

export const COMMANDS: readonly IncidentCommandName[] = ['severity', 'escalate', 'snooze', 'reopen'];

const bounds = `from ${formatDuration(SNOOZE_LIMITS_MS.min)} to ${formatDuration(SNOOZE_LIMITS_MS.max)}`;

const schemas = {
  severity: z.object({ severity: z.enum(SEVERITIES, { error: `severity is required: one of ${SEVERITIES.join(', ')}` }) }).strict(),
  escalate: z.object({}).strict(),
  snooze: z
    .object({
      duration: z
        .string({ error: `duration is required: how long to pause escalation, e.g. "30m" or "2h" (${bounds})` })
        .transform((v, ctx) => {
          const ms = parseDuration(v.toLowerCase());
          if (ms === undefined) ctx.addIssue({ code: 'custom', message: `duration must look like "30m", "1h" or "1h30m"` });
          else if (ms < SNOOZE_LIMITS_MS.min || ms > SNOOZE_LIMITS_MS.max) ctx.addIssue({ code: 'custom', message: `duration must be ${bounds}; for longer, acknowledge the incident` });
          return ms ?? 0;
        }),
    })
    .strict(),
  reopen: z.object({ reason: z.string({ error: 'reason must be a string' }).trim().max(2000, 'reason is at most 2000 characters').optional() }).strict(),
} as const;

/** The command's input from a REST body, or a ValidationError listing the fields to fix. */
export function commandBody(command: IncidentCommandName, body: unknown): CommandInput {
  const parsed = schemas[command].safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError('invalid_body', `The ${COMMAND_VERB[command]} request is invalid: fix the fields listed and retry.`, fieldErrors(parsed.error.issues));
  const data = parsed.data as Record<string, unknown>;
  switch (command) {
    case 'severity':
      return { command, severity: data.severity as Severity };
    case 'snooze':
      return { command, durationMs: data.duration as number };
    case 'reopen':
      return { command, ...(data.reason ? { reason: data.reason as string } : {}) };
    case 'escalate':
      return { command };
  }
}
