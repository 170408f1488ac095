// Slack Web API failures -> typed activity failures. Permanent problems (the bot is not in the
// channel, the token was revoked) fail at once with a sentence saying what to fix, and the workflow
// records it in the timeline; rate limits retry exactly when Slack says; outages and timeouts retry
// under the activity's retry policy (the WebClient's own retries are off).
import { ApplicationFailure } from '@temporalio/common';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { ErrorTypes, permanentFailure, rateLimited, unavailable, type ErrorType } from '../../../activities/errors';

/** Slack error codes that will not heal by retrying, with what a person should do about them. */
const PERMANENT: Record<string, { type: ErrorType; hint: string }> = {
  channel_not_found: { type: ErrorTypes.channelNotFound, hint: 'check the channel ID in routing (Slack channel IDs look like C0123ABCD) and that the bot can see it' },
  not_in_channel: { type: ErrorTypes.channelNotFound, hint: 'invite the bot to the channel (/invite @<bot name>)' },
  is_archived: { type: ErrorTypes.channelNotFound, hint: 'the channel is archived: unarchive it or route to another channel' },
  thread_not_found: { type: ErrorTypes.channelNotFound, hint: 'the alert message this reply belongs to was deleted' },
  message_not_found: { type: ErrorTypes.channelNotFound, hint: 'the alert message was deleted' },
  cant_update_message: { type: ErrorTypes.invalidRequest, hint: 'the message was not posted by this bot' },
  invalid_auth: { type: ErrorTypes.invalidAuth, hint: 'the bot token is not valid: check platforms.slack.botToken' },
  not_authed: { type: ErrorTypes.invalidAuth, hint: 'no bot token was sent: check platforms.slack.botToken' },
  account_inactive: { type: ErrorTypes.invalidAuth, hint: 'the bot token belongs to a deleted user or uninstalled app: reinstall the Slack app' },
  token_revoked: { type: ErrorTypes.invalidAuth, hint: 'the bot token was revoked: reinstall the Slack app and update the secret' },
  token_expired: { type: ErrorTypes.invalidAuth, hint: 'the bot token expired: rotate it and update the secret' },
  missing_scope: { type: ErrorTypes.invalidAuth, hint: 'the Slack app lacks a scope (see the README for the scopes it needs)' },
  user_not_found: { type: ErrorTypes.personUnreachable, hint: 'check people[].chat.slack (Slack user IDs look like U0123ABCD)' },
  user_disabled: { type: ErrorTypes.personUnreachable, hint: 'the Slack user is deactivated: update people[].chat.slack' },
  cannot_dm_bot: { type: ErrorTypes.personUnreachable, hint: 'people[].chat.slack names a bot, not a person' },
  invalid_blocks: { type: ErrorTypes.invalidRequest, hint: 'Slack rejected the message layout (a bug in the Block Kit renderer)' },
  msg_too_long: { type: ErrorTypes.invalidRequest, hint: 'the message text is too long' },
  no_text: { type: ErrorTypes.invalidRequest, hint: 'the message has no text' },
  invalid_arguments: { type: ErrorTypes.invalidRequest, hint: 'Slack rejected the arguments' },
  invalid_metadata_format: { type: ErrorTypes.invalidRequest, hint: 'Slack rejected the message metadata' },
};

/** Retryable Slack error codes (Slack's side is having trouble). */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** Maps anything a WebClient call threw to an ApplicationFailure. `what` names the call, e.g. "chat.postMessage to C123". */
export function slackFailure(err: unknown, what: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err; // already typed (e.g. the worker's own rate budget)
  if (err instanceof WebAPIRateLimitedError) return rateLimited(`Slack rate limited ${what}; retrying after ${err.retryAfter}s`, err.retryAfter * 1000);
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    const known = PERMANENT[code];
    if (known) return permanentFailure(known.type, `Slack ${what}: ${code} (${known.hint})`, { slackError: code });
    if (TRANSIENT.has(code)) return unavailable(`Slack ${what}: ${code}`);
    return permanentFailure(ErrorTypes.invalidRequest, `Slack ${what}: ${code}`, { slackError: code });
  }
  if (err instanceof WebAPIHTTPError) {
    if (err.statusCode >= 500 || err.statusCode === 408) return unavailable(`Slack ${what}: HTTP ${err.statusCode}`);
    return permanentFailure(ErrorTypes.invalidRequest, `Slack ${what}: HTTP ${err.statusCode} (check platforms.slack.slackApiUrl)`);
  }
  if (err instanceof WebAPIRequestError) return unavailable(`Slack ${what}: ${err.original?.message ?? err.message} (network error or timeout)`);
  return unavailable(`Slack ${what}: ${(err as Error)?.message ?? String(err)}`);
}
