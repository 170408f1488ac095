// The whole product with Discord enabled: the fake Discord REST API, a real Temporal dev server, the
// real worker (its Discord adapter posts to the fake) and the real api (its interactions endpoint
// answers requests the client signs with the key pair the config trusts). Each channel name is also
// a namespace routed to that channel, so every test gets its own Discord channel.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Anomaly, IncidentState } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { DiscordClient } from '../../fakes/discord/client';
import { FakeDiscord, type FakeMessage, type FakeUser } from '../../fakes/discord/server';

export interface DiscordStack {
  stack: Stack;
  fake: FakeDiscord;
  client: DiscordClient;
  /** Roster people (alice, bob, carol) and mallory, who is not on the roster. */
  users: Record<'alice' | 'bob' | 'carol' | 'mallory', FakeUser>;
  /** channel name (= routed namespace) -> Discord channel id */
  channels: Record<string, string>;
  /** Reports an anomaly in `namespace`; returns the incident id. */
  report(namespace: string, overrides?: Partial<Anomaly>): Promise<string>;
  state(id: string): Promise<IncidentState>;
  /** The alert message in a channel, once there is exactly one (as it is now). */
  alert(channel: string): Promise<FakeMessage>;
  stop(): Promise<void>;
}

export async function startDiscordStack(channelNames: string[]): Promise<DiscordStack> {
  const fake = await FakeDiscord.start();
  const dir = mkdtempSync(join(tmpdir(), 'discord-secrets-'));
  let stack: Stack | undefined;
  try {
    const users = { alice: fake.addUser('alice'), bob: fake.addUser('bob'), carol: fake.addUser('carol'), mallory: fake.addUser('mallory') };
    const channels = Object.fromEntries(channelNames.map((n) => [n, fake.addChannel(n)]));
    writeFileSync(join(dir, 'bot-token'), `${fake.botToken}\n`);
    const client = new DiscordClient(fake, '');

    stack = await startStack({
      worker: true,
      config: (raw) => {
        for (const p of raw.people) p.chat = { ...p.chat, discord: users[p.id as 'alice' | 'bob' | 'carol'].id };
        raw.platforms.discord = {
          enabled: true,
          applicationId: fake.applicationId,
          publicKey: client.publicKeyHex,
          botToken: { fromFile: join(dir, 'bot-token') },
          apiUrl: fake.apiUrl,
          requestTimeout: '2s',
        };
        raw.routing = {
          rules: Object.entries(channels).map(([name, id]) => ({ name, match: { namespace: [name] }, channels: [{ platform: 'discord', channel: id }], policy: 'default' })),
          default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' },
        };
      },
    });
    const s = stack;
    client.endpoint = `${s.url}/discord/interactions`;

    const state = async (id: string): Promise<IncidentState> => {
      const res = await s.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' });
      if (res.status !== 200) throw new Error(`GET incident answered ${res.status}`);
      return (await res.json()) as IncidentState;
    };

    return {
      stack: s,
      fake,
      client,
      users,
      channels,
      state,
      async report(namespace, overrides = {}) {
        const a = anomaly({ resource: { kind: 'Pod', name: 'checkout-7d9f-abc', namespace }, owner: { kind: 'Deployment', name: 'checkout', namespace }, ...overrides });
        const res = await s.request('/api/anomalies', { token: 'ops', json: a });
        if (res.status !== 202) throw new Error(`POST /api/anomalies answered ${res.status}: ${await res.text()}`);
        return ((await res.json()) as { incidentId: string }).incidentId;
      },
      alert: (channel) => eventually(async () => (fake.messages(channel).length === 1 ? fake.messages(channel)[0] : undefined), `one alert in ${channel}`),
      async stop() {
        try {
          await s.stop();
        } finally {
          await fake.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await stack?.stop().catch(() => undefined);
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Options of a slash command as Discord sends them. */
export const str = (name: string, value: string) => ({ name, type: 3, value });
export const user = (name: string, u: FakeUser) => ({ name, type: 6, value: u.id });
export const subcommand = (name: string, options: object[] = []) => ({ name, type: 1, options });
