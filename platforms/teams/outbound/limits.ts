// Bot Connector calls within the bot's budgets (config platforms.teams.rateLimits): each send or
// update waits for its conversation's bucket and then the bot's, in the order of its activity's
// priority; a 429 holds the conversation back for its Retry-After, so the next calls wait in the
// worker instead of bouncing.
import { TEAMS_RATE_LIMITS } from '../config';
import { withReserve, type BudgetConfig } from '../../../activities/chat/config';
import { sharedLimiter, withinBudget } from '../../../activities/chat/budget';
import type { ConnectorLimits } from '../shared/connector';

export interface TeamsRateLimits {
  enabled: boolean;
  maxWait: number;
  perConversation: BudgetConfig;
  perBot: BudgetConfig;
}

const BOT = 'Teams bot';
const CONFIG_KEY = 'platforms.teams.rateLimits';

export function teamsLimits(bot: { appId: string }, cfg: TeamsRateLimits | undefined): ConnectorLimits | undefined {
  if (cfg && !cfg.enabled) return undefined;
  const limiter = sharedLimiter('teams', '', bot.appId, cfg?.maxWait ?? 60_000);
  const perConversation = withReserve(cfg?.perConversation ?? TEAMS_RATE_LIMITS.perConversation);
  const perBot = withReserve(cfg?.perBot ?? TEAMS_RATE_LIMITS.perBot);
  const common = { limiter, configKey: CONFIG_KEY, retryAfterMs: () => undefined }; // observe() reads the 429s
  const bucketOf = (conversation: string) => `Teams conversation ${conversation}`;
  return {
    around(method, conversation, run) {
      const posts = method === 'POST' && conversation !== undefined; // sendToConversation, replyToActivity
      const outer = () => withinBudget({ ...common, bucket: BOT, budget: perBot, posts }, run);
      return conversation === undefined ? outer() : withinBudget({ ...common, bucket: bucketOf(conversation), budget: perConversation, posts: false }, outer);
    },
    observe(conversation, status, retryAfterMs) {
      if (status !== 429) return;
      if (conversation === undefined) limiter.rateLimited(BOT, perBot, retryAfterMs);
      else limiter.rateLimited(bucketOf(conversation), perConversation, retryAfterMs);
    },
  };
}
