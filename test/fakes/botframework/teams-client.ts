// Plays Microsoft Teams towards the bot: builds activities shaped like the ones Teams sends
// (channel messages with `<at>` mentions and mention entities, Universal Actions invokes), records
// them in the fake so the bot may reply to them, and POSTs them to the bot's messaging endpoint
// with a JWT signed by the fake's published key (or none, or a forged one).
import type { FakeBotFramework } from './server';

export interface TeamsUser {
  /** Teams user id (`29:...`). */
  id: string;
  name: string;
  aadObjectId?: string;
}

export interface BotAnswer {
  status: number;
  body: any;
}

export const mention = (u: { name: string }) => `<at>${u.name}</at>`;

export class TeamsClient {
  readonly bot: TeamsUser;

  constructor(
    private readonly fake: FakeBotFramework,
    /** e.g. http://127.0.0.1:8080/teams/messages */
    private readonly endpoint: string,
    botName = 'Incident Bot',
  ) {
    this.bot = { id: `28:${fake.opts.appId}`, name: botName };
  }

  /** `tenantId` sends as if from another tenant that installed the same bot. */
  private base(conversationId: string, from: TeamsUser, tenantId = this.fake.opts.tenantId) {
    return {
      timestamp: new Date().toISOString(),
      serviceUrl: this.fake.serviceUrl,
      channelId: 'msteams',
      from: { id: from.id, name: from.name, ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}) },
      conversation: { isGroup: true, conversationType: 'channel', tenantId, id: conversationId },
      recipient: this.bot,
      channelData: { tenant: { id: tenantId }, teamsChannelId: conversationId.split(';')[0] },
      locale: 'en-US',
    };
  }

  /** `@bot <text>` in a channel (or a thread: pass `threadOf(channel, rootId)`); `mentions` are users named in `text` with mention(). */
  async message(from: TeamsUser, conversationId: string, text: string, opts: { mentions?: TeamsUser[]; token?: string | null; tenantId?: string } = {}): Promise<BotAnswer> {
    const entities = [this.bot, ...(opts.mentions ?? [])].map((u) => ({ type: 'mention', text: mention(u), mentioned: { id: u.id, name: u.name } }));
    const activity: Record<string, unknown> = { type: 'message', textFormat: 'plain', text: `${mention(this.bot)} ${text}`, entities, ...this.base(conversationId, from, opts.tenantId) };
    activity.id = this.fake.recordInbound(conversationId, activity);
    return this.send(activity, opts.token);
  }

  /** A press of an `Action.Execute` button on the card `cardId` (inputs go in `data`). */
  async execute(from: TeamsUser, conversationId: string, cardId: string, verb: string, data: Record<string, unknown>, opts: { token?: string | null; tenantId?: string } = {}): Promise<BotAnswer> {
    const activity = {
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `f:${Date.now()}${Math.floor(Math.random() * 1000)}`,
      replyToId: cardId,
      value: { action: { type: 'Action.Execute', id: verb, verb, data }, trigger: 'manual' },
      ...this.base(conversationId, from, opts.tenantId),
    };
    return this.send(activity, opts.token);
  }

  /** POSTs an activity: `token` undefined = a valid channel token, null = no Authorization header. */
  async send(activity: Record<string, unknown>, token?: string | null): Promise<BotAnswer> {
    const auth = token === undefined ? this.fake.channelToken() : token;
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
}

/** The conversation id of a reply thread under a channel message. */
export const threadOf = (channel: string, rootId: string) => `${channel};messageid=${rootId}`;
