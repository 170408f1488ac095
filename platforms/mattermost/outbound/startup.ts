// The worker's start-up check for Mattermost. Posts look for earlier copies only on retries now,
// so a bot that cannot read a routed channel no longer shows on the first alert. Two cheap reads
// say it at start instead: the bot's own user (the token works) and, per routed channel, the posts
// since now (the very read a retry makes; it returns nothing, so it costs one small call each).
import type { StartupCheck } from '../../../activities/chat/startup';
import type { MattermostChatOptions } from './adapter';
import { MattermostClient } from '../shared/client';
import { mattermostFailure } from '../shared/errors';

export async function checkMattermostAccess(opts: Pick<MattermostChatOptions, 'url' | 'token' | 'timeoutMs'>, channels: string[]): Promise<StartupCheck> {
  const client = new MattermostClient({ url: opts.url, token: opts.token, timeoutMs: opts.timeoutMs ?? 10_000 });
  try {
    await client.me();
  } catch (err) {
    const failure = mattermostFailure(err, 'GET /users/me (the bot)');
    // A token Mattermost refuses fails every post: say so now. An unreachable server is no reason to stay down.
    if (failure.nonRetryable) return { fatal: failure.message, notes: [] };
    return { notes: [`could not check Mattermost at start (${failure.message}); a channel the bot cannot read will show when first used`] };
  }
  const notes: string[] = [];
  const now = Date.now();
  for (const channel of [...new Set(channels)]) {
    try {
      await client.channelPosts(channel, { since: now });
    } catch (err) {
      const failure = mattermostFailure(err, `GET posts of channel ${channel}`, 'channel');
      notes.push(
        failure.nonRetryable
          ? `the bot cannot read Mattermost channel ${channel} (${failure.message}): alerts routed there fail, and a retried post cannot check for its earlier copy`
          : `could not check Mattermost channel ${channel} at start (${failure.message})`,
      );
    }
  }
  return { notes };
}
