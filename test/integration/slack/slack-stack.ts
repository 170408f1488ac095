// The whole product with Slack enabled: fake Slack Web API, real Temporal dev server, real worker
// (its Slack adapter posts to the fake) and real api (its Bolt app answers signed requests the fake
// sends). Each channel name is also a namespace routed to that channel, so every test gets its own
// Slack channel by choosing the namespace of its anomaly.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startChatStack, routeNamespacesTo, type ChatStackBase } from '../../helpers/chat-stack';
import { eventually } from '../../helpers/stack';
import { SlackInbound } from '../../fakes/slack/inbound';
import { FakeSlack, type FakeMessage } from '../../fakes/slack/server';

export const USERS = { alice: 'U0ALICE01', bob: 'U0BOB0001', carol: 'U0CAROL01', mallory: 'U0MALLORY' } as const;

export interface SlackStack extends ChatStackBase {
  fake: FakeSlack;
  inbound: SlackInbound;
  /** channel name (= routed namespace) -> Slack channel id */
  channels: Record<string, string>;
  signingSecret: string;
  /** The alert message in a channel, once there is exactly one. */
  alert(channel: string): Promise<FakeMessage>;
}

export interface SlackStackOptions {
  /** Channels the bot is not a member of (also routed, like `channelNames`). */
  notMember?: string[];
  requestTimeout?: string;
  mode?: 'http' | 'socket';
  /** More config changes, applied after the Slack ones above (e.g. replace raw.routing, add raw.clusters / raw.kubectl). */
  config?: (raw: Record<string, any>, channels: Record<string, string>) => void;
}

export async function startSlackStack(channelNames: string[], opts: SlackStackOptions = {}): Promise<SlackStack> {
  const fake = await FakeSlack.start();
  for (const [name, id] of Object.entries(USERS)) fake.addUser({ id, name, email: `${name}@example.com` });
  const channels = Object.fromEntries(channelNames.map((n) => [n, fake.addChannel(n)]));
  for (const n of opts.notMember ?? []) channels[n] = fake.addChannel(n, { botMember: false });
  const signingSecret = randomBytes(16).toString('hex');
  const socket = opts.mode === 'socket';

  const base = await startChatStack(fake, 'slack', (raw, dir) => {
    writeFileSync(join(dir, 'bot-token'), fake.botToken);
    writeFileSync(join(dir, 'signing-secret'), signingSecret);
    writeFileSync(join(dir, 'app-token'), fake.appToken);
    for (const p of raw.people) p.chat = { ...p.chat, slack: USERS[p.id as 'alice' | 'bob' | 'carol'] };
    raw.platforms.slack = {
      enabled: true,
      mode: opts.mode ?? 'http',
      botToken: { fromFile: join(dir, 'bot-token') },
      ...(socket ? { appToken: { fromFile: join(dir, 'app-token') } } : { signingSecret: { fromFile: join(dir, 'signing-secret') } }),
      slackApiUrl: fake.apiUrl,
      requestTimeout: opts.requestTimeout ?? '2s',
    };
    raw.routing = routeNamespacesTo('slack', channels);
    opts.config?.(raw, channels);
  });
  const inbound = socket ? new SlackInbound(fake, 'socket') : new SlackInbound(fake, `${base.stack.url}/slack/events`, signingSecret);
  return {
    ...base,
    fake,
    inbound,
    channels,
    signingSecret,
    alert: (channel) => eventually(async () => (fake.messages(channel).length === 1 ? fake.messages(channel)[0] : undefined), `one alert in ${channel}`),
  };
}

/** Button labels on a message. */
export const buttonsOf = (m: FakeMessage): string[] =>
  ((m.blocks ?? []) as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.text.text as string));
