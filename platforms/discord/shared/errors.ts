// Discord REST failures -> typed activity failures. Permanent problems (a channel the bot cannot
// see, a missing permission, a revoked token) fail at once with a sentence saying what to fix, and
// the workflow records it in the timeline; 429s retry exactly when Discord says (per route or
// global); outages, timeouts and network errors retry under the activity's retry policy.
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, permanentFailure, rateLimited, unavailable, type ErrorType } from '../../../activities/errors';

/** Discord's JSON error codes this integration acts on. */
export const DiscordCodes = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownUser: 10013,
  unknownWebhook: 10015,
  missingAccess: 50001,
  cannotMessageUser: 50007,
  missingPermissions: 50013,
  invalidRecipients: 50033,
  invalidFormBody: 50035,
  threadExists: 160004,
  threadLocked: 160005,
} as const;

export interface DiscordErrorBody {
  code?: number;
  message?: string;
  errors?: unknown;
  retry_after?: number;
  global?: boolean;
}

/** What a failure carries for callers that branch on it (the thread fallback, tests). */
export interface DiscordFailureDetails {
  status: number;
  code?: number;
}

const PERMANENT: Record<number, { type: ErrorType; hint: string }> = {
  [DiscordCodes.unknownChannel]: { type: ErrorTypes.channelNotFound, hint: 'check the channel id in routing (Discord channel ids are 17-20 digits) and that the bot was added to that server' },
  [DiscordCodes.unknownMessage]: { type: ErrorTypes.channelNotFound, hint: 'the alert message was deleted' },
  [DiscordCodes.unknownUser]: { type: ErrorTypes.personUnreachable, hint: 'check people[].chat.discord (the user id, 17-20 digits)' },
  [DiscordCodes.unknownWebhook]: { type: ErrorTypes.invalidRequest, hint: 'the interaction expired (Discord keeps its token for 15 minutes)' },
  [DiscordCodes.missingAccess]: {
    type: ErrorTypes.channelNotFound,
    hint: 'the bot cannot see the channel: give it View Channel and Read Message History there (or add it to the server)',
  },
  [DiscordCodes.missingPermissions]: {
    type: ErrorTypes.invalidAuth,
    hint: 'grant the bot Send Messages, Send Messages in Threads, Create Public Threads, Embed Links and Read Message History in that channel',
  },
  [DiscordCodes.cannotMessageUser]: { type: ErrorTypes.personUnreachable, hint: 'the user does not accept direct messages from the bot (they must share a server with it and allow DMs from server members)' },
  [DiscordCodes.invalidRecipients]: { type: ErrorTypes.personUnreachable, hint: 'check people[].chat.discord (the user id, 17-20 digits)' },
  [DiscordCodes.threadLocked]: { type: ErrorTypes.invalidRequest, hint: 'the alert thread is locked: unlock it, or give the bot Manage Threads' },
};

/** The first field error of a 50035 body, e.g. "embeds.0.fields.2.value: Must be 1024 or fewer in length." */
function firstFieldError(errors: unknown, path: string[] = []): string | undefined {
  if (!errors || typeof errors !== 'object') return undefined;
  const e = errors as Record<string, unknown>;
  const list = e._errors as { message?: string }[] | undefined;
  if (Array.isArray(list) && list[0]?.message) return `${path.join('.') || '(body)'}: ${list[0].message}`;
  for (const [k, v] of Object.entries(e)) {
    const found = firstFieldError(v, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/** Seconds from the body (`retry_after`, the precise one), else Retry-After, else X-RateLimit-Reset-After. */
export function retryAfterMs(body: DiscordErrorBody, headers: Headers): number {
  const candidates = [body.retry_after, Number(headers.get('retry-after')), Number(headers.get('x-ratelimit-reset-after'))];
  const seconds = candidates.find((s): s is number => typeof s === 'number' && Number.isFinite(s) && s >= 0);
  return Math.ceil((seconds ?? 1) * 1000);
}

/** Maps a non-2xx Discord answer to an ApplicationFailure. `what` names the call, e.g. "POST /channels/123/messages". */
export function discordFailure(status: number, body: DiscordErrorBody, headers: Headers, what: string): ApplicationFailure {
  const details: DiscordFailureDetails = { status, ...(typeof body.code === 'number' ? { code: body.code } : {}) };
  const said = body.message ? ` (${body.code ?? status}: ${body.message})` : '';
  if (status === 429) {
    const global = body.global === true || headers.get('x-ratelimit-global') === 'true';
    const scope = global ? 'the global limit' : `bucket ${headers.get('x-ratelimit-bucket') ?? '?'}, scope ${headers.get('x-ratelimit-scope') ?? 'user'}`;
    const ms = retryAfterMs(body, headers);
    return rateLimited(`Discord rate limited ${what} (${scope}); retrying after ${ms / 1000}s`, ms);
  }
  if (status >= 500 || status === 408) return unavailable(`Discord ${what}: HTTP ${status}${said}`);
  const known = typeof body.code === 'number' ? PERMANENT[body.code] : undefined;
  if (known) return permanentFailure(known.type, `Discord ${what}${said}: ${known.hint}`, details);
  if (status === 401)
    return permanentFailure(
      ErrorTypes.invalidAuth,
      `Discord refused the bot token for ${what} (401 Unauthorized): check platforms.discord.botToken (the token from the Developer Portal's Bot page, not the client secret or public key)`,
      details,
    );
  if (status === 403) return permanentFailure(ErrorTypes.invalidAuth, `Discord ${what}${said}: the bot lacks a permission there; check its role and the channel's permission overrides`, details);
  if (status === 404) return permanentFailure(ErrorTypes.invalidRequest, `Discord ${what}: HTTP 404${said} (check platforms.discord.apiUrl, which must end in /api/v10)`, details);
  if (body.code === DiscordCodes.invalidFormBody) {
    const field = firstFieldError(body.errors);
    return permanentFailure(ErrorTypes.invalidRequest, `Discord rejected ${what} as an invalid form body${field ? ` (${field})` : ''}: a bug in the Discord renderer`, details);
  }
  return permanentFailure(ErrorTypes.invalidRequest, `Discord rejected ${what}: HTTP ${status}${said}`, details);
}

/** The Discord error code (or HTTP status) a failure was made from, for callers that handle one case. */
export function failureDetails(err: unknown): DiscordFailureDetails | undefined {
  if (!(err instanceof ApplicationFailure)) return undefined;
  const d = err.details?.[0] as DiscordFailureDetails | undefined;
  return d && typeof d.status === 'number' ? d : undefined;
}
