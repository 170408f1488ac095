// /kubectl from Slack, end to end: signed slash commands and @-mentions reach the real Bolt app in
// the api, the channel they were typed in picks the kubectl.channels policy from the config, and
// allowed reads go through the real @kubernetes/client-node to the simulated cluster. Answers come
// back the way Slack shows them: output to the channel, refusals only to the person (ephemeral).
import type { IncidentState } from '../../../workflows/definitions';
import type { SimCluster } from '../../../simcluster';
import { anomaly } from '../../helpers/anomaly';
import { startShopCluster, type ShopCluster } from '../../helpers/shop-cluster';
import { eventually, type Stack } from '../../helpers/stack';
import type { SlackInbound } from '../../fakes/slack/inbound';
import { FAKE_BOT, type FakeSlack } from '../../fakes/slack/server';
import { USERS, startSlackStack, type SlackStack } from './slack-stack';

let shop: ShopCluster | undefined;
let slack: SlackStack | undefined;
let sim: SimCluster | undefined;
let fake: FakeSlack | undefined;
let stack: Stack | undefined;
let inbound: SlackInbound;
/** Slack channel ids: `shop` may read namespaces shop and payments; `nodes` may only `get nodes`; `random` has no policy. */
const ch = { shop: '', nodes: '', random: '' };

beforeAll(async () => {
  shop = await startShopCluster();
  sim = shop.sim;
  const { kubeconfig } = shop;
  slack = await startSlackStack(['kube-shop', 'kube-nodes', 'random'], {
    config: (raw, channels) => {
      raw.clusters = [{ name: 'shop-prod', kubeconfig, diagnostics: { enabled: false } }];
      raw.kubectl = {
        channels: [
          { platform: 'slack', channel: channels['kube-shop'], cluster: 'shop-prod', namespaces: ['shop', 'payments'] },
          { platform: 'slack', channel: channels['kube-nodes'], cluster: 'shop-prod', namespaces: ['*'], verbs: ['get'], resources: ['nodes'] },
        ],
      };
      raw.routing = {
        rules: [{ name: 'shop', match: { namespace: ['shop'] }, channels: [{ platform: 'slack', channel: channels['kube-shop'] }], policy: 'default' }],
        default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' },
      };
    },
  });
  ({ fake, stack, inbound } = slack);
  ch.shop = slack.channels['kube-shop']!;
  ch.nodes = slack.channels['kube-nodes']!;
  ch.random = slack.channels['random']!;
}, 120_000);

afterAll(async () => {
  try {
    await slack?.stop();
  } finally {
    await shop?.stop();
  }
});

const shopPods = () => sim!.list('v1', 'Pod', 'shop').map((p) => p.metadata.name).sort();
/** First column of a kubectl table (after the command line and the column header). */
/** Object names in an answer: the `$ kubectl` line, then the output in a ``` block (Slack's fixed-width form). */
const namesIn = (answer: string) => answer.split('\n').filter((l) => l !== '```').slice(2).map((row) => row.split(/\s+/)[0]!).sort();
const SECRETS_REFUSED = /^Refused: Secrets are never shown from chat/;

interface SlashAnswer {
  text: string;
  responseType: unknown;
}
/** `/kubectl <args>` typed by `user` in `channel`, signed like Slack signs it; resolves with the answer posted to its response_url. */
async function slash(user: string, channel: string, args: string): Promise<SlashAnswer> {
  const before = fake!.responses.length;
  const res = await inbound.command(user, channel, '/kubectl', args);
  expect(res.status).toBe(200);
  const answer = await eventually(async () => fake!.responses.slice(before).find((r) => r.body.user === user && r.body.channel === channel), `the answer to "/kubectl ${args}"`);
  return { text: String(answer.body.text), responseType: answer.body.response_type };
}

/** `@incident-bot <text>` written by `user` in `channel` (in the thread under `threadTs` when given). */
async function mention(user: string, channel: string, text: string, threadTs?: string): Promise<void> {
  const ts = `${(Date.now() / 1000).toFixed(6)}`;
  const res = await inbound.event({ type: 'app_mention', user, channel, text: `<@${FAKE_BOT.userId}> ${text}`, ts, ...(threadTs ? { thread_ts: threadTs } : {}) });
  expect(res.status).toBe(200);
}

/** The first ephemeral answer (seen only by `user`) in `channel` after `mentioning` ran. */
async function ephemeralAfter(user: string, channel: string, mentioning: () => Promise<void>) {
  const before = fake!.ephemerals.length;
  await mentioning();
  return eventually(async () => fake!.ephemerals.slice(before).find((e) => e.user === user && e.channel === channel), `an ephemeral answer to ${user} in ${channel}`);
}

describe('/kubectl as a Slack slash command', () => {
  beforeEach(() => sim!.clearRequests());

  it('shows a roster person the pods of the simulated cluster in a channel whose policy allows it, for the whole channel', async () => {
    const answer = await slash(USERS.alice, ch.shop, 'get pods -n shop');
    expect(answer.responseType).toBe('in_channel');
    const [head, fence, columns] = answer.text.split('\n');
    expect(head).toBe('$ kubectl get pods -n shop  [cluster shop-prod, namespace shop]');
    expect(fence).toBe('```');
    expect(answer.text.endsWith('\n```')).toBe(true);
    expect(columns).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(shopPods()).toHaveLength(3);
    expect(namesIn(answer.text)).toEqual(shopPods());
    expect(answer.text).toMatch(/\ncheckout-\S+\s+0\/1\s+CrashLoopBackOff\s/);
    // Read with the cluster's read-only identity, nothing else.
    expect(sim!.requests().map((r) => `${r.method} ${r.path} ${r.token}`)).toEqual(['GET /api/v1/namespaces/shop/pods readOnly']);
  });

  it('applies each channel its own policy: the nodes channel gets nodes but is refused pods, only to the person who asked', async () => {
    const nodes = await slash(USERS.bob, ch.nodes, 'get nodes');
    expect(nodes.responseType).toBe('in_channel');
    expect(namesIn(nodes.text)).toEqual(sim!.list('v1', 'Node').map((n) => n.metadata.name).sort());
    expect(nodes.text).toMatch(/\nnode-2\s+NotReady\s/);
    sim!.clearRequests();

    const pods = await slash(USERS.bob, ch.nodes, 'get pods -n shop');
    expect(pods.responseType).toBe('ephemeral');
    expect(pods.text).toBe('Refused: pods may not be read on cluster "shop-prod" from this channel; allowed: nodes.');
    const logs = await slash(USERS.bob, ch.nodes, 'logs deploy/checkout -n shop');
    expect(logs.responseType).toBe('ephemeral');
    expect(logs.text).toBe('Refused: "kubectl logs" is not allowed on cluster "shop-prod" from this channel; allowed: get.');
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses the same command in a channel without a /kubectl policy, only to the person who typed it', async () => {
    const answer = await slash(USERS.alice, ch.random, 'get pods -n shop');
    expect(answer).toEqual({ responseType: 'ephemeral', text: `Refused: /kubectl is not enabled in #${ch.random} (slack). An admin can allow it under kubectl.channels in the config.` });
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses a namespace the channel may not read', async () => {
    const answer = await slash(USERS.alice, ch.shop, 'get pods -n kube-system');
    // Slack text escapes < and > (Slack shows them as typed).
    expect(answer).toEqual({ responseType: 'ephemeral', text: 'Refused: namespace "kube-system" may not be read from this channel; allowed: shop, payments. Add -n &lt;namespace&gt;.' });
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses someone who is not on the roster even in a channel that allows /kubectl', async () => {
    const answer = await slash(USERS.mallory, ch.shop, 'get pods -n shop');
    expect(answer).toEqual({ responseType: 'ephemeral', text: `Refused: ${USERS.mallory} is not on the roster, so /kubectl is not available to them.` });
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses Secrets in every channel, whatever the channel may read', async () => {
    for (const channel of [ch.shop, ch.nodes, ch.random]) {
      for (const args of ['get secrets', 'get secret db-creds -n shop', 'describe secret/db-creds']) {
        const answer = await slash(USERS.alice, channel, args);
        expect(answer.responseType).toBe('ephemeral');
        expect(answer.text).toMatch(SECRETS_REFUSED);
      }
    }
    expect(sim!.requests()).toEqual([]);
  });
});

describe('/kubectl by @-mention in Slack', () => {
  let id: string;
  let alertTs: string;

  beforeAll(async () => {
    const res = await stack!.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'shop-prod', resource: { kind: 'Pod', name: 'checkout-x', namespace: 'shop' } }) });
    expect(res.status).toBe(202);
    id = ((await res.json()) as { incidentId: string }).incidentId;
    const alert = await eventually(async () => fake!.messages(ch.shop).find((m) => m.metadata?.event_payload?.incident_id === id), 'the alert in #kube-shop');
    alertTs = alert.ts;
  }, 60_000);
  beforeEach(() => sim!.clearRequests());

  const state = async (): Promise<IncidentState> => (await (await stack!.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' })).json()) as IncidentState;
  const kubectlEntries = async () => (await state()).timeline.filter((e) => e.type === 'kubectl').map((e) => ({ actor: e.actor, text: e.text }));

  it('answers "@bot kubectl get pods" in the alert thread in that thread, reading the incident namespace, and records it in the timeline', async () => {
    await mention(USERS.alice, ch.shop, 'kubectl get pods', alertTs);
    const reply = await eventually(async () => fake!.replies(ch.shop, alertTs).find((m) => m.text.startsWith('$ kubectl get pods')), 'the kubectl output in the alert thread');
    expect(reply.text.split('\n')[0]).toBe('$ kubectl get pods  [cluster shop-prod, namespace shop]');
    expect(namesIn(reply.text)).toEqual(shopPods());
    expect(sim!.requests().map((r) => `${r.method} ${r.path} ${r.token}`)).toEqual(['GET /api/v1/namespaces/shop/pods readOnly']);
    await eventually(async () => (await kubectlEntries()).length >= 1, 'the kubectl entry in the timeline');
    expect(await kubectlEntries()).toEqual([{ actor: 'alice', text: 'kubectl get pods (3 rows)' }]);
  });

  it('refuses "@bot kubectl get secrets" in the alert thread only to the person who wrote it, and records the refusal', async () => {
    const posted = fake!.replies(ch.shop, alertTs).length;
    const refusal = await ephemeralAfter(USERS.carol, ch.shop, () => mention(USERS.carol, ch.shop, 'kubectl get secrets', alertTs));
    expect(refusal.threadTs).toBe(alertTs);
    expect(refusal.text).toMatch(SECRETS_REFUSED);
    await eventually(async () => (await kubectlEntries()).length >= 2, 'the refusal in the timeline');
    expect((await kubectlEntries())[1]).toEqual({ actor: 'carol', text: 'refused: kubectl get secrets (Secrets are never shown from chat.)' });
    // Nothing was said to the channel's thread about it.
    expect(fake!.replies(ch.shop, alertTs).slice(posted).filter((m) => /secret/i.test(m.text))).toEqual([]);
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses "@bot kubectl get pods" in a channel without a /kubectl policy only to the person who wrote it', async () => {
    const messages = fake!.messages(ch.random).length;
    const refusal = await ephemeralAfter(USERS.bob, ch.random, () => mention(USERS.bob, ch.random, 'kubectl get pods -n shop'));
    expect(refusal.text).toBe(`Refused: /kubectl is not enabled in #${ch.random} (slack). An admin can allow it under kubectl.channels in the config.`);
    expect(fake!.messages(ch.random)).toHaveLength(messages);
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses "@bot kubectl get secrets" in a channel whose policy allows every namespace', async () => {
    const refusal = await ephemeralAfter(USERS.alice, ch.nodes, () => mention(USERS.alice, ch.nodes, 'kubectl get secrets -A'));
    expect(refusal.text).toMatch(SECRETS_REFUSED);
    expect(sim!.requests()).toEqual([]);
  });
});
