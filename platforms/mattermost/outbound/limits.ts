// Mattermost REST calls within the bot token's budget (config platforms.mattermost.rateLimits):
// the server limits per token (or per address) across all calls, so there is one bucket; calls
// wait in it in the order of their activity's priority. An answer with X-Ratelimit-Remaining 0
// holds the bucket until X-Ratelimit-Reset, and a 429 until its reset or Retry-After.
import { MATTERMOST_RATE_LIMIT } from '../config';
import { withReserve, type BudgetConfig } from '../../../activities/chat/config';
import { sharedLimiter, withinBudget } from '../../../activities/chat/budget';
import { resetDelayMs } from '../shared/errors';
import type { ClientLimits } from '../shared/client';

export interface MattermostRateLimits {
  enabled: boolean;
  maxWait: number;
  perToken: BudgetConfig;
}

const BUCKET = 'Mattermost token';

export function mattermostLimits(server: { url: string; token: string }, cfg: MattermostRateLimits | undefined): ClientLimits | undefined {
  if (cfg && !cfg.enabled) return undefined;
  const limiter = sharedLimiter('mattermost', server.url, server.token, cfg?.maxWait ?? 60_000);
  const budget = withReserve(cfg?.perToken ?? MATTERMOST_RATE_LIMIT);
  return {
    around: (method, path, run) =>
      withinBudget({ limiter, bucket: BUCKET, budget, posts: method === 'POST' && path === '/posts', configKey: 'platforms.mattermost.rateLimits', retryAfterMs: () => undefined }, run),
    observe(status, headers) {
      if (status === 429) return limiter.rateLimited(BUCKET, budget, resetDelayMs(headers));
      if (headers.get('x-ratelimit-remaining') === '0' && headers.get('x-ratelimit-reset') !== null) limiter.rateLimited(BUCKET, budget, resetDelayMs(headers));
    },
  };
}
