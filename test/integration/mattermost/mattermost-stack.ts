// The whole product with Mattermost enabled: the fake Mattermost server, a real Temporal dev
// server, the real worker (its Mattermost adapter posts to the fake) and the real api (the fake
// delivers slash commands, button clicks and dialog submissions to it exactly as Mattermost does).
// Each channel name is also a namespace routed to that channel, so every test gets its own
// Mattermost channel by choosing the namespace of its anomaly.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { COMMAND_PATH } from '../../../platforms/mattermost/shared/actions';
import { startChatStack, routeNamespacesTo, type ChatStackBase } from '../../helpers/chat-stack';
import { eventually } from '../../helpers/stack';
import { MattermostInbound } from '../../fakes/mattermost/inbound';
import { FakeMattermost, type FakePost, type FakeUser } from '../../fakes/mattermost/server';
import { FAKE_TEAM } from '../../fakes/mattermost/workspace';

export const COMMANDS = ['incident', 'ack', 'handoff', 'resolve', 'kubectl'] as const;

export interface MattermostStack extends ChatStackBase {
  fake: FakeMattermost;
  inbound: MattermostInbound;
  users: Record<'alice' | 'bob' | 'carol' | 'mallory', FakeUser>;
  /** channel name (= routed namespace) -> Mattermost channel id */
  channels: Record<string, string>;
  actionSecret: string;
  /** The alert post in a channel, once there is exactly one. */
  alert(channel: string): Promise<FakePost>;
}

export interface MattermostStackOptions {
  /** More config changes, applied after the Mattermost ones (e.g. raw.clusters and raw.kubectl). */
  config?: (raw: Record<string, any>, channels: Record<string, string>) => void;
}

export async function startMattermostStack(channelNames: string[], opts: MattermostStackOptions = {}): Promise<MattermostStack> {
  const fake = await FakeMattermost.start();
  // Usernames differ from roster ids, so mentions must really be mapped through user ids.
  const users = {
    alice: fake.addUser('alice.liddell', { email: 'alice@example.com' }),
    bob: fake.addUser('bob.marley', { email: 'bob@example.com' }),
    carol: fake.addUser('carol.danvers', { email: 'carol@example.com' }),
    mallory: fake.addUser('mallory', { email: 'mallory@example.com' }),
  };
  const channels = Object.fromEntries(channelNames.map((n) => [n, fake.addChannel(n)]));
  const actionSecret = randomBytes(24).toString('hex');
  const commandTokens = Object.fromEntries(COMMANDS.map((c) => [c, randomBytes(13).toString('hex')]));

  const base = await startChatStack(fake, 'mattermost', (raw, dir) => {
    writeFileSync(join(dir, 'bot-token'), fake.botToken);
    writeFileSync(join(dir, 'action-secret'), actionSecret);
    for (const c of COMMANDS) writeFileSync(join(dir, `command-${c}`), commandTokens[c]!);
    for (const p of raw.people) p.chat = { ...p.chat, mattermost: users[p.id as 'alice' | 'bob' | 'carol']?.id };
    // Replaced by the stack with the api's real address once it listens (buttons and dialogs call it).
    raw.api.publicUrl = 'http://127.0.0.1:9';
    raw.platforms.mattermost = {
      enabled: true,
      url: fake.url,
      botToken: { fromFile: join(dir, 'bot-token') },
      commandTokens: COMMANDS.map((c) => ({ fromFile: join(dir, `command-${c}`) })),
      actionSecret: { fromFile: join(dir, 'action-secret') },
      requestTimeout: '2s',
      teamId: FAKE_TEAM.id,
    };
    raw.routing = routeNamespacesTo('mattermost', channels);
    opts.config?.(raw, channels);
  });
  // The slash commands as an admin creates them in Mattermost, each with its own token.
  for (const c of COMMANDS) fake.addCommand(c, `${base.stack.url}${COMMAND_PATH}`, commandTokens[c]);
  return {
    ...base,
    fake,
    inbound: new MattermostInbound(fake),
    users,
    channels,
    actionSecret,
    alert: (channel) => eventually(async () => (fake.botPosts(channel).length === 1 ? fake.botPosts(channel)[0] : undefined), `one alert in ${channel}`),
  };
}

/** The alert's attachment as Mattermost stores it now. */
export const attachmentOf = (p: FakePost): Record<string, any> => (p.props.attachments as Record<string, any>[])[0]!;
/** Button labels on a post. */
export const buttonsOf = (p: FakePost): string[] => ((attachmentOf(p).actions ?? []) as { name: string }[]).map((a) => a.name);
/** title -> value of the alert's fields. */
export const fieldsOf = (p: FakePost): Record<string, string> => Object.fromEntries((attachmentOf(p).fields as { title: string; value: string }[]).map((f) => [f.title, f.value]));
