// Discord REST calls within the bot's budgets (config platforms.discord.rateLimits): each call
// waits for its route's bucket (per channel, Discord's major parameter) and then the global one,
// in the order of its activity's priority; every answer's X-RateLimit-Remaining 0 holds the
// route back until X-RateLimit-Reset-After, and a 429 blocks the route (or, when global, every
// route) for its retry_after, so the next calls wait in the worker instead of bouncing.
import { DISCORD_GLOBAL_LIMIT, DISCORD_ROUTE_LIMITS } from '../config';
import { withReserve, type BudgetConfig } from '../../../activities/chat/config';
import { sharedLimiter, withinBudget } from '../../../activities/chat/budget';
import { retryAfterMs, type DiscordErrorBody } from '../shared/errors';
import type { RestLimits } from '../shared/rest';

export interface DiscordRateLimits {
  enabled: boolean;
  maxWait: number;
  global: BudgetConfig;
  /** Overrides of DISCORD_ROUTE_LIMITS, route by route. */
  routes: Record<string, BudgetConfig>;
}

const CONFIG_KEY = 'platforms.discord.rateLimits';
const GLOBAL = 'Discord global';

/** The route as config names it ("POST /channels/:id/messages") and its bucket (per major parameter). */
export function discordRoute(method: string, path: string): { route: string; bucket: string } {
  const route = `${method} ${path.replace(/\d{17,20}/g, ':id')}`;
  const major = /^\/(channels|guilds|webhooks)\/\d+/.exec(path)?.[0];
  return { route, bucket: `Discord ${route}${major ? ` of ${major}` : ''}` };
}

export function discordLimits(workspace: { apiUrl: string; token: string }, cfg: DiscordRateLimits | undefined): RestLimits | undefined {
  if (cfg && !cfg.enabled) return undefined;
  const limiter = sharedLimiter('discord', workspace.apiUrl, workspace.token, cfg?.maxWait ?? 60_000);
  const global = withReserve(cfg?.global ?? DISCORD_GLOBAL_LIMIT);
  const routes = Object.fromEntries(Object.entries({ ...DISCORD_ROUTE_LIMITS, ...cfg?.routes }).map(([r, b]) => [r, withReserve(b)]));
  // A route without a budget of its own still gets a bucket, so its headers can hold it back.
  const budgetOf = (route: string) => routes[route] ?? global;
  const common = { limiter, configKey: CONFIG_KEY, retryAfterMs: () => undefined }; // observe() reads the 429s
  return {
    around(method, path, run) {
      const { route, bucket } = discordRoute(method, path);
      const posts = method === 'POST' && /\/messages$/.test(path);
      return withinBudget({ ...common, bucket, budget: budgetOf(route), posts: false }, () => withinBudget({ ...common, bucket: GLOBAL, budget: global, posts }, run));
    },
    observe(method, path, status, headers, body: DiscordErrorBody) {
      const { route, bucket } = discordRoute(method, path);
      if (status === 429) {
        const global429 = body.global === true || headers.get('x-ratelimit-global') === 'true';
        if (global429) limiter.rateLimited(GLOBAL, global, retryAfterMs(body, headers));
        else limiter.rateLimited(bucket, budgetOf(route), retryAfterMs(body, headers));
        return;
      }
      const resetAfter = Number(headers.get('x-ratelimit-reset-after'));
      if (headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(resetAfter) && resetAfter > 0) limiter.rateLimited(bucket, budgetOf(route), Math.ceil(resetAfter * 1000));
    },
  };
}
