// /kubectl from the local chat, end to end: the api's command endpoint, the channel policy from the
// config, the real @kubernetes/client-node against the simulated cluster, and (in an incident
// thread) the note in the incident's timeline through the real workflow.
import type { LocalMessage } from '../../../platforms/local/shared/protocol';
import type { IncidentState } from '../../../workflows/definitions';
import { auditQuery, auditWorkflowId, type AuditEntry } from '../../../workflows/audit-definitions';
import { PLANTED_SECRETS, type SimCluster } from '../../../simcluster';
import { anomaly } from '../../helpers/anomaly';
import { startShopCluster, type ShopCluster } from '../../helpers/shop-cluster';
import { eventually, startStack, type Stack } from '../../helpers/stack';

let shop: ShopCluster | undefined;
let sim: SimCluster | undefined;
let stack: Stack | undefined;
beforeAll(async () => {
  shop = await startShopCluster();
  sim = shop.sim;
  const { kubeconfig } = shop;
  stack = await startStack({
    worker: true,
    config: (raw) => {
      raw.clusters = [{ name: 'shop-prod', kubeconfig, diagnostics: { enabled: false } }];
      // dan holds a role only in namespace shop of shop-prod (people[].grants).
      raw.people.push({ id: 'dan', name: 'Dan Brown', grants: [{ roles: ['responder'], clusters: ['shop-prod'], namespaces: ['shop'] }], chat: { local: 'dan' } });
      raw.kubectl = {
        channels: [
          { platform: 'local', channel: 'incidents', cluster: 'shop-prod', namespaces: ['shop'] },
          { platform: 'local', channel: 'ops', cluster: 'shop-prod', namespaces: ['*'], verbs: ['get', 'top'] },
        ],
      };
    },
  });
}, 120_000);
afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    await shop?.stop();
  }
});

const json = async (res: Response): Promise<any> => res.json();

interface Reply {
  text: string;
  ephemeral: boolean;
}
async function kubectl(text: string, opts: { channel?: string; user?: string; threadId?: string } = {}): Promise<Reply> {
  const res = await stack!.request('/local-chat/api/command', { json: { user: opts.user ?? 'alice', channel: opts.channel ?? 'incidents', text: `/kubectl ${text}`, ...(opts.threadId ? { threadId: opts.threadId } : {}) } });
  const body = await json(res);
  expect(body.ok).toBe(true);
  return body.reply;
}

describe('/kubectl refusals', () => {
  beforeEach(() => sim!.clearRequests());
  afterEach(() => {
    // A refusal never reaches the cluster.
    expect(sim!.requests()).toEqual([]);
  });

  it('refuses a verb that changes the cluster, saying it is read-only', async () => {
    const r = await kubectl('delete pod checkout-abc');
    expect(r.ephemeral).toBe(true);
    expect(r.text).toMatch(/^Refused: "kubectl delete" changes the cluster\. \/kubectl from chat is read-only; it allows get, describe, logs, events, top\./);
  });

  it.each(['get secrets', 'get secret db-creds', 'get sec', 'describe secret/db-creds', 'get pods,secrets', 'get Secrets.v1 -n shop', 'events --for secret/db-creds'])(
    'refuses Secrets however they are spelled: %s',
    async (cmd) => {
      const r = await kubectl(cmd);
      expect(r.text).toMatch(/^Refused: Secrets are never shown from chat/);
    },
  );

  it('refuses shell syntax with the reason instead of running anything', async () => {
    const r = await kubectl('get pods; rm -rf /');
    expect(r.text).toMatch(/^Refused: command chaining ";" is shell syntax\. \/kubectl runs one read-only command through the Kubernetes API, without a shell/);
    expect((await kubectl('get pods | grep checkout')).text).toMatch(/a pipe "\|" is shell syntax/);
    expect((await kubectl('get pods && reboot')).text).toMatch(/command chaining "&&" is shell syntax/);
    expect((await kubectl('logs $(whoami)')).text).toMatch(/command substitution "\$\(" is shell syntax/);
    expect((await kubectl('logs `id`')).text).toMatch(/command substitution with backticks is shell syntax/);
  });

  it('refuses an unknown flag and names it', async () => {
    expect((await kubectl('get pods --watch')).text).toMatch(/^Unknown flag --watch\. \/kubectl get accepts -n\/--namespace, -A\/--all-namespaces/);
    expect((await kubectl('get pods --kubeconfig=/etc/admin.conf')).text).toMatch(/^Unknown flag --kubeconfig\./);
    expect((await kubectl('logs checkout -f')).text).toMatch(/^Unknown flag -f\./);
  });

  it('refuses -o yaml, which could show credentials embedded in objects', async () => {
    expect((await kubectl('get deploy checkout -o yaml')).text).toMatch(/^Refused: -o yaml is not available from chat/);
  });

  it('applies the channel policy: unlisted channels, other namespaces, -A and verbs the channel lacks', async () => {
    expect((await kubectl('get pods', { channel: 'random' })).text).toBe('Refused: /kubectl is not enabled in #random (local). An admin can allow it under kubectl.channels in the config.');
    expect((await kubectl('get pods -n kube-system')).text).toBe('Refused: namespace "kube-system" may not be read from this channel; allowed: shop. Add -n <namespace>.');
    expect((await kubectl('get pods -A')).text).toMatch(/^Refused: -A\/--all-namespaces needs a channel allowed in every namespace; this one may read shop\./);
    expect((await kubectl('logs deploy/checkout', { channel: 'ops' })).text).toBe('Refused: "kubectl logs" is not allowed on cluster "shop-prod" from this channel; allowed: get, top.');
    expect((await kubectl('get configmaps')).text).toMatch(/^Refused: configmaps may not be read on cluster "shop-prod"/);
  });

  it('refuses people who are not on the roster', async () => {
    expect((await kubectl('get pods', { user: 'mallory' })).text).toBe('Refused: mallory is not on the roster, so /kubectl is not available to them.');
  });
});

describe('/kubectl answers like kubectl', () => {
  beforeEach(() => sim!.clearRequests());
  afterEach(() => {
    // Only reads, with the read-only identity; never a Secret.
    expect(sim!.requests().filter((r) => r.method !== 'GET' || r.token !== 'readOnly' || /\/secrets/.test(r.path))).toEqual([]);
  });

  it('lists pods as a NAME READY STATUS RESTARTS AGE table and shares it with the channel', async () => {
    const r = await kubectl('get po');
    expect(r.ephemeral).toBe(false);
    const [head, columns, ...rows] = r.text.split('\n');
    expect(head).toBe('$ kubectl get po  [cluster shop-prod, namespace shop]');
    expect(columns).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/^checkout-\S+\s+0\/1\s+CrashLoopBackOff\s+3 \(\S+ ago\)\s+\S+$/);
    const posted: LocalMessage[] = (await json(await stack!.request('/local-chat/api/channels/incidents/messages'))).messages;
    // In the channel the output is a fixed-width block under the command line (the page shows it as <pre>).
    expect(posted.some((m) => m.user === 'bot' && m.text === [head, '```', columns, ...rows, '```'].join('\n'))).toBe(true);
  });

  it('shows the wide columns, several types and cluster-scoped nodes', async () => {
    expect((await kubectl('get pods -o wide')).text.split('\n')[1]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE$/);
    const multi = await kubectl('get deploy,rs -l app=checkout');
    expect(multi.text).toMatch(/# deployments\nNAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ncheckout\s+0\/3\s+3\s+0\s/);
    expect(multi.text).toMatch(/# replicasets\nNAME\s+DESIRED\s+CURRENT\s+READY\s+AGE/);
    const nodes = await kubectl('get nodes', { channel: 'ops' });
    expect(nodes.text).toMatch(/\nnode-2\s+NotReady\s+<none>\s+\S+\s+v1\.31\.0/);
    expect((await kubectl('get pods nope-123')).text).toContain('Error from server (NotFound): pods "nope-123" not found in shop');
  });

  it('describes a deployment with its replicas, conditions and events', async () => {
    const r = await kubectl('describe deploy/checkout');
    expect(r.text).toContain('Replicas:             3 desired, 3 updated, 0 ready, 0 available, 3 unavailable');
    expect(r.text).toMatch(/Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+Normal\s+ScalingReplicaSet/);
  });

  it('cuts a long answer to the configured size and says so', async () => {
    const r = await kubectl('describe pods');
    expect(r.text.length).toBeLessThanOrEqual(3_500);
    expect(r.text).toMatch(/\n… \(output truncated: showing \d+ of \d+ characters\)$/);
  });

  it('shows previous logs of a deployment pod with secrets redacted', async () => {
    const r = await kubectl('logs deploy/checkout --previous --tail=20');
    expect(r.text).toMatch(/^\$ kubectl logs deploy\/checkout --previous --tail=20 {2}\[cluster shop-prod, namespace shop\]\nFound 3 pods, using pod\/checkout-/);
    expect(r.text).toContain('password=[REDACTED]');
    expect(r.text).toContain("TypeError: Cannot read properties of undefined (reading 'currency')");
    expect(r.text).not.toContain(PLANTED_SECRETS.password);
    expect(r.text).not.toContain(PLANTED_SECRETS.jwt.split('.')[1]);
  });

  it('lists events, warnings only, for one object', async () => {
    const pod = sim!.list('v1', 'Pod', 'shop')[0]!.metadata.name;
    const r = await kubectl(`events --for pod/${pod} --types Warning`);
    expect(r.text.split('\n')[1]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(r.text).toContain(`Warning   BackOff   pod/${pod}`);
  });

  it('answers top cleanly when the cluster has no metrics API', async () => {
    expect((await kubectl('top pods')).text).toMatch(/The metrics API \(metrics\.k8s\.io\) is not available on cluster "shop-prod"/);
  });
});

describe('/kubectl in an incident thread', () => {
  it('defaults to the incident namespace and records the command in the timeline', async () => {
    const s = stack!;
    const res = await s.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'shop-prod', resource: { kind: 'Pod', name: 'checkout-x', namespace: 'shop' } }) });
    const { incidentId } = await json(res);
    const card = await eventually(
      async () => ((await json(await s.request('/local-chat/api/channels/incidents/messages'))).messages as LocalMessage[]).find((m) => m.incidentId === incidentId && m.card && !m.threadId),
      'the alert card',
    );
    const r = await kubectl('get pods', { threadId: card.id });
    expect(r.text.split('\n')[0]).toBe('$ kubectl get pods  [cluster shop-prod, namespace shop]');
    await kubectl('get secrets', { threadId: card.id });
    const state = await eventually(async () => {
      const st: IncidentState = await json(await s.request(`/api/incidents/${encodeURIComponent(incidentId)}`, { token: 'ops' }));
      return st.timeline.filter((e) => e.type === 'kubectl').length >= 2 ? st : undefined;
    }, 'two kubectl entries in the timeline');
    const entries = state.timeline.filter((e) => e.type === 'kubectl').map((e) => ({ actor: e.actor, text: e.text }));
    expect(entries).toEqual([
      { actor: 'alice', text: 'kubectl get pods (3 rows)' },
      { actor: 'alice', text: 'refused: kubectl get secrets (Secrets are never shown from chat.)' },
    ]);
  });
});

describe('/kubectl scopes and the audit trail', () => {
  const trail = (cluster: string | undefined, match: (e: AuditEntry) => boolean) =>
    eventually(async () => {
      const view = await stack!.client.workflow.getHandle(auditWorkflowId(cluster)).query(auditQuery).catch(() => undefined);
      return view?.recent.find(match);
    }, `an audit entry in ${auditWorkflowId(cluster)}`);

  it('refuses a person with grants outside their namespaces and cluster-wide, saying which scope is missing', async () => {
    sim!.clearRequests();
    expect((await kubectl('get pods -n kube-system', { user: 'dan', channel: 'ops' })).text).toBe(
      'Refused: You (dan) may run /kubectl on namespace shop of cluster shop-prod only; this one is in namespace kube-system of cluster shop-prod. Ask an admin to add namespace kube-system of cluster shop-prod to people[dan].grants.',
    );
    expect((await kubectl('get nodes', { user: 'dan', channel: 'ops' })).text).toMatch(/^Refused: You \(dan\) may run \/kubectl on namespace shop of cluster shop-prod only; this one is cluster-wide in cluster shop-prod\./);
    expect(sim!.requests()).toEqual([]);
    expect((await kubectl('get pods -n shop', { user: 'dan', channel: 'ops' })).text.split('\n')[0]).toBe('$ kubectl get pods -n shop  [cluster shop-prod, namespace shop]');
  });

  it('audits commands typed outside any incident thread, run or refused, in the cluster trail', async () => {
    await kubectl('get deployments', { user: 'alice' });
    const ran = await trail('shop-prod', (e) => e.command === 'kubectl get deployments');
    expect(ran).toMatchObject({ actor: 'alice', via: 'local:alice', platform: 'local', channel: 'incidents', outcome: 'ran', detail: 'cluster shop-prod, namespace shop', namespace: 'shop' });
    expect(ran.incidentId).toBeUndefined();
    const refused = await trail('shop-prod', (e) => e.command === 'kubectl get nodes' && e.actor === 'dan');
    expect(refused).toMatchObject({ outcome: 'refused', detail: expect.stringMatching(/^You \(dan\) may run \/kubectl on namespace shop/) });
  });

  it('audits refusals that never reached a cluster in the audit/(none) trail', async () => {
    await kubectl('get pods', { user: 'mallory', channel: 'random' });
    expect(await trail(undefined, (e) => e.actor === 'local:mallory')).toMatchObject({ outcome: 'refused', command: 'kubectl get pods', detail: 'mallory is not on the roster, so /kubectl is not available to them.' });
  });
});
