// The Web API client as both sides build it (the worker posts, the api answers and opens modals).
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { SLACK_DEFAULT_API_URL } from '../config';

/** A logger that keeps the WebClient quiet: failures reach the activity as typed errors instead. */
export function quietLogger(): Logger {
  let level = LogLevel.ERROR;
  const noop = () => undefined;
  return {
    debug: noop,
    info: noop,
    warn: noop,
    error: (...msg: unknown[]) => console.error('[slack]', ...msg),
    setLevel: (l: LogLevel) => (level = l),
    getLevel: () => level,
    setName: noop,
  };
}

/** The WebClient as both sides use it: no retries of its own (the activity retry policy is the one loop), 429s surface. */
export function slackWebClient(token: string | undefined, opts: { slackApiUrl?: string; timeoutMs?: number; logger?: Logger }): WebClient {
  return new WebClient(token, {
    slackApiUrl: opts.slackApiUrl ?? SLACK_DEFAULT_API_URL,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs ?? 10_000,
    logger: opts.logger ?? quietLogger(),
  });
}
