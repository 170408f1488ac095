// /kubectl from Discord, end to end: signed `/kubectl args:<...>` application-command interactions
// reach the api's interactions endpoint, the channel they were typed in (for a thread: the alert
// channel it hangs from) picks the kubectl.channels policy from the config, and allowed reads go
// through the real @kubernetes/client-node to the simulated cluster. Output is answered for the
// whole channel as a code block; refusals only to the person who asked (flags 64, ephemeral).
import type { SimCluster } from '../../../simcluster';
import { startShopCluster, type ShopCluster } from '../../helpers/shop-cluster';
import { eventually } from '../../helpers/stack';
import type { InteractionAnswer } from '../../fakes/discord/client';
import { startDiscordStack, str, type DiscordStack } from './discord-stack';

const EPHEMERAL = 64;
const SECRETS_REFUSED = /^Refused: Secrets are never shown from chat/;

let shop: ShopCluster | undefined;
let s: DiscordStack | undefined;
let sim: SimCluster;
/** Discord channel ids: `shop` may read namespaces shop and payments; `nodes` may only `get nodes`; `random` has no policy. */
const ch = { shop: '', nodes: '', random: '' };

beforeAll(async () => {
  shop = await startShopCluster();
  sim = shop.sim;
  const { kubeconfig } = shop;
  s = await startDiscordStack(['kube-shop', 'kube-nodes', 'random'], {
    config: (raw, channels) => {
      raw.clusters = [{ name: 'shop-prod', kubeconfig, diagnostics: { enabled: false } }];
      raw.kubectl = {
        channels: [
          { platform: 'discord', channel: channels['kube-shop'], cluster: 'shop-prod', namespaces: ['shop', 'payments'] },
          { platform: 'discord', channel: channels['kube-nodes'], cluster: 'shop-prod', namespaces: ['*'], verbs: ['get'], resources: ['nodes'] },
        ],
      };
      raw.routing = {
        rules: [{ name: 'shop', match: { namespace: ['shop'] }, channels: [{ platform: 'discord', channel: channels['kube-shop'] }], policy: 'default' }],
        default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' },
      };
    },
  });
  ch.shop = s.channels['kube-shop']!;
  ch.nodes = s.channels['kube-nodes']!;
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

const shopPods = () => sim.list('v1', 'Pod', 'shop').map((p) => p.metadata.name).sort();

interface Answer {
  /** The message content the person sees. */
  content: string;
  /** Message flags of what they see: 64 when only they see it. */
  flags: number;
}

/** What Discord shows for an interaction answer: inline, or (deferred past 2 s) the late answer from the interaction webhook. */
async function shown(answer: InteractionAnswer): Promise<Answer> {
  expect(answer.status).toBe(200);
  const body = answer.body;
  if (body.type === 4) return { content: body.data.content, flags: body.data.flags ?? 0 };
  // Deferred: "thinking" only to the caller (flags 64), then the answer replaces it; an answer for
  // the channel is also posted there as a follow-up without flags.
  expect(body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
  const token = answer.sent.token as string;
  const original = await eventually(async () => s!.fake.followUps.find((f) => f.token === token && f.kind === 'original'), 'the late answer');
  if (!String(original.body.content).startsWith('$ ')) return { content: original.body.content, flags: EPHEMERAL };
  const announced = await eventually(async () => s!.fake.followUps.find((f) => f.token === token && f.kind === 'followup'), 'the late answer posted to the channel');
  return { content: announced.body.content, flags: announced.body.flags ?? 0 };
}

/** `/kubectl args:<args>` typed by `who` in `channel` (a channel or a thread), signed like Discord signs it. */
async function kubectl(who: 'alice' | 'bob' | 'carol' | 'mallory', channel: string, args: string): Promise<Answer> {
  return shown(await s!.client.command(s!.users[who], channel, 'kubectl', [str('args', args)]));
}

/** The lines of a kubectl answer: the command line, then the output in a code block. */
function table(content: string): { head: string; columns: string; names: string[] } {
  const [head, open, columns, ...rest] = content.split('\n');
  expect(open).toBe('```');
  expect(rest.at(-1)).toBe('```');
  return { head: head!, columns: columns!, names: rest.slice(0, -1).map((row) => row.split(/\s+/)[0]!).sort() };
}

describe('/kubectl as a Discord slash command', () => {
  it('shows a roster person the pods of the simulated cluster in a channel whose policy allows it, for the whole channel, as a code block', async () => {
    const answer = await kubectl('alice', ch.shop, 'get pods -n shop');
    expect(answer.flags).toBe(0);
    const { head, columns, names } = table(answer.content);
    expect(head).toBe('$ kubectl get pods -n shop  [cluster shop-prod, namespace shop]');
    expect(columns).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(shopPods()).toHaveLength(3);
    expect(names).toEqual(shopPods());
    expect(answer.content).toMatch(/\ncheckout-\S+\s+0\/1\s+CrashLoopBackOff\s/);
    // Read with the cluster's read-only identity, nothing else.
    expect(sim.requests().map((r) => `${r.method} ${r.path} ${r.token}`)).toEqual(['GET /api/v1/namespaces/shop/pods readOnly']);
  });

  it('applies each channel its own policy: the nodes channel gets nodes but is refused pods and logs, only to the person who asked', async () => {
    const nodes = await kubectl('bob', ch.nodes, 'get nodes');
    expect(nodes.flags).toBe(0);
    expect(table(nodes.content).names).toEqual(sim.list('v1', 'Node').map((n) => n.metadata.name).sort());
    expect(nodes.content).toMatch(/\nnode-2\s+NotReady\s/);
    expect(sim.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/nodes']);
    sim.clearRequests();

    expect(await kubectl('bob', ch.nodes, 'get pods -n shop')).toEqual({
      flags: EPHEMERAL,
      content: 'Refused: pods may not be read on cluster "shop-prod" from this channel; allowed: nodes.',
    });
    expect(await kubectl('bob', ch.nodes, 'logs deploy/checkout -n shop')).toEqual({
      flags: EPHEMERAL,
      content: 'Refused: "kubectl logs" is not allowed on cluster "shop-prod" from this channel; allowed: get.',
    });
    expect(sim.requests()).toEqual([]);
  });

  it('refuses the same command in a channel without a /kubectl policy, only to the person who typed it', async () => {
    expect(await kubectl('alice', ch.random, 'get pods -n shop')).toEqual({
      flags: EPHEMERAL,
      content: `Refused: /kubectl is not enabled in #${ch.random} (discord). An admin can allow it under kubectl.channels in the config.`,
    });
    expect(sim.requests()).toEqual([]);
  });

  it('refuses a namespace the channel may not read', async () => {
    // Discord content escapes < and > (Discord shows them as typed).
    expect(await kubectl('carol', ch.shop, 'get pods -n kube-system')).toEqual({
      flags: EPHEMERAL,
      content: 'Refused: namespace "kube-system" may not be read from this channel; allowed: shop, payments. Add -n \\<namespace\\>.',
    });
    expect(sim.requests()).toEqual([]);
  });

  it('refuses someone who is not on the roster even in a channel that allows /kubectl', async () => {
    expect(await kubectl('mallory', ch.shop, 'get pods -n shop')).toEqual({
      flags: EPHEMERAL,
      content: 'Refused: mallory is not on the roster, so /kubectl is not available to them.',
    });
    expect(sim.requests()).toEqual([]);
  });

  it('refuses Secrets in every channel, whatever the channel may read', async () => {
    for (const channel of [ch.shop, ch.nodes, ch.random]) {
      for (const args of ['get secrets', 'get secret db-creds -n shop', 'describe secret/db-creds', 'get secrets -A']) {
        const answer = await kubectl('alice', channel, args);
        expect(answer.flags).toBe(EPHEMERAL);
        expect(answer.content).toMatch(SECRETS_REFUSED);
      }
    }
    expect(sim.requests()).toEqual([]);
  });
});

describe('/kubectl in the thread of a Discord alert', () => {
  let id: string;
  let thread: string;

  beforeAll(async () => {
    id = await s!.report('shop', { cluster: 'shop-prod' });
    const alert = await s!.alert(ch.shop);
    expect(alert.embeds[0].footer.text.startsWith(`${id} · ref `)).toBe(true);
    thread = await eventually(async () => s!.fake.channels.get(alert.id)?.id, 'the alert thread');
    expect(s!.fake.channel(thread)).toMatchObject({ type: 11, parent_id: ch.shop });
  }, 60_000);

  const kubectlEntries = async () => (await s!.state(id)).timeline.filter((e) => e.type === 'kubectl').map((e) => ({ actor: e.actor, text: e.text }));

  it('reads the incident namespace when the command names none, answers for everyone in the thread, and records the run in the timeline', async () => {
    // In the alert channel itself no incident is implied: with two namespaces allowed, none is picked.
    expect(await kubectl('alice', ch.shop, 'get pods')).toEqual({
      flags: EPHEMERAL,
      content: 'Refused: namespace "default" may not be read from this channel; allowed: shop, payments. Add -n \\<namespace\\>.',
    });
    expect(sim.requests()).toEqual([]);

    const answer = await kubectl('alice', thread, 'get pods');
    expect(answer.flags).toBe(0);
    const { head, names } = table(answer.content);
    // The thread's channel policy (kube-shop) applies, with the incident's namespace as the default.
    expect(head).toBe('$ kubectl get pods  [cluster shop-prod, namespace shop]');
    expect(names).toEqual(shopPods());
    expect(sim.requests().map((r) => `${r.method} ${r.path} ${r.token}`)).toEqual(['GET /api/v1/namespaces/shop/pods readOnly']);
    await eventually(async () => (await kubectlEntries()).length >= 1, 'the kubectl entry in the timeline');
    expect(await kubectlEntries()).toEqual([{ actor: 'alice', text: 'kubectl get pods (3 rows)' }]);
  });

  it('refuses Secrets in the alert thread only to the person who asked, and records the refusal', async () => {
    const answer = await kubectl('carol', thread, 'get secrets');
    expect(answer.flags).toBe(EPHEMERAL);
    expect(answer.content).toMatch(SECRETS_REFUSED);
    await eventually(async () => (await kubectlEntries()).length >= 2, 'the refusal in the timeline');
    expect((await kubectlEntries())[1]).toEqual({ actor: 'carol', text: 'refused: kubectl get secrets (Secrets are never shown from chat.)' });
    expect(sim.requests()).toEqual([]);
  });
});
