// Typed failures for activities. Permanent problems (bad channel, invalid auth) fail at once and
// show in the timeline; rate limits tell Temporal exactly when to retry.
import { ApplicationFailure } from '@temporalio/common';

export const ErrorTypes = {
  channelNotFound: 'ChannelNotFound',
  invalidAuth: 'InvalidAuth',
  invalidRequest: 'InvalidRequest',
  personUnreachable: 'PersonUnreachable',
  rateLimited: 'RateLimited',
  unavailable: 'Unavailable',
} as const;
export type ErrorType = (typeof ErrorTypes)[keyof typeof ErrorTypes];

export function permanentFailure(type: ErrorType, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: details === undefined ? undefined : [details] });
}

/** A retryable failure with the delay the service asked for (e.g. HTTP Retry-After). */
export function rateLimited(message: string, retryAfterMs: number): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.rateLimited, message, nonRetryable: false, nextRetryDelay: Math.max(1000, retryAfterMs) });
}

export function unavailable(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.unavailable, message, nonRetryable: false });
}
