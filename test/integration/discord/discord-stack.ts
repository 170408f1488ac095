// The whole product with Discord enabled: the fake Discord REST API, a real Temporal dev server, the
// real worker (its Discord adapter posts to the fake) and the real api (its interactions endpoint
// answers requests the client signs with the key pair the config trusts). Each channel name is also
// a namespace routed to that channel, so every test gets its own Discord channel.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChatStack, routeNamespacesTo, type ChatStackBase } from '../../helpers/chat-stack';
import { eventually } from '../../helpers/stack';
import { DiscordClient } from '../../fakes/discord/client';
import { FakeDiscord, type FakeMessage, type FakeUser } from '../../fakes/discord/server';

export interface DiscordStack extends ChatStackBase {
  fake: FakeDiscord;
  client: DiscordClient;
  /** Roster people (alice, bob, carol) and mallory, who is not on the roster. */
  users: Record<'alice' | 'bob' | 'carol' | 'mallory', FakeUser>;
  /** channel name (= routed namespace) -> Discord channel id */
  channels: Record<string, string>;
  /** The alert message in a channel, once there is exactly one (as it is now). */
  alert(channel: string): Promise<FakeMessage>;
}

export interface DiscordStackOptions {
  /** More config changes, applied after the Discord ones (e.g. replace raw.routing, add raw.clusters / raw.kubectl). */
  config?: (raw: Record<string, any>, channels: Record<string, string>) => void;
}

export async function startDiscordStack(channelNames: string[], opts: DiscordStackOptions = {}): Promise<DiscordStack> {
  const fake = await FakeDiscord.start();
  const users = { alice: fake.addUser('alice'), bob: fake.addUser('bob'), carol: fake.addUser('carol'), mallory: fake.addUser('mallory') };
  const channels = Object.fromEntries(channelNames.map((n) => [n, fake.addChannel(n)]));
  const client = new DiscordClient(fake, '');

  const base = await startChatStack(fake, 'discord', (raw, dir) => {
    writeFileSync(join(dir, 'bot-token'), `${fake.botToken}\n`);
    for (const p of raw.people) p.chat = { ...p.chat, discord: users[p.id as 'alice' | 'bob' | 'carol'].id };
    raw.platforms.discord = {
      enabled: true,
      applicationId: fake.applicationId,
      publicKey: client.publicKeyHex,
      botToken: { fromFile: join(dir, 'bot-token') },
      apiUrl: fake.apiUrl,
      requestTimeout: '2s',
      guildId: fake.guildId,
    };
    raw.routing = routeNamespacesTo('discord', channels);
    opts.config?.(raw, channels);
  });
  client.endpoint = `${base.stack.url}/discord/interactions`;
  return {
    ...base,
    fake,
    client,
    users,
    channels,
    alert: (channel) => eventually(async () => (fake.messages(channel).length === 1 ? fake.messages(channel)[0] : undefined), `one alert in ${channel}`),
  };
}

/** Options of a slash command as Discord sends them. */
export const str = (name: string, value: string) => ({ name, type: 3, value });
export const user = (name: string, u: FakeUser) => ({ name, type: 6, value: u.id });
export const subcommand = (name: string, options: object[] = []) => ({ name, type: 1, options });
