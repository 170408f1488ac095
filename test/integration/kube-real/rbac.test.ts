// The chart's RBAC on the real kube-apiserver: `helm template` renders the ServiceAccounts, the
// read-only ClusterRole and the watcher's Lease Role with their bindings; they are applied as
// rendered, and each process authenticates with its own ServiceAccount's token (TokenRequest, what
// a pod gets). A whole incident runs under them (watch, Lease, diagnostics, /kubectl get pods, ack,
// resolve) and the apiserver's audit log shows no refused request; Secrets and writes are refused
// by the apiserver's own authorizer (403), not by our code.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalMessage } from '../../../platforms/local/shared/protocol';
import type { Config } from '../../../config/schema';
import { incidentWorkflowId, type IncidentState } from '../../../workflows/definitions';
import { LEASE_RULE, READ_ONLY_RULES } from '../../../simcluster/auth';
import { runTestWorker } from '../../helpers/temporal';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { CHART, helmBin, manifests, type Manifest } from '../charts/helm';
import { fastWatch, Resources } from '../watcher/helpers';
import { collection, RealCluster, type Obj } from './cluster';

const kube = new RealCluster();
const res = new Resources();
const COMPONENTS = ['watcher', 'worker', 'api'] as const;
type Component = (typeof COMPONENTS)[number];
const RBAC_KINDS = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
let stack: Stack;
let release: string; // the release namespace (ServiceAccounts, the Lease)
let app: string; // where the crash loop runs
let rbac: Manifest[];
const tokens = {} as Record<Component, string>;
const accounts = {} as Record<Component, string>;

/** The chart rendered for in-cluster use with the watcher on: the objects its RBAC consists of. */
function renderedRbac(namespace: string): Manifest[] {
  const name = `it${namespace.slice(-6)}`; // cluster-scoped names must not meet other runs' renders
  const r = spawnSync(helmBin(), [
    'template', name, CHART, '--namespace', namespace, '--set', 'watcher.enabled=true', '--set', 'watcher.cluster=rbac',
    '--set', 'config.clusters[0].name=rbac', '--set', 'config.clusters[0].inCluster=true',
  ], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return manifests(r.stdout).filter((m) => RBAC_KINDS.has(m.kind));
}

const withKubeconfig = (config: Config, kubeconfig: string): Config => ({ ...config, clusters: config.clusters.map((c) => ({ ...c, kubeconfig })) });

beforeAll(async () => {
  release = await kube.namespace('incidents');
  app = await kube.namespace('real-app');
  rbac = renderedRbac(release);
  for (const m of rbac) await kube.create(m as Obj, m.kind.startsWith('Cluster') ? undefined : release);
  for (const c of COMPONENTS) {
    const sa = rbac.find((m) => m.kind === 'ServiceAccount' && m.metadata.labels?.['app.kubernetes.io/component'] === c);
    if (!sa) throw new Error(`the chart rendered no ServiceAccount for the ${c}`);
    accounts[c] = sa.metadata.name;
    tokens[c] = await kube.serviceAccountToken(release, sa.metadata.name);
  }
  const kubeconfigs = Object.fromEntries(COMPONENTS.map((c) => [c, join(res.dir, `${c}.kubeconfig`)])) as Record<Component, string>;
  for (const c of COMPONENTS) kube.writeKubeconfig(kubeconfigs[c], { token: tokens[c], name: c });

  const chain = await kube.deployment(app, 'checkout', 3);
  for (const pod of chain.pods) await kube.crashLoop(pod, 3);
  await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-creds', namespace: app }, stringData: { password: 'not-for-chat' } });

  // The api's identity is the stack's; the worker and the watcher get their own.
  stack = await startStack({
    config: (raw) => {
      raw.clusters = [{
        name: 'rbac', kubeconfig: kubeconfigs.api,
        watch: fastWatch({ namespaces: { include: [app] }, leaderElection: { enabled: true, namespace: release, leaseDuration: '3s', renewDeadline: '2s', retryPeriod: '500ms' } }),
      }];
      raw.kubectl = { channels: [{ platform: 'local', channel: 'incidents', cluster: 'rbac', namespaces: [app] }] };
    },
  });
  const worker = await runTestWorker(stack.env, { config: withKubeconfig(stack.config, kubeconfigs.worker) });
  res.add(() => worker.stop());
  await res.watcher(withKubeconfig(stack.config, kubeconfigs.watcher), 'rbac', stack.client);
}, 120_000);

afterAll(async () => {
  await res.cleanup().finally(() => stack?.stop());
});

const json = async (r: Response): Promise<any> => r.json();
const messages = async (): Promise<LocalMessage[]> => (await json(await stack.request('/local-chat/api/channels/incidents/messages'))).messages;
const command = async (text: string, threadId: string, user = 'alice') =>
  (await json(await stack.request('/local-chat/api/command', { json: { user, channel: 'incidents', threadId, text } }))).reply as { text: string; outcome?: string };

interface AuditEvent {
  user: { username: string };
  verb: string;
  requestURI: string;
  objectRef?: { resource?: string; subresource?: string };
  responseStatus?: { code?: number };
}

function audit(): AuditEvent[] {
  return readFileSync(kube.conn.auditLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
}

describe('the chart\'s RBAC on a real API server', () => {
  const id = () => incidentWorkflowId('rbac', `deployment:${app}:checkout:crashloopbackoff`);

  it('runs a whole incident under the watcher, worker and api ServiceAccounts, with no request refused', async () => {
    const state = async (): Promise<IncidentState> => json(await stack.request(`/api/incidents/${encodeURIComponent(id())}`, { token: 'ops' }));
    const opened = await eventually(async () => {
      const s = await state().catch(() => undefined);
      return s?.occurrences?.count === 3 && s.diagnostics ? s : undefined;
    }, 'the incident, detected by the watcher and diagnosed by the worker', 60_000);
    expect(opened).toMatchObject({ kind: 'CrashLoopBackOff', owner: { kind: 'Deployment', name: 'checkout', namespace: app } });
    expect(opened.diagnostics?.digest).toContain(`3/3 pods of Deployment ${app}/checkout crash-looping`);
    const card = await eventually(async () => (await messages()).find((m) => m.incidentId === id() && m.card && !m.threadId), 'the alert card');
    await eventually(async () => (await messages()).find((m) => m.threadId === card.id && m.text.startsWith('Diagnostics:')), 'the digest in the thread');

    const pods = await command('/kubectl get pods', card.id);
    expect(pods.text.split('\n')[0]).toBe(`$ kubectl get pods  [cluster rbac, namespace ${app}]`);
    const rows = pods.text.split('\n').filter((l) => l.startsWith('checkout-'));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/^checkout-\S+\s+0\/1\s+CrashLoopBackOff\s+3\s/);

    expect((await command('/ack', card.id)).outcome).toBe('done');
    expect((await command('/resolve rolled back', card.id)).outcome).toBe('done');
    await eventually(async () => (await state()).status === 'resolved', 'the resolved incident');

    // Every request of the three identities was allowed, and each identity did its part.
    const byUser = (c: Component) => audit().filter((e) => e.user.username === `system:serviceaccount:${release}:${accounts[c]}`);
    for (const c of COMPONENTS) expect(byUser(c).filter((e) => [401, 403].includes(e.responseStatus?.code ?? 0))).toEqual([]);
    expect(byUser('watcher').some((e) => e.verb === 'watch' && e.objectRef?.resource === 'pods')).toBe(true);
    expect(byUser('watcher').some((e) => e.verb === 'update' && e.objectRef?.resource === 'leases')).toBe(true);
    expect(byUser('worker').some((e) => e.verb === 'list' && e.objectRef?.resource === 'pods')).toBe(true);
    // Previous logs were allowed (no kubelet here, so the read itself then fails with 404).
    expect(byUser('worker').some((e) => e.objectRef?.subresource === 'log' && e.responseStatus?.code === 404)).toBe(true);
    expect(byUser('api').some((e) => e.verb === 'list' && e.requestURI.startsWith(`/api/v1/namespaces/${app}/pods`))).toBe(true);
    for (const c of COMPONENTS) expect(byUser(c).filter((e) => e.objectRef?.resource === 'secrets')).toEqual([]);
  }, 120_000);

  it('refuses Secrets from chat, and the apiserver refuses each identity a Secret and any write (403)', async () => {
    const card = (await messages()).find((m) => m.incidentId === id() && m.card && !m.threadId)!;
    expect((await command('/kubectl get secrets', card.id)).text).toMatch(/Secrets are never shown from chat/);
    const secret = `${collection('v1', 'Secret', app)}/db-creds`;
    const pod = (await kube.call('GET', collection('v1', 'Pod', app))).body.items[0].metadata.name as string;
    for (const c of COMPONENTS) {
      const read = await kube.call('GET', secret, undefined, { token: tokens[c], allow: [403] });
      expect([c, read.status, read.body.reason]).toEqual([c, 403, 'Forbidden']);
      expect(read.body.message).toContain(`cannot get resource "secrets" in API group "" in the namespace "${app}"`);
      expect((await kube.call('GET', collection('v1', 'Secret', app), undefined, { token: tokens[c], allow: [403] })).status).toBe(403);
      expect((await kube.call('DELETE', `${collection('v1', 'Pod', app)}/${pod}`, undefined, { token: tokens[c], allow: [403] })).status).toBe(403);
    }
    // Still there: the refused delete changed nothing.
    expect((await kube.call('GET', `${collection('v1', 'Pod', app)}/${pod}`)).status).toBe(200);
  });

  it('grants the simulated cluster\'s read-only identity exactly the rendered rules', () => {
    const rules = (kind: string, suffix: string) => {
      const role = rbac.find((m) => m.kind === kind && m.metadata.name.endsWith(suffix));
      if (!role) throw new Error(`no ${kind} named *${suffix} in the render: update simcluster/auth.ts's rules with the chart`);
      return role.rules.map((r: Record<string, unknown>) => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs }));
    };
    expect(rules('ClusterRole', '-reader')).toEqual(READ_ONLY_RULES);
    expect(rules('Role', '-watcher')).toEqual([LEASE_RULE]);
  });
});
