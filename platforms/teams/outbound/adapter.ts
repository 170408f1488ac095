// The Microsoft Teams chat platform: alerts are Adaptive Cards posted proactively into the channels
// of `platforms.teams.channels`; each post returns a conversation reference (service URL,
// conversation id, tenant) that the workflow keeps in MessageRef.meta, so updates and thread replies
// reach the message from Temporal's state, whatever this process remembers or the config says now.
import type { Config, Person } from '../../../config/schema';
import type { TeamsChannelConfig, TeamsConfig } from '../config';
import { ErrorTypes, permanentFailure } from '../../../activities/errors';
import { activityWarn } from '../../../activities/log';
import type { IncidentMessage } from '../../../activities/chat/message';
import type { ChatPlatform, PostRequest, PostedMessage } from '../../../activities/chat/platform';
import { cardAttachment, cardContextFor, renderAdaptiveCard, textCard, withElementId } from '../shared/card';
import { GraphLookup, postMarker } from './graph';
import { teamsLimits } from './limits';
import { BotConnector, TokenClient, type ConnectorActivity } from '../shared/connector';
import { teamsLoginUrl, teamsTokenClient } from '../shared/auth';
import { PostLedger } from './ledger';

export interface TeamsChatOptions {
  /** The current config; channels and the roster are read per call, so a reload applies. */
  config: () => Config;
  /** The app password (read from its secret by the caller, so a missing secret stops the start). */
  password?: string;
  /** Overrides the connector built from the config (tests). */
  connector?: BotConnector;
  /** Where a failed Graph lookup is reported (default: the activity log). */
  warn?: (message: string) => void;
}

/** Where a message lives: the parts of a Bot Framework conversation reference we need. */
export interface TeamsTarget {
  serviceUrl: string;
  conversationId: string;
  tenantId?: string;
}

function teamsOf(config: Config): TeamsConfig {
  const t = config.platforms.teams;
  if (!t?.enabled) throw permanentFailure(ErrorTypes.channelNotFound, 'Teams is not enabled: set platforms.teams.enabled in the config');
  return t;
}

function channelTarget(t: TeamsConfig, name: string): TeamsTarget {
  const c: TeamsChannelConfig | undefined = t.channels[name];
  if (!c)
    throw permanentFailure(
      ErrorTypes.channelNotFound,
      `Teams channel "${name}" is not configured: add it under platforms.teams.channels with its conversationId and serviceUrl`,
    );
  return { serviceUrl: c.serviceUrl, conversationId: c.conversationId, tenantId: c.tenantId ?? t.tenantId };
}

/** The reference kept in MessageRef.meta, or the channel's config when there is none. */
function targetOf(t: TeamsConfig, channel: string, meta?: Record<string, string>): TeamsTarget {
  if (meta?.serviceUrl && meta.conversationId) return { serviceUrl: meta.serviceUrl, conversationId: meta.conversationId, tenantId: meta.tenantId };
  return channelTarget(t, channel);
}

function metaOf(target: TeamsTarget, teamId?: string): Record<string, string> {
  return {
    serviceUrl: target.serviceUrl,
    conversationId: target.conversationId,
    ...(target.tenantId ? { tenantId: target.tenantId } : {}),
    // Kept so a retried thread reply can look for itself through Graph even after a config change.
    ...(teamId ? { teamId } : {}),
  };
}

/** Teams renders text as Markdown, where a single newline is no line break. */
function markdown(text: string): string {
  return text.replace(/\r?\n/g, '\n\n');
}

function cardActivity(card: IncidentMessage, text: string, people: Person[], key?: string): ConnectorActivity {
  const rendered = renderAdaptiveCard(card, cardContextFor(people));
  return {
    type: 'message',
    // The notification preview; the card carries the content.
    summary: text.split('\n', 1)[0],
    attachments: [cardAttachment(key ? withElementId(rendered, postMarker(key)) : rendered)],
  };
}

/**
 * A note or thread reply: a small card carrying the post's key. `@<teams user id>` in the text
 * becomes a real Teams mention, so the person is notified.
 */
export function noteActivity(text: string, users: string[], people: Person[], key: string): ConnectorActivity {
  let out = markdown(text);
  const mentions: { text: string; mentioned: { id: string; name: string } }[] = [];
  for (const user of users) {
    const name = people.find((p) => p.chat.teams === user)?.name ?? user;
    const tag = `<at>${escapeXml(name)}</at>`;
    out = out.includes(`@${user}`) ? out.split(`@${user}`).join(tag) : `${tag} ${out}`;
    mentions.push({ text: tag, mentioned: { id: user, name } });
  }
  const preview = text.replace(/@(\S+)/g, (m, id: string) => people.find((p) => p.chat.teams === id)?.name ?? m).split('\n', 1)[0];
  return { type: 'message', summary: preview, attachments: [cardAttachment(withElementId(textCard(out, mentions), postMarker(key)))] };
}

/** `19:x@thread.tacv2;messageid=1` -> `19:x@thread.tacv2`: Graph's channel id. */
function channelIdOf(conversationId: string): string {
  return conversationId.split(';messageid=')[0]!;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function createTeamsChat(opts: TeamsChatOptions): ChatPlatform {
  const initial = teamsOf(opts.config());
  const connector = opts.connector ?? new BotConnector(teamsTokenClient(initial, opts.password), initial.requestTimeout, teamsLimits({ appId: initial.appId ?? 'unauthenticated' }, initial.rateLimits));
  const ledger = new PostLedger<PostedMessage>();
  const graph = new GraphLookup({
    url: initial.graph.url,
    tokens: new TokenClient({ appId: initial.appId, password: opts.password, loginUrl: teamsLoginUrl(initial), oauthScope: initial.graph.scope, timeoutMs: initial.requestTimeout }),
    timeoutMs: initial.requestTimeout,
  });

  /**
   * On a retry with Graph on: the message an earlier attempt (maybe in a process that died) posted.
   * A lookup that fails (no permission, Graph down) must not hold the alert back: the post goes out,
   * at worst a second time, and the log says why.
   */
  async function earlierPost(t: TeamsConfig, req: PostRequest, target: TeamsTarget, teamId: string | undefined): Promise<string | undefined> {
    if (req.retrySince === undefined || !t.graph.enabled || !teamId) return undefined;
    try {
      return await graph.find({ teamId, channelId: channelIdOf(target.conversationId), threadId: req.threadId }, req.key, req.retrySince);
    } catch (err) {
      (opts.warn ?? activityWarn)(`Teams post ${req.key}: could not check for an earlier copy, posting anyway: ${(err as Error).message}`);
      return undefined;
    }
  }

  return {
    name: 'teams',

    async post(req: PostRequest): Promise<PostedMessage> {
      const config = opts.config();
      const t = teamsOf(config);
      const target = req.threadId ? targetOf(t, req.channel, req.meta) : channelTarget(t, req.channel);
      const configured = t.channels[req.channel];
      // The kept reference's team, else the configured one if it is still the same channel.
      const teamId = req.meta?.teamId ?? (configured?.conversationId === channelIdOf(target.conversationId) ? configured.teamId : undefined);
      const activity = req.card ? cardActivity(req.card, req.text, config.people, req.key) : noteActivity(req.text, req.mentions ?? [], config.people, req.key);
      return ledger.once(`${target.conversationId}|${req.key}`, t.requestTimeout, async (timer) => {
        const meta = metaOf(target, teamId);
        const earlier = await earlierPost(t, req, target, teamId);
        if (earlier) return { id: earlier, meta };
        const { id } = req.threadId
          ? await connector.replyToActivity(target.serviceUrl, target.conversationId, req.threadId, activity, timer)
          : await connector.sendToConversation(target.serviceUrl, target.conversationId, activity, timer);
        return { id, meta };
      });
    },

    async update(channel: string, id: string, text: string, card?: IncidentMessage, meta?: Record<string, string>): Promise<void> {
      const config = opts.config();
      const target = targetOf(teamsOf(config), channel, meta);
      const activity = card ? cardActivity(card, text, config.people) : { type: 'message', text: markdown(text) };
      await connector.updateActivity(target.serviceUrl, target.conversationId, id, activity);
    },

    // Direct messages are not looked up: Graph addresses a bot's 1:1 chat by ids the Bot Connector
    // does not give us. A page is better twice (after a crash in that window) than not at all.
    async directMessage(user: string, text: string, key: string): Promise<{ id: string }> {
      const t = teamsOf(opts.config());
      return ledger.once(`dm|${key}`, t.requestTimeout, async (timer) => {
        // Teams answers a 1:1 conversation request with the existing chat, so this is safe to repeat.
        const conversation = await connector.createConversation(t.serviceUrl, {
          isGroup: false,
          bot: { id: `28:${t.appId ?? 'bot'}` },
          members: [{ id: user }],
          ...(t.tenantId ? { tenantId: t.tenantId, channelData: { tenant: { id: t.tenantId } } } : {}),
        }, timer);
        const { id } = await connector.sendToConversation(t.serviceUrl, conversation.id, { type: 'message', text: markdown(text) }, timer);
        return { id };
      });
    },
  };
}
