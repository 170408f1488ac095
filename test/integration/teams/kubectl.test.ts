// /kubectl from Microsoft Teams, end to end: JWT-signed `@bot kubectl ...` channel messages reach the
// real botbuilder adapter in the api, the Teams channel they were written in (by its configured name
// under platforms.teams.channels) picks the kubectl.channels policy, and allowed reads go through
// the real @kubernetes/client-node to the simulated cluster. Output is a reply for everyone;
// Teams has no ephemeral channel messages, so a refusal is a reply addressed to the person by mention.
import type { IncidentState } from '../../../workflows/definitions';
import type { SimCluster } from '../../../simcluster';
import { anomaly } from '../../helpers/anomaly';
import { startShopCluster, type ShopCluster } from '../../helpers/shop-cluster';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { FakeBotFramework, type StoredActivity } from '../../fakes/botframework/server';
import { TeamsClient, threadOf, type TeamsUser } from '../../fakes/botframework/teams-client';
import { OPS, fakeOptions, users, withTeams } from './fixtures';

/** Configured as `dev`: may only `get nodes`. */
const DEV = '19:dev@thread.tacv2';
/** Configured as `alerts`, with no /kubectl policy. */
const ALERTS = '19:alerts@thread.tacv2';
/** A channel the bot is in but the config does not name at all. */
const LOBBY = '19:lobby@thread.tacv2';

let shop: ShopCluster | undefined;
let sim: SimCluster | undefined;
let fake: FakeBotFramework | undefined;
let stack: Stack | undefined;
let teams: TeamsClient;

beforeAll(async () => {
  shop = await startShopCluster();
  sim = shop.sim;
  const { kubeconfig } = shop;
  fake = await FakeBotFramework.start({ ...fakeOptions(), conversations: [OPS, DEV, ALERTS, LOBBY] });
  const f = fake;
  stack = await startStack({
    worker: true,
    config: (raw) => {
      const channel = (conversationId: string) => ({ conversationId, serviceUrl: f.serviceUrl });
      withTeams(raw, f, { channels: { ops: channel(OPS), dev: channel(DEV), alerts: channel(ALERTS) } });
      raw.routing.default.channels = [{ platform: 'teams', channel: 'ops' }];
      raw.clusters = [{ name: 'shop-prod', kubeconfig, diagnostics: { enabled: false } }];
      raw.kubectl = {
        channels: [
          { platform: 'teams', channel: 'ops', cluster: 'shop-prod', namespaces: ['shop', 'payments'] },
          { platform: 'teams', channel: 'dev', cluster: 'shop-prod', namespaces: ['*'], verbs: ['get'], resources: ['nodes'] },
        ],
      };
    },
  });
  teams = new TeamsClient(fake, `${stack.url}/teams/messages`);
}, 120_000);

afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    try {
      await fake?.stop();
    } finally {
      await shop?.stop();
    }
  }
});

const shopPods = () => sim!.list('v1', 'Pod', 'shop').map((p) => p.metadata.name).sort();
/**
 * Lines of /kubectl output: the card's command line, then its CodeBlock (line breaks kept). Text
 * answers (refusals) double their newlines so Teams keeps them.
 */
function linesOf(reply: StoredActivity): string[] {
  const card = (reply.activity.attachments as { content?: { body?: Record<string, any>[] } }[] | undefined)?.[0]?.content;
  const code = card?.body?.find((b) => b.type === 'CodeBlock');
  if (!code) return String(reply.activity.text).split('\n\n');
  expect(code.fallback).toMatchObject({ type: 'TextBlock', fontType: 'Monospace' });
  return [String(card!.body![0]!.text), ...String(code.codeSnippet).split('\n')];
}
const textOf = (reply: StoredActivity) => linesOf(reply).join('\n');
/** First column of a kubectl table (after the command line and the column header). */
const namesIn = (reply: StoredActivity) => linesOf(reply).slice(2).map((row) => row.split(/\s+/)[0]!).sort();
const SECRETS_REFUSED = /^Refused: Secrets are never shown from chat/;

/**
 * `@bot <text>` from `from` in a conversation (a channel, or a thread: threadOf(channel, root));
 * resolves with the bot's reply to that very message (the turn ends only after the reply is sent).
 */
async function ask(from: TeamsUser, conversationId: string, text: string): Promise<StoredActivity> {
  const answer = await teams.message(from, conversationId, text);
  expect(answer.status).toBe(200);
  const sent = fake!.stored.filter((s) => !s.fromBot).at(-1)!;
  expect(sent.activity.text).toContain(text);
  const replies = fake!.botMessages().filter((m) => m.activity.replyToId === sent.id);
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

/** A reply shown to everyone: no mention of anyone. */
function expectPublic(reply: StoredActivity): void {
  expect(reply.activity.entities ?? []).toEqual([]);
  expect(reply.activity.text ?? '').not.toMatch(/<at>/);
}

/** A reply addressed to `user` by an @mention (Teams' stand-in for an ephemeral answer); returns the text after the mention. */
function addressedTo(reply: StoredActivity, user: TeamsUser): string {
  const tag = `<at>${user.name}</at>`;
  expect(reply.activity.entities).toEqual([{ type: 'mention', text: tag, mentioned: { id: user.id, name: user.name } }]);
  expect(reply.activity.text.startsWith(`${tag} `)).toBe(true);
  return reply.activity.text.slice(tag.length + 1);
}

describe('/kubectl by @mention in a Teams channel', () => {
  beforeEach(() => sim!.clearRequests());

  it('shows a roster person the pods of the simulated cluster in a channel whose policy allows it, as a reply for everyone', async () => {
    const reply = await ask(users.alice, OPS, 'kubectl get pods -n shop');
    expect(reply.conversationId).toBe(OPS);
    expectPublic(reply);
    const [head, columns] = linesOf(reply);
    expect(head).toBe('$ kubectl get pods -n shop  [cluster shop-prod, namespace shop]');
    expect(columns).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(shopPods()).toHaveLength(3);
    expect(namesIn(reply)).toEqual(shopPods());
    expect(textOf(reply)).toMatch(/\ncheckout-\S+\s+0\/1\s+CrashLoopBackOff\s/);
    // Read with the cluster's read-only identity, nothing else.
    expect(sim!.requests().map((r) => `${r.method} ${r.path} ${r.token}`)).toEqual(['GET /api/v1/namespaces/shop/pods readOnly']);
  });

  it('applies each channel its own policy: dev gets nodes but is refused pods, addressed to the person who asked', async () => {
    const nodes = await ask(users.bob, DEV, 'kubectl get nodes');
    expectPublic(nodes);
    expect(namesIn(nodes)).toEqual(sim!.list('v1', 'Node').map((n) => n.metadata.name).sort());
    expect(textOf(nodes)).toMatch(/\nnode-2\s+NotReady\s/);
    sim!.clearRequests();

    const pods = await ask(users.bob, DEV, 'kubectl get pods -n shop');
    expect(pods.conversationId).toBe(DEV);
    expect(addressedTo(pods, users.bob)).toBe('Refused: pods may not be read on cluster "shop-prod" from this channel; allowed: nodes.');
    const logs = await ask(users.bob, DEV, 'kubectl logs deploy/checkout -n shop');
    expect(addressedTo(logs, users.bob)).toBe('Refused: "kubectl logs" is not allowed on cluster "shop-prod" from this channel; allowed: get.');
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses the same command in a configured channel without a /kubectl policy, addressed to the person who asked', async () => {
    const reply = await ask(users.alice, ALERTS, 'kubectl get pods -n shop');
    expect(reply.conversationId).toBe(ALERTS);
    expect(addressedTo(reply, users.alice)).toBe('Refused: /kubectl is not enabled in #alerts (teams). An admin can allow it under kubectl.channels in the config.');
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses it in a channel the config does not name at all', async () => {
    const reply = await ask(users.alice, LOBBY, 'kubectl get pods -n shop');
    expect(addressedTo(reply, users.alice)).toBe('Refused: /kubectl is not enabled in this teams conversation. An admin can allow it under kubectl.channels in the config.');
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses a namespace the channel may not read', async () => {
    const reply = await ask(users.carol, OPS, 'kubectl get pods -n kube-system');
    expect(addressedTo(reply, users.carol)).toBe('Refused: namespace "kube-system" may not be read from this channel; allowed: shop, payments. Add -n <namespace>.');
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses someone who is not on the roster even in a channel that allows /kubectl', async () => {
    const reply = await ask(users.mallory, OPS, 'kubectl get pods -n shop');
    expect(addressedTo(reply, users.mallory)).toBe('Refused: Mallory is not on the roster, so /kubectl is not available to them.');
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses Secrets in every channel, whatever the channel may read', async () => {
    for (const channel of [OPS, DEV, ALERTS, LOBBY]) {
      for (const args of ['get secrets', 'get secret db-creds -n shop', 'describe secret/db-creds', 'get secrets -A']) {
        const reply = await ask(users.alice, channel, `kubectl ${args}`);
        expect(addressedTo(reply, users.alice)).toMatch(SECRETS_REFUSED);
      }
    }
    expect(sim!.requests()).toEqual([]);
  });
});

describe('/kubectl by @mention in a Teams incident thread', () => {
  let id: string;
  let thread: string;

  beforeAll(async () => {
    const res = await stack!.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'shop-prod', resource: { kind: 'Pod', name: 'checkout-x', namespace: 'shop' } }) });
    expect(res.status).toBe(202);
    id = ((await res.json()) as { incidentId: string }).incidentId;
    const posted = await eventually(async () => (await state()).messages.find((m) => m.platform === 'teams' && m.channel === 'ops'), 'the alert card in ops');
    thread = threadOf(OPS, posted.id);
  }, 60_000);
  beforeEach(() => sim!.clearRequests());

  const state = async (): Promise<IncidentState> => (await (await stack!.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' })).json()) as IncidentState;
  const kubectlEntries = async () => (await state()).timeline.filter((e) => e.type === 'kubectl').map((e) => ({ actor: e.actor, text: e.text }));

  it('answers "kubectl get pods" in the thread, reading the incident namespace, and records it in the timeline', async () => {
    const reply = await ask(users.alice, thread, 'kubectl get pods');
    expect(reply.replyToId).toBe(thread.split(';messageid=')[1]);
    expectPublic(reply);
    expect(linesOf(reply)[0]).toBe('$ kubectl get pods  [cluster shop-prod, namespace shop]');
    expect(namesIn(reply)).toEqual(shopPods());
    expect(sim!.requests().map((r) => `${r.method} ${r.path} ${r.token}`)).toEqual(['GET /api/v1/namespaces/shop/pods readOnly']);
    await eventually(async () => (await kubectlEntries()).length >= 1, 'the kubectl entry in the timeline');
    expect(await kubectlEntries()).toEqual([{ actor: 'alice', text: 'kubectl get pods (3 rows)' }]);
  });

  it('refuses "kubectl get secrets" in the thread, addressed to the person who asked, and records the refusal', async () => {
    const reply = await ask(users.bob, thread, 'kubectl get secrets');
    expect(addressedTo(reply, users.bob)).toMatch(SECRETS_REFUSED);
    await eventually(async () => (await kubectlEntries()).length >= 2, 'the refusal in the timeline');
    expect((await kubectlEntries())[1]).toEqual({ actor: 'bob', text: 'refused: kubectl get secrets (Secrets are never shown from chat.)' });
    expect(sim!.requests()).toEqual([]);
  });
});
