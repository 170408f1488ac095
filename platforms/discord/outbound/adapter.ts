// Discord adapter of the ChatPlatform interface, over the REST API (v10). Alerts are embeds with
// buttons in the routed channel. Thread replies (pages, diagnostics, the postmortem link) go into a
// public thread started from the alert message: its id *is* the alert's message id, so nothing more
// has to be remembered, a slash command typed in the thread knows its incident, and the channel
// stays one line per incident. The thread is opened lazily by the first reply.
// Every create is idempotent twice over: it carries a nonce derived from its key with
// enforce_nonce, so Discord itself returns the first message for a repeat within a few minutes; and
// a retried activity first looks for the bot's message carrying the key's mark (embed footer or last
// line), so a retry after a longer gap, or from another worker, finds it too.
import type { DiscordConfig } from '../config';
import { DISCORD_DEFAULT_API_URL, SNOWFLAKE } from '../config';
import { readSecret } from '../../../config/load';
import { ErrorTypes, permanentFailure } from '../../../activities/errors';
import { activityWarn } from '../../../activities/log';
import { earlierAttemptSince } from '../../../activities/chat/attempt';
import type { IncidentMessage } from '../../../activities/chat/message';
import type { ChatPlatform, PostRequest, PostedMessage } from '../../../activities/chat/platform';
import { discordContent, renderAlert, threadName } from '../shared/embed';
import { DiscordCodes, failureDetails } from '../shared/errors';
import { nonceFor, postMark, readMarks, snowflakeTime } from '../shared/ids';
import { DiscordRest, type DiscordChannel, type DiscordMessage } from '../shared/rest';
import { discordLimits, type DiscordRateLimits } from './limits';

export interface DiscordChatOptions {
  /** The bot token (never logged). */
  token: string;
  /** REST base URL with version, default https://discord.com/api/v10. */
  apiUrl?: string;
  /** Per-call timeout in ms (default 10 s); a timed-out call fails and the activity retries. */
  timeoutMs?: number;
  /** How many recent messages a retried post scans for its earlier post (default 200). */
  dedupeScan?: number;
  /** Where a failed lookup is reported (default: the activity log). */
  warn?: (message: string) => void;
  /** Per-route and global budgets (platforms.discord.rateLimits); default Discord's limits. */
  rateLimits?: DiscordRateLimits;
}

/** How far before the first attempt a retry looks, for clock skew between this worker and Discord. */
export const LOOKUP_SKEW_MS = 5 * 60_000;
const PAGE = 100;
/** Threads drop out of the channel list after a week without messages (posting reopens them). */
const THREAD_ARCHIVE_MINUTES = 10_080;

export function discordChatOptions(cfg: DiscordConfig, env: NodeJS.ProcessEnv = process.env): DiscordChatOptions {
  if (!cfg.botToken) throw new Error('platforms.discord.botToken is required when Discord is enabled');
  let token: string;
  try {
    token = readSecret(cfg.botToken, env);
  } catch (err) {
    throw new Error(`platforms.discord.botToken: ${(err as Error).message}`);
  }
  return { token, apiUrl: cfg.apiUrl, timeoutMs: cfg.requestTimeout, dedupeScan: cfg.dedupeScan, rateLimits: cfg.rateLimits };
}

type Body = Record<string, unknown>;

/** Only the listed users may be pinged; never @everyone, roles or anyone named in cluster text. */
const allowedMentions = (users: string[] = []) => (users.length ? { users } : { parse: [] });

function textBody(text: string, key: string, incidentId?: string, mentions?: string[]): Body {
  const users = (mentions ?? []).filter((u) => SNOWFLAKE.test(u));
  return { content: discordContent(text, { mentions: users, key, incidentId }), allowed_mentions: allowedMentions(users) };
}

export function createDiscordChat(opts: DiscordChatOptions): ChatPlatform {
  const apiUrl = opts.apiUrl ?? DISCORD_DEFAULT_API_URL;
  const rest = new DiscordRest({ apiUrl, token: opts.token, timeoutMs: opts.timeoutMs ?? 10_000, limits: discordLimits({ apiUrl, token: opts.token }, opts.rateLimits) });
  const scan = opts.dedupeScan ?? 200;

  // The bot's own user id, asked once (and again after a failure): lookups only trust its messages.
  let me: Promise<string> | undefined;
  async function botUserId(): Promise<string> {
    me ??= rest.call<{ id: string }>('GET', '/users/@me').then((u) => u.id);
    try {
      return await me;
    } catch (err) {
      me = undefined;
      throw err;
    }
  }

  function checkChannel(channel: string, what = 'channel'): void {
    if (!SNOWFLAKE.test(channel))
      throw permanentFailure(
        ErrorTypes.channelNotFound,
        `Discord ${what} "${channel}" is not a channel id: route with the channel's id (17-20 digits; Developer Mode, right-click the channel, "Copy Channel ID"), not its name`,
      );
  }

  /** The id of the bot's message carrying `key`'s mark, among the newest `scan` messages not older than `since`. */
  async function findByMark(channel: string, key: string, since: number): Promise<string | undefined> {
    const mark = postMark(key);
    const bot = await botUserId();
    let before: string | undefined;
    for (let seen = 0; seen < scan; ) {
      const limit = Math.min(PAGE, scan - seen);
      let page: DiscordMessage[];
      try {
        page = await rest.call<DiscordMessage[]>('GET', `/channels/${channel}/messages`, { query: { limit, before } });
      } catch (err) {
        if (failureDetails(err)?.code === DiscordCodes.unknownChannel) return undefined; // a thread not opened yet holds nothing
        throw err;
      }
      const hit = page.find((m) => m.author?.id === bot && readMarks(m).mark === mark);
      if (hit) return hit.id;
      seen += page.length;
      const oldest = page.at(-1); // newest first
      if (page.length < limit || !oldest || snowflakeTime(oldest.id) < since - LOOKUP_SKEW_MS) return undefined;
      before = oldest.id;
    }
    return undefined;
  }

  function create(channel: string, body: Body, key: string): Promise<DiscordMessage> {
    return rest.call<DiscordMessage>('POST', `/channels/${channel}/messages`, { body: { ...body, nonce: nonceFor(channel, key), enforce_nonce: true } });
  }

  /** Starts the public thread on the alert message (its id becomes the thread's); a thread already there is fine. */
  async function openThread(channel: string, alertId: string, name: string): Promise<void> {
    try {
      await rest.call('POST', `/channels/${channel}/messages/${alertId}/threads`, { body: { name, auto_archive_duration: THREAD_ARCHIVE_MINUTES } });
    } catch (err) {
      if (failureDetails(err)?.code !== DiscordCodes.threadExists) throw err; // another reply opened it first
    }
  }

  /** A lookup that fails (no Read Message History, Discord down) must not hold the post back: the nonce still guards a quick repeat. */
  async function earlier(channel: string, key: string, since: number | undefined): Promise<string | undefined> {
    if (since === undefined) return undefined;
    try {
      return await findByMark(channel, key, since);
    } catch (err) {
      (opts.warn ?? activityWarn)(`Discord post ${key}: could not check for an earlier copy, posting anyway: ${(err as Error).message}`);
      return undefined;
    }
  }

  async function reply(req: PostRequest & { threadId: string }): Promise<PostedMessage> {
    checkChannel(req.threadId, 'alert message');
    const found = await earlier(req.threadId, req.key, req.retrySince);
    if (found) return { id: found };
    const body = textBody(req.text, req.key, req.incidentId, req.mentions);
    try {
      return { id: (await create(req.threadId, body, req.key)).id };
    } catch (err) {
      if (failureDetails(err)?.code !== DiscordCodes.unknownChannel) throw err;
    }
    // No thread yet: open it on the alert, then post. The name comes from the alert's title, kept in meta.
    await openThread(req.channel, req.threadId, req.meta?.thread ?? threadName(`Incident ${req.incidentId ?? req.threadId}`));
    return { id: (await create(req.threadId, body, req.key)).id };
  }

  return {
    name: 'discord',

    async post(req: PostRequest): Promise<PostedMessage> {
      checkChannel(req.channel);
      if (req.threadId) return reply({ ...req, threadId: req.threadId });
      // The key travels in MessageRef.meta so updates keep the mark; the title names the thread later.
      const meta = { key: req.key, ...(req.card ? { thread: threadName(req.card.title) } : {}) };
      const found = await earlier(req.channel, req.key, req.retrySince);
      if (found) return { id: found, meta };
      const body: Body = req.card ? { ...renderAlert(req.card, req.key), allowed_mentions: allowedMentions() } : textBody(req.text, req.key, req.incidentId, req.mentions);
      return { id: (await create(req.channel, body, req.key)).id, meta };
    },

    async update(channel: string, id: string, text: string, card?: IncidentMessage, meta?: Record<string, string>): Promise<void> {
      checkChannel(channel);
      const body = card
        ? { ...renderAlert(card, meta?.key), allowed_mentions: allowedMentions() }
        : { content: discordContent(text), embeds: [], components: [], allowed_mentions: allowedMentions() };
      await rest.call('PATCH', `/channels/${channel}/messages/${id}`, { body });
    },

    async directMessage(user: string, text: string, key: string, incidentId?: string): Promise<{ id: string }> {
      if (!SNOWFLAKE.test(user))
        throw permanentFailure(
          ErrorTypes.personUnreachable,
          `"${user}" is not a Discord user id: set people[].chat.discord to the user's id (17-20 digits; Developer Mode, right-click the user, "Copy User ID")`,
        );
      // Discord answers with the existing DM channel when there is one, so this is safe to repeat.
      const dm = await rest.call<DiscordChannel>('POST', '/users/@me/channels', { body: { recipient_id: user } });
      const found = await earlier(dm.id, key, earlierAttemptSince());
      if (found) return { id: found };
      return { id: (await create(dm.id, textBody(text, key, incidentId), key)).id };
    },
  };
}
