// The other direction: what the Mattermost server sends to integrations when people act. Slash
// commands (form body, `Authorization: Token <command token>`, mentions resolved to user ids),
// button clicks (JSON PostActionIntegrationRequest carrying the stored button's confidential
// context) and dialog submissions (JSON with the dialog's state) — and what Mattermost then does
// with the answers: in_channel responses become posts by the user, ephemeral ones and
// `ephemeral_text` become ephemeral posts for that user only. Clicks and dialogs are built from
// what the fake stored, so a test can only press a button the bot rendered and submit a dialog the
// api opened.
import type { FakeMattermost } from './server';
import { FAKE_TEAM, newId, type FakeDialog, type FakePost } from './workspace';

export interface Delivered {
  status: number;
  body: any;
}

export interface CommandOptions {
  /** Another token than the command's (what a forger would send). */
  token?: string;
  /** The thread the command was typed in: Mattermost does not tell the integration, but posts in_channel answers there. */
  rootId?: string;
  /** Send as if typed in another team on the same server. */
  teamId?: string;
}

async function deliver(url: string, init: RequestInit): Promise<Delivered> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any = text;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) body = text ? JSON.parse(text) : {};
  return { status: res.status, body };
}

export class MattermostInbound {
  constructor(private readonly fake: FakeMattermost) {}

  private member(user: string, channel: string): void {
    if (!this.fake.channel(channel).members.has(user)) throw new Error(`user ${user} is not a member of channel ${channel}`);
  }

  /** `/handoff @bob taking over` typed by `user` in `channel`. */
  async command(user: string, channel: string, line: string, opts: CommandOptions = {}): Promise<Delivered> {
    const m = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim());
    const command = m ? this.fake.state.commands.get(m[1]!.toLowerCase()) : undefined;
    if (!m || !command) throw new Error(`no slash command for "${line}" (add it with fake.addCommand)`);
    this.member(user, channel);
    const text = m[2]!;
    const form = new URLSearchParams({
      token: opts.token ?? command.token,
      team_id: opts.teamId ?? FAKE_TEAM.id,
      team_domain: FAKE_TEAM.name,
      channel_id: channel,
      channel_name: this.fake.channel(channel).name,
      user_id: user,
      user_name: this.fake.state.users.get(user)!.username,
      command: `/${command.trigger}`,
      text,
      trigger_id: this.fake.issueTrigger(user, channel),
    });
    // Mattermost resolves @username mentions of team members and sends them alongside.
    for (const [, name] of text.matchAll(/@([a-z0-9._-]+)/gi)) {
      const u = [...this.fake.state.users.values()].find((x) => x.username === name!.toLowerCase());
      if (!u) continue;
      form.append('user_mentions', u.username);
      form.append('user_mentions_ids', u.id);
    }
    form.set('response_url', `${this.fake.url}/hooks/commands/${newId()}`);
    const res = await deliver(command.url, {
      method: 'POST',
      headers: { accept: 'application/json', authorization: `Token ${opts.token ?? command.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    if (res.status === 200 && res.body && typeof res.body === 'object' && typeof res.body.text === 'string') {
      const root = opts.rootId ?? '';
      if (res.body.response_type === 'in_channel') this.userPost(user, channel, root, res.body.text);
      else this.fake.state.ephemerals.push({ user_id: user, channel_id: channel, root_id: root, message: res.body.text, source: 'command' });
    }
    return res;
  }

  /** `user` presses the button `actionId` on a post the bot made. */
  async click(user: string, postId: string, actionId: string, opts: { teamId?: string } = {}): Promise<Delivered> {
    const post = this.fake.post(postId);
    if (!post) throw new Error(`no post ${postId}`);
    const action = ((post.props.attachments ?? []) as any[]).flatMap((a) => (a.actions ?? []) as any[]).find((a) => a.id === actionId);
    if (!action) throw new Error(`post ${postId} has no button "${actionId}"`);
    this.member(user, post.channel_id);
    const payload = {
      user_id: user,
      user_name: this.fake.state.users.get(user)!.username,
      channel_id: post.channel_id,
      channel_name: this.fake.channel(post.channel_id).name,
      team_id: opts.teamId ?? FAKE_TEAM.id,
      team_domain: FAKE_TEAM.name,
      post_id: post.id,
      trigger_id: this.fake.issueTrigger(user, post.channel_id),
      type: 'button',
      data_source: '',
      context: action.integration.context,
    };
    const res = await deliver(action.integration.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    if (res.status === 200 && res.body && typeof res.body === 'object') {
      if (typeof res.body.ephemeral_text === 'string' && res.body.ephemeral_text)
        this.fake.state.ephemerals.push({ user_id: user, channel_id: post.channel_id, root_id: post.root_id, message: res.body.ephemeral_text, source: 'action' });
      if (res.body.update) throw new Error('the integration asked Mattermost to update the post; the workflow is what updates alerts');
    }
    return res;
  }

  /** Submits a dialog the api opened; `values` maps element names to what was typed or picked. */
  async submitDialog(dialog: FakeDialog, values: Record<string, string>, opts: { cancelled?: boolean } = {}): Promise<Delivered> {
    if (dialog.closed) throw new Error(`dialog ${dialog.id} is closed`);
    if (!opts.cancelled) {
      // Mattermost's client refuses to submit without required elements.
      for (const e of (dialog.dialog.elements ?? []) as any[]) if (!e.optional && !values[e.name]) throw new Error(`dialog element "${e.name}" is required`);
    }
    const payload = {
      type: 'dialog_submission',
      callback_id: dialog.dialog.callback_id ?? '',
      state: dialog.dialog.state ?? '',
      user_id: dialog.user_id,
      channel_id: dialog.channel_id,
      team_id: FAKE_TEAM.id,
      submission: opts.cancelled ? {} : values,
      cancelled: !!opts.cancelled,
    };
    const res = await deliver(dialog.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    if (res.status === 200 && !(res.body && typeof res.body === 'object' && (res.body.errors || res.body.error))) dialog.closed = true;
    return res;
  }

  /** An in_channel command answer: a post by the user (Mattermost marks it as from a webhook). */
  private userPost(user: string, channel: string, rootId: string, message: string): FakePost {
    const now = (this.fake.state.clock = Math.max(this.fake.state.clock + 1, Date.now()));
    const post: FakePost = { id: newId(), create_at: now, update_at: now, edit_at: 0, user_id: user, channel_id: channel, root_id: rootId, message, type: '', props: { from_webhook: 'true' }, updates: 0 };
    this.fake.state.posts.push(post);
    return post;
  }
}
