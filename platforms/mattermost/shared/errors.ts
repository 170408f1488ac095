// Mattermost REST failures -> typed activity failures. Permanent problems (the bot is not in the
// channel, the token was revoked, the request is malformed) fail at once with a sentence saying
// what to fix, and the workflow records it in the timeline; rate limits retry exactly when
// Mattermost says; outages, timeouts and network errors retry under the activity's policy.
import type { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, permanentFailure, rateLimited, unavailable, type ErrorType } from '../../../activities/errors';

/** Mattermost's error body: `{ id, message, detailed_error, request_id, status_code }`. */
export interface MattermostErrorBody {
  id?: string;
  message?: string;
  status_code?: number;
}

/** What the call was about, so a 404 or 403 can name the thing to fix. */
export type Subject = 'channel' | 'post' | 'user' | 'dialog' | 'other';

export class MattermostHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: MattermostErrorBody,
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'MattermostHttpError';
  }
}

const NOT_FOUND: Record<Subject, { type: ErrorType; hint: string }> = {
  channel: { type: ErrorTypes.channelNotFound, hint: 'check the channel ID in routing (26 characters, channel menu > View Info) and that the bot was added to the channel' },
  post: { type: ErrorTypes.channelNotFound, hint: 'the alert post was deleted' },
  user: { type: ErrorTypes.personUnreachable, hint: 'check people[].chat.mattermost (a 26-character user ID, not the username)' },
  dialog: { type: ErrorTypes.invalidRequest, hint: 'the dialog trigger expired' },
  other: { type: ErrorTypes.invalidRequest, hint: 'check platforms.mattermost.url' },
};

/**
 * Seconds until Mattermost's rate limit resets (X-RateLimit-Reset counts seconds from now), else
 * Retry-After, else one second.
 */
export function resetDelayMs(headers: Headers): number {
  for (const name of ['x-ratelimit-reset', 'retry-after']) {
    const v = Number(headers.get(name));
    if (headers.get(name) !== null && Number.isFinite(v) && v >= 0) return v * 1000;
  }
  return 1000;
}

/** Maps an HTTP failure (or anything a fetch threw) to an ApplicationFailure. `what` names the call. */
export function mattermostFailure(err: unknown, what: string, subject: Subject = 'other'): ApplicationFailure {
  if (!(err instanceof MattermostHttpError)) {
    const e = err as Error;
    const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
    return unavailable(`Mattermost ${what}: ${timedOut ? 'no answer in time (the request may still take effect; the retry looks for it)' : (e?.message ?? String(err))}`);
  }
  const { status, body } = err;
  const detail = body.id ? ` (${body.id}: ${body.message ?? ''})` : '';
  if (status === 429) return rateLimited(`Mattermost rate limited ${what}; retrying after ${Math.ceil(err.retryAfterMs / 1000)}s`, err.retryAfterMs);
  if (status >= 500 || status === 408) return unavailable(`Mattermost ${what}: HTTP ${status}${detail}`);
  if (status === 401)
    return permanentFailure(ErrorTypes.invalidAuth, `Mattermost ${what}: HTTP 401${detail}: the bot token is not valid; check platforms.mattermost.botToken (a bot account access token)`, { status, id: body.id });
  if (status === 403) {
    const hint = subject === 'channel' ? 'add the bot to the channel (it must be a member to read and post)' : subject === 'user' ? 'the bot may not read that user (or their email)' : 'the bot account lacks a permission';
    return permanentFailure(ErrorTypes.invalidAuth, `Mattermost ${what}: HTTP 403${detail}: ${hint}; check platforms.mattermost.botToken belongs to the bot`, { status, id: body.id });
  }
  if (status === 404) {
    const known = NOT_FOUND[subject];
    return permanentFailure(known.type, `Mattermost ${what}: HTTP 404${detail}: ${known.hint}`, { status, id: body.id });
  }
  return permanentFailure(ErrorTypes.invalidRequest, `Mattermost ${what}: HTTP ${status}${detail}: Mattermost rejected the request`, { status, id: body.id });
}
