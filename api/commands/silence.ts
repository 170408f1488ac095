// The silence verbs of the chat command language (issue 14 item 3), parsed and run here and wired
// into parse.ts / execute.ts with a line each:
//   /incident silence <matcher> <duration> [reason...]   e.g. {namespace="shop", kind=~"Pod|Deployment"} 2h deploy
//   /incident silences
//   /incident unsilence <id>
// The matcher may contain spaces inside its braces; the workflow parses it (one parser for all).
import type { Client } from '@temporalio/client';
import type { Actor } from '../../workflows/definitions';
import { SILENCE_LIMITS_MS, type Silence, type SilenceResult } from '../../workflows/silences-definitions';
import { parseMatchers } from '../../workflows/policy/matcher';
import { formatDuration, parseDuration } from '../../config/duration';
import { createSilence, listSilences, removeSilence } from '../silences-client';

export type SilenceCommand = { kind: 'silence'; matcher: string; durationMs: number; reason?: string } | { kind: 'silences' } | { kind: 'unsilence'; id: string };

export const SILENCE_USAGE = {
  silence: `/incident silence <matcher> <duration> [reason]: hold back matching alerts and pages, e.g. {namespace="shop", kind=~"Pod|Deployment"} 2h (${formatDuration(SILENCE_LIMITS_MS.min)} to ${formatDuration(SILENCE_LIMITS_MS.max)})`,
  silences: '/incident silences: the active silences',
  unsilence: '/incident unsilence <id>: end a silence now (its creator or an admin)',
} as const;

type Parsed = { ok: true; command: SilenceCommand } | { ok: false; error: string };
const fail = (error: string): Parsed => ({ ok: false, error });

/** Splits `{...}` (quotes respected) or the first token off the text. */
function takeMatcher(text: string): [string, string] | undefined {
  const t = text.trim();
  if (!t.startsWith('{')) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(t);
    return m ? [m[1]!, m[2]!] : undefined;
  }
  let quoted = false;
  for (let i = 1; i < t.length; i++) {
    const c = t[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '}' && !quoted) return [t.slice(0, i + 1), t.slice(i + 1).trim()];
  }
  return undefined;
}

export function parseSilenceCommand(verb: SilenceCommand['kind'], args: string): Parsed {
  const rest = args.trim();
  if (verb === 'silences') return rest ? fail(`Unexpected "${rest}".\nUsage: ${SILENCE_USAGE.silences}`) : { ok: true, command: { kind: 'silences' } };
  if (verb === 'unsilence') {
    if (!/^s-\d+$/.test(rest)) return fail(`${rest ? `"${rest}" is not a silence id` : 'Which silence?'} (ids look like s-3; /incident silences lists them).\nUsage: ${SILENCE_USAGE.unsilence}`);
    return { ok: true, command: { kind: 'unsilence', id: rest } };
  }
  const split = takeMatcher(rest);
  if (!split) return fail(`Say what to silence: a matcher such as {namespace="shop"} (close the braces).\nUsage: ${SILENCE_USAGE.silence}`);
  const [matcher, after] = split;
  try {
    parseMatchers(matcher);
  } catch (err) {
    return fail(`${(err as Error).message}.\nUsage: ${SILENCE_USAGE.silence}`);
  }
  const m = /^(\S+)\s*([\s\S]*)$/.exec(after);
  if (!m) return fail(`For how long? Give a duration such as 30m or 2h after the matcher.\nUsage: ${SILENCE_USAGE.silence}`);
  const ms = parseDuration(m[1]!.toLowerCase());
  if (ms === undefined) return fail(`"${m[1]}" is not a duration; write it like 30m, 2h or 1d.\nUsage: ${SILENCE_USAGE.silence}`);
  if (ms < SILENCE_LIMITS_MS.min || ms > SILENCE_LIMITS_MS.max) return fail(`A silence lasts from ${formatDuration(SILENCE_LIMITS_MS.min)} to ${formatDuration(SILENCE_LIMITS_MS.max)}; ${m[1]} is outside that.\nUsage: ${SILENCE_USAGE.silence}`);
  const reason = m[2]!.trim();
  return { ok: true, command: { kind: 'silence', matcher, durationMs: ms, ...(reason ? { reason } : {}) } };
}

/** One line per silence, for chat and logs. */
export function renderSilences(silences: Silence[]): string {
  if (!silences.length) return 'No active silences.';
  return ['Active silences:', ...silences.map((s) => `  ${s.id} ${s.matcher} until ${s.until} by ${s.createdBy}${s.reason ? `: ${s.reason}` : ''}`)].join('\n');
}

export async function runSilenceCommand(client: Client, actor: Actor, cmd: SilenceCommand): Promise<{ text: string; result?: SilenceResult }> {
  switch (cmd.kind) {
    case 'silences':
      return { text: renderSilences(await listSilences(client)) };
    case 'silence': {
      const result = await createSilence(client, { actor, matcher: cmd.matcher, durationMs: cmd.durationMs, ...(cmd.reason ? { reason: cmd.reason } : {}) });
      return { text: result.message, result };
    }
    case 'unsilence': {
      const result = await removeSilence(client, { actor, id: cmd.id });
      return { text: result.message, result };
    }
  }
}
