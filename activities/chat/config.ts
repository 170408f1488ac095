// Config shapes shared by every chat platform's `rateLimits` section (platforms/<p>/config.ts):
// one budget (activities/chat/ratelimit.ts), the on switch and the longest wait in the worker.
// A config file (only zod and primitives): the config tree loads it in every process.
import { z } from 'zod';
import { durationWithin } from '../../config/primitives';

export const budgetSchema = z
  .object({
    perMinute: z.number().positive().max(100_000).describe('Sustained calls per minute the worker allows itself.'),
    burst: z.number().int().min(1).max(1_000).describe('Calls allowed at once after a quiet spell; the worker keeps one of them in reserve for network jitter.'),
  })
  .strict();
export type BudgetConfig = z.output<typeof budgetSchema>;

/** `enabled` and `maxWait` of a platform's rateLimits, as Slack has them. */
export function budgetSwitches(platform: string) {
  return {
    enabled: z.boolean().default(true).describe(`Queue ${platform} API calls in the worker within the budgets below (off: every call goes straight out).`),
    maxWait: durationWithin(1_000, 10 * 60_000)
      .default(60_000)
      .describe('Longest a call waits for budget in the worker; past it the activity fails retryably and Temporal retries it when the budget expects room.'),
  };
}

/** The worker keeps one call of each burst in reserve: requests arrive a little earlier or later than they left. */
export const withReserve = (b: BudgetConfig): BudgetConfig => ({ ...b, burst: Math.max(1, b.burst - 1) });
