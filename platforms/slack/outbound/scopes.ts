// The worker's start-up check of the bot token's scopes. Posts look for earlier copies only on
// retries now, so a missing history scope no longer shows on the first alert: auth.test answers with
// the token's scopes in the `x-oauth-scopes` header (Slack's documented way), and the worker says at
// start what is missing and what it costs, or refuses to start when Slack could not work at all.
import { WebAPIPlatformError } from '@slack/web-api';
import type { StartupCheck } from '../../../activities/chat/startup';
import type { SlackChatOptions } from './adapter';
import { slackWebClient } from '../shared/client';
import { slackFailure } from './errors';

interface ScopeNeeds {
  /** Someone on the roster can be paged by Slack DM (people[].chat.slack or lookupUsersByEmail). */
  dms: boolean;
  lookupUsersByEmail: boolean;
}

const RETRY_GAP = 'a retried post cannot check for the copy Slack may have accepted before a timeout, so it can appear twice (no duplicate protection on retries)';

/** What each scope is for; `essential` ones stop the worker. */
function scopeRequirements(needs: ScopeNeeds): { scope: string; essential: boolean; cost: string }[] {
  return [
    { scope: 'chat:write', essential: true, cost: 'the worker cannot post or update alerts' },
    { scope: 'channels:history', essential: false, cost: `in public channels ${RETRY_GAP}` },
    { scope: 'groups:history', essential: false, cost: `in private channels ${RETRY_GAP}` },
    ...(needs.dms
      ? [
          { scope: 'im:write', essential: true, cost: 'pages cannot reach people by Slack DM' },
          { scope: 'im:history', essential: false, cost: `for DM pages ${RETRY_GAP}` },
        ]
      : []),
    ...(needs.lookupUsersByEmail ? [{ scope: 'users:read.email', essential: true, cost: 'lookupUsersByEmail cannot find anyone, so people without people[].chat.slack are not paged' }] : []),
  ];
}

/** Compares the granted scopes with what the adapter needs. */
function judgeScopes(granted: string[], needs: ScopeNeeds): StartupCheck {
  const have = new Set(granted);
  const missing = scopeRequirements(needs).filter((r) => !have.has(r.scope));
  const line = (r: { scope: string; cost: string }) => `Slack app lacks the scope ${r.scope}: ${r.cost}. Add it under OAuth & Permissions and reinstall the app.`;
  const fatal = missing.filter((r) => r.essential).map(line);
  return { ...(fatal.length ? { fatal: fatal.join('\n') } : {}), notes: missing.filter((r) => !r.essential).map(line) };
}

/** One auth.test call: the token works and holds the scopes the adapter needs. */
export async function checkSlackScopes(opts: SlackChatOptions, needs: ScopeNeeds): Promise<StartupCheck> {
  const client = slackWebClient(opts.token, opts);
  let scopes: string[] | undefined;
  try {
    scopes = (await client.auth.test()).response_metadata?.scopes;
  } catch (err) {
    const failure = slackFailure(err, 'auth.test');
    // A token Slack refuses will fail every post: say so now. Slack being unreachable is not a reason to stay down.
    if (err instanceof WebAPIPlatformError && failure.nonRetryable) return { fatal: failure.message, notes: [] };
    return { notes: [`could not check the Slack app's scopes at start (${failure.message}); a missing scope will show as missing_scope when first used`] };
  }
  if (!scopes) return { notes: ['Slack did not report the bot token\'s scopes (no x-oauth-scopes header): check them against README "Slack"'] };
  return judgeScopes(scopes, needs);
}
