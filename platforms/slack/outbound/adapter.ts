// Slack adapter of the ChatPlatform interface, over the Web API client. Every post carries message
// metadata with its key. A retry (and only a retry: the first attempt has nothing to find, and
// Slack allows conversations.history/replies only tens of calls a minute) first looks for that key
// among the messages since the first attempt (channel history for alerts and DMs, the thread for
// replies), so an activity that timed out after Slack accepted the post finds that message instead
// of posting a second one. A lookup that fails posts anyway: at least once beats at most once.
import type { Logger } from '@slack/web-api';
import { SLACK_DEFAULT_API_URL, type SlackConfig } from '../config';
import { readSecret } from '../../../config/load';
import { ErrorTypes, permanentFailure } from '../../../activities/errors';
import { earlierAttemptSince, earlierCopy } from '../../../activities/chat/attempt';
import type { IncidentMessage } from '../../../activities/chat/message';
import type { ChatPlatform, PostRequest, PostedMessage } from '../../../activities/chat/platform';
import { METADATA_EVENT_TYPE, type IncidentMetadataPayload } from '../shared/actions';
import { renderBlocks, slackText } from '../shared/blocks';
import { slackFailure } from './errors';
import { slackWebClient } from '../shared/client';
import { slackLimits, type SlackRateLimits } from './limits';

export interface SlackChatOptions {
  /** Bot token (xoxb-...). */
  token: string;
  /** Web API base URL, default https://slack.com/api/. */
  slackApiUrl?: string;
  /** Per-call timeout in ms (default 10 s); a timed-out call fails and the activity retries. */
  timeoutMs?: number;
  /** At most how many messages since the first attempt a retry scans for its earlier post (default 200). */
  dedupeScan?: number;
  /** Find roster people without people[].chat.slack by their email (users.lookupByEmail). */
  lookupUsersByEmail?: boolean;
  /** Per-method budgets (platforms.slack.rateLimits); default Slack's published tiers. */
  rateLimits?: SlackRateLimits;
  logger?: Logger;
  /** Where a retry's failed lookup is reported (default: the activity log). */
  warn?: (message: string) => void;
}

/** Margin for clock differences between Temporal and Slack when looking back to the first attempt. */
export const LOOKUP_SKEW_MS = 5 * 60_000;

/** Channel, group and DM ids; names like "#incidents" cannot be read back with conversations.history. */
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const PAGE = 200;

interface SlackMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Partial<IncidentMetadataPayload> };
}

export function slackChatOptions(cfg: SlackConfig, env: NodeJS.ProcessEnv = process.env): SlackChatOptions {
  if (!cfg.botToken) throw new Error('platforms.slack.botToken is required when Slack is enabled');
  let token: string;
  try {
    token = readSecret(cfg.botToken, env);
  } catch (err) {
    throw new Error(`platforms.slack.botToken: ${(err as Error).message}`);
  }
  return { token, slackApiUrl: cfg.slackApiUrl, timeoutMs: cfg.requestTimeout, dedupeScan: cfg.dedupeScan, lookupUsersByEmail: cfg.lookupUsersByEmail, rateLimits: cfg.rateLimits };
}

export function createSlackChat(opts: SlackChatOptions): ChatPlatform {
  const client = slackWebClient(opts.token, opts);
  const scan = opts.dedupeScan ?? 200;
  const limited = slackLimits({ token: opts.token, apiUrl: opts.slackApiUrl ?? SLACK_DEFAULT_API_URL }, opts.rateLimits);
  // DM channel ids never change: open each once, not once per page (conversations.open is Tier 3).
  const dmChannels = new Map<string, string>();

  /** One Web API call within its budget; `method` and `channel` pick the bucket, `what` names it in errors. */
  async function call<T>(method: string, channel: string | undefined, what: string, run: () => Promise<T>, inThread = false): Promise<T> {
    try {
      return await limited(method, channel, run, inThread);
    } catch (err) {
      throw slackFailure(err, what);
    }
  }

  function checkChannel(channel: string): void {
    if (!CHANNEL_ID.test(channel))
      throw permanentFailure(ErrorTypes.channelNotFound, `Slack channel "${channel}" is not a channel ID: use the ID (e.g. C0123ABCD, shown in the channel's details) in routing, not its name`);
  }

  /** The ts of an earlier message with `key` in the channel (or thread), among at most `scan` messages since `since`. */
  async function findByKey(channel: string, key: string, since: number, threadTs?: string): Promise<string | undefined> {
    const oldest = (Math.max(0, since - LOOKUP_SKEW_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    let seen = 0;
    do {
      const limit = Math.min(PAGE, scan - seen);
      const page = threadTs
        ? await call('conversations.replies', channel, `conversations.replies in ${channel}`, () => client.conversations.replies({ channel, ts: threadTs, oldest, limit, cursor, include_all_metadata: true }))
        : await call('conversations.history', channel, `conversations.history of ${channel}`, () => client.conversations.history({ channel, oldest, limit, cursor, include_all_metadata: true }));
      const messages = (page.messages ?? []) as SlackMessage[];
      const hit = messages.find((m) => m.metadata?.event_type === METADATA_EVENT_TYPE && m.metadata.event_payload?.key === key);
      if (hit?.ts) return hit.ts;
      seen += messages.length;
      cursor = page.has_more ? page.response_metadata?.next_cursor || undefined : undefined;
    } while (cursor && seen < scan);
    return undefined;
  }

  const metadata = (incidentId: string | undefined, key: string) => ({
    event_type: METADATA_EVENT_TYPE,
    event_payload: { incident_id: incidentId ?? '', key } satisfies IncidentMetadataPayload,
  });

  async function postOnce(channel: string, req: { text: string; key: string; threadTs?: string; card?: IncidentMessage; incidentId?: string; mentions?: string[]; retrySince?: number }): Promise<PostedMessage> {
    // The key travels in MessageRef.meta, so updates can restate the metadata (see update).
    const meta = { key: req.key };
    const existing = await earlierCopy('Slack', req.key, req.retrySince, (since) => findByKey(channel, req.key, since, req.threadTs), opts.warn);
    if (existing) return { id: existing, meta };
    const res = await call('chat.postMessage', channel, `chat.postMessage to ${channel}`, () =>
      client.chat.postMessage({
        channel,
        text: slackText(req.text, req.mentions),
        ...(req.card ? { blocks: renderBlocks(req.card) } : {}),
        ...(req.threadTs ? { thread_ts: req.threadTs } : {}),
        metadata: metadata(req.incidentId, req.key),
        unfurl_links: false,
        unfurl_media: false,
      }),
      !!req.threadTs,
    );
    if (!res.ts) throw permanentFailure(ErrorTypes.invalidRequest, `Slack chat.postMessage to ${channel} answered without a message ts`);
    return { id: res.ts, meta };
  }

  return {
    name: 'slack',
    async post(req: PostRequest) {
      checkChannel(req.channel);
      return postOnce(req.channel, { text: req.text, key: req.key, threadTs: req.threadId, card: req.card, incidentId: req.incidentId, mentions: req.mentions, retrySince: req.retrySince });
    },
    async update(channel: string, id: string, text: string, card?: IncidentMessage, meta?: Record<string, string>) {
      checkChannel(channel);
      // Metadata is restated when the key is known, so the incident stays findable from the message
      // whatever chat.update does with metadata it is not sent; without the key it is left alone.
      const md = meta?.key && card ? { metadata: metadata(card.incidentId, meta.key) } : {};
      await call('chat.update', channel, `chat.update of ${id} in ${channel}`, () => client.chat.update({ channel, ts: id, text: slackText(text), blocks: card ? renderBlocks(card) : [], ...md }));
    },
    ...(opts.lookupUsersByEmail
      ? {
          async userForEmail(email: string): Promise<string | undefined> {
            try {
              const res = await limited('users.lookupByEmail', undefined, () => client.users.lookupByEmail({ email }));
              return res.user?.id && !res.user.deleted ? res.user.id : undefined;
            } catch (err) {
              if ((err as { data?: { error?: string } }).data?.error === 'users_not_found') return undefined;
              throw slackFailure(err, `users.lookupByEmail for ${email}`);
            }
          },
        }
      : {}),
    async directMessage(user: string, text: string, key: string, incidentId?: string) {
      if (!/^[UW][A-Z0-9]+$/.test(user))
        throw permanentFailure(ErrorTypes.personUnreachable, `"${user}" is not a Slack user ID: set people[].chat.slack to the member ID (e.g. U0123ABCD, under "Copy member ID" in Slack)`);
      let channel = dmChannels.get(user);
      if (!channel) {
        const opened = await call('conversations.open', undefined, `conversations.open with ${user}`, () => client.conversations.open({ users: user, return_im: false }));
        channel = opened.channel?.id;
        if (!channel) throw permanentFailure(ErrorTypes.personUnreachable, `Slack conversations.open with ${user} returned no channel`);
        if (dmChannels.size >= 10_000) dmChannels.clear(); // bounded; reopening is only a call
        dmChannels.set(user, channel);
      }
      return postOnce(channel, { text, key, incidentId, retrySince: earlierAttemptSince() });
    },
  };
}
