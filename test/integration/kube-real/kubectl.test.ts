// /kubectl from the local chat against the real kube-apiserver, as the token user `api` bound to the
// chart's read-only rules (the simulator's READ_ONLY_RULES, which rbac.test.ts checks against the
// rendered chart): the printers read objects the real server defaulted and stored, not the
// simulator's idea of them; a missing object is the real NotFound.
import { join } from 'node:path';
import { READ_ONLY_RULES } from '../../../simcluster/auth';
import { startStack, type Stack } from '../../helpers/stack';
import { Resources } from '../watcher/helpers';
import { collection, RealCluster, type Chain } from './cluster';

const kube = new RealCluster();
const res = new Resources();
let stack: Stack;
let ns: string;
let chain: Chain;

beforeAll(async () => {
  ns = await kube.namespace('real-kubectl');
  const role = `kubectl-reader-${ns}`;
  await kube.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role }, rules: READ_ONLY_RULES });
  await kube.create({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'api-reads', namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'api' }],
  });
  chain = await kube.deployment(ns, 'checkout', 3);
  for (const pod of chain.pods) await kube.crashLoop(pod, 2);
  const pod = chain.pods[0]!;
  const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await kube.create({
    apiVersion: 'v1', kind: 'Event', metadata: { name: `${pod.metadata.name}.backoff`, namespace: ns },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, namespace: ns, uid: pod.metadata.uid, fieldPath: 'spec.containers{checkout}' },
    reason: 'BackOff', message: 'Back-off restarting failed container checkout', type: 'Warning', count: 4,
    firstTimestamp: t, lastTimestamp: t, source: { component: 'kubelet', host: 'node-1' },
  });
  const kubeconfig = join(res.dir, 'api.kubeconfig');
  kube.writeKubeconfig(kubeconfig, { as: 'api' });
  stack = await startStack({
    config: (raw) => {
      raw.clusters = [{ name: 'real', kubeconfig, diagnostics: { enabled: false } }];
      raw.kubectl = { channels: [{ platform: 'local', channel: 'incidents', cluster: 'real', namespaces: [ns] }] };
    },
  });
}, 120_000);

afterAll(async () => {
  await res.cleanup().finally(() => stack?.stop());
});

async function kubectl(text: string): Promise<string> {
  const body = (await (await stack.request('/local-chat/api/command', { json: { user: 'alice', channel: 'incidents', text: `/kubectl ${text}` } })).json()) as { ok: boolean; reply: { text: string } };
  expect(body.ok).toBe(true);
  return body.reply.text;
}

describe('/kubectl on a real API server', () => {
  it('lists the crash-looping pods, wide, as kubectl prints them', async () => {
    const [head, columns, ...rows] = (await kubectl('get pods -o wide')).split('\n');
    expect(head).toBe(`$ kubectl get pods -o wide  [cluster real, namespace ${ns}]`);
    expect(columns).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE$/);
    expect(rows.filter((r) => r.startsWith('checkout-'))).toHaveLength(3);
    for (const row of rows.filter((r) => r.startsWith('checkout-'))) expect(row).toMatch(/^checkout-\S+\s+0\/1\s+CrashLoopBackOff\s+2 \(\S+ ago\)\s+\S+\s+10\.244\.1\.20\s+node-\d$/);
  });

  it('shows the Deployment and its ReplicaSet with the real server\'s defaults', async () => {
    const text = await kubectl('get deploy,rs -l app=checkout');
    expect(text).toMatch(/# deployments\nNAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ncheckout\s+0\/3\s+0\s+0\s/);
    expect(text).toContain(`\n${chain.replicaSet.metadata.name} `);
    // RollingUpdate with 25%/25% is what the apiserver filled in; the test never set a strategy.
    expect(await kubectl('describe deploy/checkout')).toMatch(/Strategy:\s+RollingUpdate/);
  });

  it('lists the warning events of one pod', async () => {
    const pod = chain.pods[0]!.metadata.name;
    const text = await kubectl(`events --for pod/${pod} --types Warning`);
    expect(text.split('\n')[1]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(text).toMatch(new RegExp(`Warning\\s+BackOff\\s+pod/${pod}\\s+Back-off restarting failed container checkout`));
  });

  it('answers a missing pod with the server\'s NotFound', async () => {
    expect(await kubectl('get pods nope-123')).toContain(`Error from server (NotFound): pods "nope-123" not found in ${ns}`);
  });

  it('reports what the identity may not read as the apiserver\'s Forbidden, not as an empty answer', async () => {
    // The binding is in this namespace only: nodes are cluster-scoped and not granted.
    await kube.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${ns}` } });
    const text = await kubectl('get nodes');
    expect(text).toBe('Error: list nodes: forbidden (403) for the read-only identity: nodes is forbidden: User "api" cannot list resource "nodes" in API group "" at the cluster scope');
    expect((await kube.call('GET', collection('v1', 'Node'), undefined, { as: 'api', allow: [403] })).status).toBe(403);
  });
});
