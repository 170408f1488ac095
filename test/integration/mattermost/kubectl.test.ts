// /kubectl from Mattermost, end to end: slash commands reach the api as Mattermost sends them, the
// channel they were typed in picks the kubectl.channels policy, and allowed reads go through the
// real @kubernetes/client-node to the simulated cluster. Output goes to the channel as a code block;
// refusals only to the person who typed the command.
import type { SimCluster } from '../../../simcluster';
import { startShopCluster, type ShopCluster } from '../../helpers/shop-cluster';
import { startMattermostStack, type MattermostStack } from './mattermost-stack';

let shop: ShopCluster | undefined;
let s: MattermostStack | undefined;
let sim: SimCluster;
const ch = { shop: '', random: '' };

beforeAll(async () => {
  shop = await startShopCluster();
  sim = shop.sim;
  const { kubeconfig } = shop;
  s = await startMattermostStack(['kube-shop', 'random'], {
    config: (raw, channels) => {
      raw.clusters = [{ name: 'shop-prod', kubeconfig, diagnostics: { enabled: false } }];
      raw.kubectl = { channels: [{ platform: 'mattermost', channel: channels['kube-shop'], cluster: 'shop-prod', namespaces: ['shop', 'payments'] }] };
    },
  });
  ch.shop = s.channels['kube-shop']!;
  ch.random = s.channels.random!;
}, 120_000);

afterAll(async () => {
  try {
    await s?.stop();
  } finally {
    await shop?.stop();
  }
});

beforeEach(() => sim.clearRequests());

const kubectl = async (user: 'alice' | 'mallory', channel: string, args: string) => {
  const res = await s!.inbound.command(s!.users[user].id, channel, `/kubectl ${args}`);
  expect(res.status).toBe(200);
  return res.body as { response_type: string; text: string };
};
const shopPods = () => sim.list('v1', 'Pod', 'shop').map((p) => p.metadata.name).sort();

describe('/kubectl as a Mattermost slash command', () => {
  it('shows a roster person the pods in a channel whose policy allows it, to the whole channel, as a code block', async () => {
    const answer = await kubectl('alice', ch.shop, 'get pods -n shop');
    expect(answer.response_type).toBe('in_channel');
    const [head, fence, columns, ...rows] = answer.text.split('\n');
    expect([head, fence]).toEqual(['$ kubectl get pods -n shop  [cluster shop-prod, namespace shop]', '```']);
    expect(columns).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(rows.at(-1)).toBe('```');
    expect(rows.slice(0, -1).map((r) => r.split(/\s+/)[0]).sort()).toEqual(shopPods());
    expect(sim.requests().map((r) => `${r.method} ${r.path} ${r.token}`)).toEqual(['GET /api/v1/namespaces/shop/pods readOnly']);
    // The answer became a post in the channel, by the person who asked.
    expect(s!.fake.posts(ch.shop).some((p) => p.user_id === s!.users.alice.id && p.message.startsWith('$ kubectl get pods'))).toBe(true);
  });

  it('refuses the same command in a channel without a /kubectl policy, only to the person who typed it', async () => {
    expect(await kubectl('alice', ch.random, 'get pods -n shop')).toEqual({
      response_type: 'ephemeral',
      text: `Refused: /kubectl is not enabled in #${ch.random} (mattermost). An admin can allow it under kubectl.channels in the config.`,
      skip_slack_parsing: true,
    });
    expect(sim.requests()).toEqual([]);
  });

  it('refuses someone who is not on the roster, and Secrets for everyone', async () => {
    const stranger = await kubectl('mallory', ch.shop, 'get pods -n shop');
    expect(stranger.response_type).toBe('ephemeral');
    expect(stranger.text).toMatch(/^Refused: @\u200bmallory is not on the roster/);
    const secrets = await kubectl('alice', ch.shop, 'get secrets -n shop');
    expect(secrets.response_type).toBe('ephemeral');
    expect(secrets.text).toMatch(/^Refused: Secrets are never shown from chat/);
    expect(sim.requests()).toEqual([]);
  });
});
