// Opt-in enforcement of Slack's published per-method rate limits for the fake Slack
// (api.slack.com/apis/rate-limits): token buckets per workspace and method, per channel for
// chat.postMessage; a call over the limit answers HTTP 429 with `Retry-After` in whole seconds and
// `{ ok: false, error: 'ratelimited' }`, as Slack does. Defined here on their own (not imported from
// the worker's config) so the fake models Slack, not our budgets.

export interface FakeLimit {
  perMinute: number;
  /** Calls Slack lets through at once after a quiet spell ("bursts allowed"). */
  burst: number;
  perChannel?: boolean;
}

/** chat.postMessage: 1/s per channel with short bursts; Tier 3: 50/min; Tier 4: 100/min. */
export const SLACK_PUBLISHED_LIMITS: Record<string, FakeLimit> = {
  'chat.postMessage': { perMinute: 60, burst: 3, perChannel: true },
  'chat.update': { perMinute: 50, burst: 5 },
  'conversations.history': { perMinute: 50, burst: 5 },
  'conversations.replies': { perMinute: 50, burst: 5 },
  'conversations.open': { perMinute: 50, burst: 5 },
  'users.lookupByEmail': { perMinute: 100, burst: 10 },
  'auth.test': { perMinute: 100, burst: 10 },
};

export class FakeRateLimits {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly limits: Record<string, FakeLimit> = SLACK_PUBLISHED_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** What is left of the call's bucket (for X-RateLimit-* headers), undefined when it has no limit. */
  peek(method: string, channel: string | undefined): { limit: number; remaining: number; resetAfter: number } | undefined {
    const limit = this.limits[method];
    if (!limit) return undefined;
    const b = this.buckets.get(limit.perChannel ? `${method} ${channel ?? ''}` : method);
    const tokens = b ? Math.min(limit.burst, b.tokens + ((this.now() - b.at) * limit.perMinute) / 60_000) : limit.burst;
    const remaining = Math.floor(tokens);
    // Seconds until the next call fits (none left) or the bucket is full again.
    const resetAfter = ((remaining < 1 ? 1 - tokens : limit.burst - tokens) * 60) / limit.perMinute;
    return { limit: limit.burst, remaining, resetAfter: Math.round(resetAfter * 1000) / 1000 };
  }

  /** Takes a token for this call, or says after how many seconds to retry. */
  take(method: string, channel: string | undefined): { retryAfter: number } | undefined {
    const limit = this.limits[method];
    if (!limit) return undefined;
    const key = limit.perChannel ? `${method} ${channel ?? ''}` : method;
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) * limit.perMinute) / 60_000);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return { retryAfter: Math.max(1, Math.ceil(((1 - b.tokens) * 60) / limit.perMinute)) };
  }
}
