// The whole product with Slack enabled: fake Slack Web API, real Temporal dev server, real worker
// (its Slack adapter posts to the fake) and real api (its Bolt app answers signed requests the fake
// sends). Each channel name is also a namespace routed to that channel, so every test gets its own
// Slack channel by choosing the namespace of its anomaly.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Anomaly, IncidentState } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { SlackInbound } from '../../fakes/slack/inbound';
import { FakeSlack, type FakeMessage } from '../../fakes/slack/server';

export const USERS = { alice: 'U0ALICE01', bob: 'U0BOB0001', carol: 'U0CAROL01', mallory: 'U0MALLORY' } as const;

export interface SlackStack {
  stack: Stack;
  fake: FakeSlack;
  inbound: SlackInbound;
  /** channel name (= routed namespace) -> Slack channel id */
  channels: Record<string, string>;
  signingSecret: string;
  /** Reports an anomaly in `namespace`; returns the incident id. */
  report(namespace: string, overrides?: Partial<Anomaly>): Promise<string>;
  state(id: string): Promise<IncidentState>;
  /** The alert message in a channel, once there is exactly one. */
  alert(channel: string): Promise<FakeMessage>;
  stop(): Promise<void>;
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
  const dir = mkdtempSync(join(tmpdir(), 'slack-secrets-'));
  let stack: Stack | undefined;
  try {
    for (const [name, id] of Object.entries(USERS)) fake.addUser({ id, name, email: `${name}@example.com` });
    const channels = Object.fromEntries(channelNames.map((n) => [n, fake.addChannel(n)]));
    for (const n of opts.notMember ?? []) channels[n] = fake.addChannel(n, { botMember: false });
    const signingSecret = randomBytes(16).toString('hex');
    writeFileSync(join(dir, 'bot-token'), fake.botToken);
    writeFileSync(join(dir, 'signing-secret'), signingSecret);
    writeFileSync(join(dir, 'app-token'), fake.appToken);
    const socket = opts.mode === 'socket';

    stack = await startStack({
      worker: true,
      config: (raw) => {
        for (const p of raw.people) p.chat = { ...p.chat, slack: USERS[p.id as 'alice' | 'bob' | 'carol'] };
        raw.platforms.slack = {
          enabled: true,
          mode: opts.mode ?? 'http',
          botToken: { fromFile: join(dir, 'bot-token') },
          ...(socket ? { appToken: { fromFile: join(dir, 'app-token') } } : { signingSecret: { fromFile: join(dir, 'signing-secret') } }),
          slackApiUrl: fake.apiUrl,
          requestTimeout: opts.requestTimeout ?? '2s',
        };
        raw.routing = {
          rules: Object.entries(channels).map(([name, id]) => ({ name, match: { namespace: [name] }, channels: [{ platform: 'slack', channel: id }], policy: 'default' })),
          default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' },
        };
        opts.config?.(raw, channels);
      },
    });
    const s = stack;
    const inbound = socket ? new SlackInbound(fake, 'socket') : new SlackInbound(fake, `${s.url}/slack/events`, signingSecret);

    const state = async (id: string): Promise<IncidentState> => {
      const res = await s.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' });
      if (res.status !== 200) throw new Error(`GET incident answered ${res.status}`);
      return (await res.json()) as IncidentState;
    };

    return {
      stack: s,
      fake,
      inbound,
      channels,
      signingSecret,
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

/** Button labels on a message. */
export const buttonsOf = (m: FakeMessage): string[] =>
  ((m.blocks ?? []) as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.text.text as string));
