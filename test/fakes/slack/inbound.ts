// The other direction: what Slack sends to the app. Slash commands (form body), interactions
// (form body with a JSON `payload`: block_actions, view_submission) and Events API callbacks (JSON),
// each signed like Slack signs them: X-Slack-Signature = "v0=" + HMAC-SHA256(secret, "v0:<ts>:<body>").
// Button clicks and modal submissions are built from what the fake stored, so a test can only
// click a button the bot really rendered and submit a modal the bot really opened. With the URL
// 'socket' the same payloads go as Socket Mode envelopes over the app's open connection instead.
import { createHmac } from 'node:crypto';
import { FAKE_BOT, FAKE_TEAM, type FakeSlack } from './server';

export interface SignOptions {
  /** Override the request timestamp (seconds), e.g. ten minutes ago. */
  timestamp?: number;
  /** Override the signature, e.g. a forged one. */
  signature?: string;
  /** Sign with another secret. */
  secret?: string;
  /** Send as if from another workspace (another install of the same app): its team id. */
  teamId?: string;
  /** The Enterprise Grid organization the request names (default: none). */
  enterpriseId?: string;
}

const teamOf = (opts: SignOptions) => opts.teamId ?? FAKE_TEAM.id;
const enterpriseOf = (opts: SignOptions) => (opts.enterpriseId ? { id: opts.enterpriseId, name: opts.enterpriseId } : null);

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export class SlackInbound {
  constructor(
    private readonly fake: FakeSlack,
    /** The app's request URL, e.g. http://127.0.0.1:1234/slack/events; `socket` delivers over the app's Socket Mode connection. */
    private readonly url: string | 'socket',
    private readonly signingSecret = '',
  ) {}

  /** Over HTTP: the signed request. Over Socket Mode: the envelope, answered as a 200 whose body is the ack payload. */
  private async deliver(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>, opts: SignOptions): Promise<Response> {
    if (this.url === 'socket') {
      const ack = await this.fake.socketMode.send(type, payload);
      return new Response(JSON.stringify(ack.payload ?? {}), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (type === 'events_api') return this.send(JSON.stringify(payload), 'application/json', opts);
    const form = type === 'interactive' ? new URLSearchParams({ payload: JSON.stringify(payload) }) : new URLSearchParams(payload as Record<string, string>);
    return this.send(form.toString(), 'application/x-www-form-urlencoded', opts);
  }

  /** Posts a body exactly as Slack would, signed. */
  async send(body: string, contentType: string, opts: SignOptions = {}): Promise<Response> {
    if (this.url === 'socket') throw new Error('send() is for HTTP delivery');
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    return fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': opts.signature ?? slackSignature(opts.secret ?? this.signingSecret, ts, body),
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      },
      body,
    });
  }

  /** `/ack`, `/incident list`, ... typed by `user` in `channel`. */
  command(user: string, channel: string, command: string, text: string, opts: SignOptions = {}): Promise<Response> {
    const body = {
      token: 'legacy-verification-token',
      team_id: teamOf(opts),
      team_domain: FAKE_TEAM.domain,
      ...(opts.enterpriseId ? { enterprise_id: opts.enterpriseId, enterprise_name: opts.enterpriseId } : {}),
      channel_id: channel,
      channel_name: this.fake.state.channels.get(channel)?.name ?? 'unknown',
      user_id: user,
      user_name: this.fake.state.users.get(user)?.name ?? user,
      command,
      text,
      api_app_id: FAKE_BOT.appId,
      is_enterprise_install: 'false',
      response_url: this.fake.issueResponseUrl(channel, user),
      trigger_id: this.fake.issueTrigger(user),
    };
    return this.deliver('slash_commands', body, opts);
  }

  /** Clicks the button whose action_id starts with `actionPrefix` on a message the bot posted. */
  click(user: string, channel: string, ts: string, actionPrefix: string, opts: SignOptions = {}): Promise<Response> {
    const message = this.fake.channel(channel).messages.find((m) => m.ts === ts);
    if (!message) throw new Error(`no message ${ts} in ${channel}`);
    let found: { block: Record<string, any>; element: Record<string, any> } | undefined;
    for (const block of (message.blocks ?? []) as Record<string, any>[]) {
      for (const element of (block.elements ?? []) as Record<string, any>[]) {
        if (element.type === 'button' && String(element.action_id).startsWith(actionPrefix)) found ??= { block, element };
      }
    }
    if (!found) throw new Error(`message ${ts} has no button whose action_id starts with "${actionPrefix}"`);
    const { block, element } = found;
    const payload = {
      type: 'block_actions',
      user: { id: user, username: this.fake.state.users.get(user)?.name ?? user, name: this.fake.state.users.get(user)?.name ?? user, team_id: teamOf(opts) },
      api_app_id: FAKE_BOT.appId,
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
      trigger_id: this.fake.issueTrigger(user),
      team: { id: teamOf(opts), domain: FAKE_TEAM.domain },
      enterprise: enterpriseOf(opts),
      is_enterprise_install: false,
      channel: { id: channel, name: this.fake.state.channels.get(channel)?.name ?? 'unknown' },
      message: { type: 'message', ts, text: message.text, user: message.user, bot_id: message.botId, blocks: message.blocks },
      state: { values: {} },
      response_url: this.fake.issueResponseUrl(channel, user),
      actions: [{ type: 'button', action_id: element.action_id, block_id: block.block_id, text: element.text, value: element.value, style: element.style, action_ts: `${Date.now() / 1000}` }],
    };
    return this.deliver('interactive', payload, opts);
  }

  /**
   * Submits a modal the bot opened. `values` maps an input block_id to the value typed (text
   * inputs) or the user picked (users_select).
   */
  submitView(viewId: string, values: Record<string, string>, opts: SignOptions = {}): Promise<Response> {
    const stored = this.fake.state.views.get(viewId);
    if (!stored) throw new Error(`no view ${viewId} was opened`);
    const state: Record<string, Record<string, unknown>> = {};
    for (const block of (stored.view.blocks ?? []) as Record<string, any>[]) {
      if (block.type !== 'input') continue;
      const el = block.element as Record<string, any>;
      const v = values[block.block_id];
      state[block.block_id] = {
        [el.action_id]: el.type === 'users_select' ? { type: 'users_select', selected_user: v ?? null } : { type: 'plain_text_input', value: v ?? null },
      };
    }
    const payload = {
      type: 'view_submission',
      team: { id: teamOf(opts), domain: FAKE_TEAM.domain },
      user: { id: stored.user, username: this.fake.state.users.get(stored.user)?.name ?? stored.user, name: stored.user, team_id: teamOf(opts) },
      api_app_id: FAKE_BOT.appId,
      token: 'legacy-verification-token',
      trigger_id: this.fake.issueTrigger(stored.user),
      view: { ...stored.view, id: viewId, team_id: teamOf(opts), state: { values: state }, hash: `${viewId}.hash`, private_metadata: stored.privateMetadata, callback_id: stored.callbackId, app_id: FAKE_BOT.appId, bot_id: FAKE_BOT.botId },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: enterpriseOf(opts),
    };
    return this.deliver('interactive', payload, opts);
  }

  /** An Events API callback (e.g. app_mention) from `event.user`. */
  event(event: Record<string, unknown>, opts: SignOptions = {}): Promise<Response> {
    const body = {
      token: 'legacy-verification-token',
      team_id: teamOf(opts),
      ...(opts.enterpriseId ? { enterprise_id: opts.enterpriseId } : {}),
      api_app_id: FAKE_BOT.appId,
      event: { event_ts: `${Date.now() / 1000}`, ...event },
      type: 'event_callback',
      event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1000)}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: opts.enterpriseId ?? null, team_id: teamOf(opts), user_id: FAKE_BOT.userId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
    return this.deliver('events_api', body, opts);
  }
}
