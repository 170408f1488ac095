// Mattermost adapter of the ChatPlatform interface, over the REST API v4. Every post carries its key
// in the post props. A retry (and only a retry: the first attempt has nothing to find) first looks
// for a bot post with that key (the thread for replies; for alerts and DMs the channel's posts
// changed since the first attempt), so an activity that timed out after Mattermost accepted the post
// finds that post instead of posting a second one. A lookup that fails posts anyway.
import type { Config } from '../../../config/schema';
import { MATTERMOST_ID, type MattermostConfig } from '../config';
import { readSecret } from '../../../config/load';
import { ErrorTypes, permanentFailure } from '../../../activities/errors';
import { earlierAttemptSince, earlierCopy } from '../../../activities/chat/attempt';
import type { IncidentMessage } from '../../../activities/chat/message';
import type { ChatPlatform, PostRequest, PostedMessage } from '../../../activities/chat/platform';
import { PROP_INCIDENT, PROP_KEY } from '../shared/actions';
import { MattermostClient, postsOf, type MattermostPost } from '../shared/client';
import { mattermostFailure, MattermostHttpError, type Subject } from '../shared/errors';
import { mattermostText, renderPost, type RenderContext } from '../shared/render';
import { mattermostLimits, type MattermostRateLimits } from './limits';

export interface MattermostChatOptions {
  /** Server base URL, e.g. https://chat.example.com */
  url: string;
  /** The bot account's access token. */
  token: string;
  /** Signs the buttons' callback context (the api verifies it). */
  actionSecret: string;
  /** Where Mattermost sends button clicks (the api's address); read per post, so a config reload applies. */
  actionsUrl: () => string | undefined;
  /** Per-call timeout in ms (default 10 s); a timed-out call fails and the activity retries. */
  timeoutMs?: number;
  /** Find roster people without people[].chat.mattermost by their email. */
  lookupUsersByEmail?: boolean;
  /** Where a retry's failed lookup is reported (default: the activity log). */
  warn?: (message: string) => void;
  /** The token's budget (platforms.mattermost.rateLimits); default Mattermost's rate-limit defaults. */
  rateLimits?: MattermostRateLimits;
}

/** Margin for clock differences between Temporal and Mattermost when looking back to the first attempt. */
const SINCE_MARGIN_MS = 5 * 60_000;
const USERNAME_CACHE_MS = 10 * 60_000;

function secret(cfg: MattermostConfig, key: 'botToken' | 'actionSecret', env: NodeJS.ProcessEnv): string {
  const ref = cfg[key];
  if (!ref) throw new Error(`platforms.mattermost.${key} is required when Mattermost is enabled`);
  try {
    return readSecret(ref, env);
  } catch (err) {
    throw new Error(`platforms.mattermost.${key}: ${(err as Error).message}`);
  }
}

export function mattermostChatOptions(cfg: MattermostConfig, config: () => Config, env: NodeJS.ProcessEnv = process.env): MattermostChatOptions {
  if (!cfg.url) throw new Error('platforms.mattermost.url is required when Mattermost is enabled');
  return {
    url: cfg.url,
    token: secret(cfg, 'botToken', env),
    actionSecret: secret(cfg, 'actionSecret', env),
    actionsUrl: () => config().platforms.mattermost?.actionsUrl ?? config().api.publicUrl,
    timeoutMs: cfg.requestTimeout,
    lookupUsersByEmail: cfg.lookupUsersByEmail,
    rateLimits: cfg.rateLimits,
  };
}

export function createMattermostChat(opts: MattermostChatOptions): ChatPlatform {
  const client = new MattermostClient({ url: opts.url, token: opts.token, timeoutMs: opts.timeoutMs ?? 10_000, limits: mattermostLimits(opts, opts.rateLimits) });
  const usernames = new Map<string, { name: string; at: number }>();

  async function call<T>(what: string, subject: Subject, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw mattermostFailure(err, what, subject);
    }
  }

  const botId = async () => (await call('GET /users/me (the bot)', 'other', () => client.me())).id;

  function checkChannel(channel: string): void {
    if (!MATTERMOST_ID.test(channel))
      throw permanentFailure(ErrorTypes.channelNotFound, `Mattermost channel "${channel}" is not a channel ID: use the 26-character ID (channel menu > View Info) in routing, not its name`);
  }

  function renderContext(): RenderContext {
    const actionsUrl = opts.actionsUrl();
    if (!actionsUrl) throw permanentFailure(ErrorTypes.invalidRequest, 'Mattermost buttons need the api\'s address: set platforms.mattermost.actionsUrl (or api.publicUrl)');
    return { actionsUrl, actionSecret: opts.actionSecret };
  }

  /** `@<user id>` -> `@<username>`: Mattermost mentions people by username. */
  async function username(id: string): Promise<string> {
    const cached = usernames.get(id);
    if (cached && Date.now() - cached.at < USERNAME_CACHE_MS) return cached.name;
    const user = await call(`GET /users/${id}`, 'user', () => client.user(id));
    usernames.set(id, { name: user.username, at: Date.now() });
    return user.username;
  }

  /** An earlier bot post with `key`: in the thread, else among the channel's posts changed since the first attempt. */
  async function findByKey(channel: string, key: string, since: number, rootId?: string): Promise<string | undefined> {
    const bot = await botId();
    const mine = (p: MattermostPost) => p.user_id === bot && p.props?.[PROP_KEY] === key;
    if (rootId) return postsOf(await call(`GET thread of ${rootId}`, 'post', () => client.thread(rootId))).find(mine)?.id;
    const after = since - SINCE_MARGIN_MS;
    return postsOf(await call(`GET posts of channel ${channel}`, 'channel', () => client.channelPosts(channel, { since: after }))).find(mine)?.id;
  }

  const incidentProps = (incidentId: string | undefined, key: string) => ({ [PROP_INCIDENT]: incidentId ?? '', [PROP_KEY]: key });

  async function postOnce(channel: string, p: { message: string; key: string; props?: Record<string, unknown>; rootId?: string; incidentId?: string; retrySince?: number }): Promise<PostedMessage> {
    // The key travels in MessageRef.meta, so updates can restate it (a patch replaces all props).
    const meta = { key: p.key };
    const existing = await earlierCopy('Mattermost', p.key, p.retrySince, (since) => findByKey(channel, p.key, since, p.rootId), opts.warn);
    if (existing) return { id: existing, meta };
    const created = await call(`POST /posts to channel ${channel}`, p.rootId ? 'post' : 'channel', () =>
      client.createPost({ channel_id: channel, message: p.message, ...(p.rootId ? { root_id: p.rootId } : {}), props: { ...p.props, ...incidentProps(p.incidentId, p.key) } }),
    );
    return { id: created.id, meta };
  }

  return {
    name: 'mattermost',

    async post(req: PostRequest): Promise<PostedMessage> {
      checkChannel(req.channel);
      const mentions: Record<string, string> = {};
      for (const user of req.mentions ?? []) if (MATTERMOST_ID.test(user)) mentions[user] = await username(user);
      const rendered = req.card ? renderPost(req.card, renderContext()) : undefined;
      return postOnce(req.channel, {
        message: rendered?.message ?? mattermostText(req.text, mentions),
        props: rendered?.props,
        key: req.key,
        rootId: req.threadId,
        incidentId: req.incidentId,
        retrySince: req.retrySince,
      });
    },

    async update(channel: string, id: string, text: string, card?: IncidentMessage, meta?: Record<string, string>): Promise<void> {
      checkChannel(channel);
      // A patch replaces all props: restate the incident and, when known, the key.
      const rendered = card ? renderPost(card, renderContext()) : undefined;
      const patch = rendered
        ? { message: rendered.message, props: { ...rendered.props, ...(meta?.key ? incidentProps(card!.incidentId, meta.key) : { [PROP_INCIDENT]: card!.incidentId }) } }
        : { message: mattermostText(text) };
      await call(`PUT /posts/${id}/patch in channel ${channel}`, 'post', () => client.patchPost(id, patch));
    },

    ...(opts.lookupUsersByEmail
      ? {
          async userForEmail(email: string): Promise<string | undefined> {
            const user = await call(`GET /users/email/${email}`, 'user', () => client.userByEmail(email));
            return user && !user.delete_at ? user.id : undefined;
          },
        }
      : {}),

    async directMessage(user: string, text: string, key: string, incidentId?: string): Promise<{ id: string }> {
      if (!MATTERMOST_ID.test(user))
        throw permanentFailure(ErrorTypes.personUnreachable, `"${user}" is not a Mattermost user ID: set people[].chat.mattermost to the 26-character user ID, not the username`);
      const bot = await botId();
      const dm = await call(`POST /channels/direct with ${user}`, 'user', async () => {
        try {
          return await client.directChannel(bot, user);
        } catch (err) {
          // Mattermost answers 400 for a user id that names nobody.
          if (err instanceof MattermostHttpError && err.status === 400) throw new MattermostHttpError(404, err.body, 0, err.message);
          throw err;
        }
      });
      return postOnce(dm.id, { message: mattermostText(text), key, incidentId, retrySince: earlierAttemptSince() });
    },
  };
}
