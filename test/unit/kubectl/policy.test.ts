import { loadConfigFile } from '../../../config/load';
import { join } from 'node:path';
import { authorize, choosePolicy, type Where } from '../../../api/kubectl/policy';
import { parseKubectl, type KubectlCommand } from '../../../api/kubectl/parse';
import { kubectlSchema, type KubectlConfig } from '../../../config/schema-diagnostics';
import { testConfig } from '../../helpers/config';

const cfg: KubectlConfig = kubectlSchema.parse({
  channels: [
    { platform: 'local', channel: 'incidents', cluster: 'prod', namespaces: ['shop', 'payments'] },
    { platform: 'local', channel: 'incidents', cluster: 'staging', namespaces: ['*'] },
    { platform: 'slack', channel: 'C123', cluster: 'prod', namespaces: ['shop'], verbs: ['get', 'describe'], resources: ['pods', 'deployments'] },
  ],
});
const cmd = (text: string): KubectlCommand => {
  const r = parseKubectl(text);
  if (!r.ok) throw new Error(r.error);
  return r.command;
};
function decide(text: string, where: Where) {
  const c = cmd(text);
  const chosen = choosePolicy(cfg, where, c);
  if (!chosen.ok) return chosen;
  const d = authorize(chosen.policy, c, where);
  return d.ok ? { ok: true as const, cluster: d.policy.cluster, namespace: d.namespace } : d;
}
const local: Where = { platform: 'local', channel: 'incidents' };
const slack: Where = { platform: 'slack', channel: 'C123' };

describe('the /kubectl channel policy', () => {
  it('refuses channels that are not listed, naming where to enable it', () => {
    expect(decide('get pods', { platform: 'local', channel: 'random' })).toEqual({ ok: false, error: 'Refused: /kubectl is not enabled in #random (local). An admin can allow it under kubectl.channels in the config.' });
    expect(decide('get pods', { platform: 'teams', channel: 'incidents' }).ok).toBe(false);
  });

  it('asks which cluster when a channel reaches several, and follows --cluster or the incident', () => {
    expect(decide('get pods', local)).toEqual({ ok: false, error: '#incidents (local) reaches several clusters (prod, staging); add --cluster <name>.' });
    expect(decide('get pods -n shop --cluster staging', local)).toEqual({ ok: true, cluster: 'staging', namespace: 'shop' });
    expect(decide('get pods --cluster dev', local)).toEqual({ ok: false, error: 'Refused: #incidents (local) may not read cluster "dev"; it may read "prod", "staging".' });
    expect(decide('get pods', { ...local, incidentCluster: 'prod', incidentNamespace: 'payments' })).toEqual({ ok: true, cluster: 'prod', namespace: 'payments' });
  });

  it('defaults the namespace to the incident, else the single allowed one, else default', () => {
    expect(decide('get pods', slack)).toEqual({ ok: true, cluster: 'prod', namespace: 'shop' });
    expect(decide('get pods', { ...slack, incidentNamespace: 'shop' })).toEqual({ ok: true, cluster: 'prod', namespace: 'shop' });
    expect(decide('get pods', { ...local, incidentCluster: 'staging' })).toEqual({ ok: true, cluster: 'staging', namespace: 'default' });
  });

  it('refuses namespaces, verbs and resources the channel lacks', () => {
    expect(decide('get pods -n kube-system', slack)).toEqual({ ok: false, error: 'Refused: namespace "kube-system" may not be read from this channel; allowed: shop. Add -n <namespace>.' });
    expect(decide('logs x', slack)).toEqual({ ok: false, error: 'Refused: "kubectl logs" is not allowed on cluster "prod" from this channel; allowed: get, describe.' });
    expect(decide('get svc', slack)).toEqual({ ok: false, error: 'Refused: services may not be read on cluster "prod" from this channel; allowed: pods, deployments.' });
    expect(decide('get pods -A', slack)).toEqual({ ok: false, error: 'Refused: -A/--all-namespaces needs a channel allowed in every namespace; this one may read shop.' });
    expect(decide('get pods -A --cluster staging', local)).toEqual({ ok: true, cluster: 'staging', namespace: 'default' });
  });

  it('counts the pods behind logs of a workload and leaves cluster-scoped reads out of namespace checks', () => {
    const narrow = kubectlSchema.parse({ channels: [{ platform: 'local', channel: 'x', cluster: 'c', namespaces: ['shop'], resources: ['deployments', 'nodes'] }] });
    const c = cmd('logs deploy/checkout');
    const p = choosePolicy(narrow, { platform: 'local', channel: 'x' }, c);
    expect(p.ok && authorize(p.policy, c, { platform: 'local', channel: 'x' })).toEqual({ ok: false, error: 'Refused: pods may not be read on cluster "c" from this channel; allowed: deployments, nodes.' });
    const n = cmd('get nodes -n whatever');
    const q = choosePolicy(narrow, { platform: 'local', channel: 'x' }, n);
    expect(q.ok && authorize(q.policy, n, { platform: 'local', channel: 'x' }).ok).toBe(true);
  });
});

describe('the kubectl configuration', () => {
  it('fills verbs and a resource list without ConfigMaps by default', () => {
    const c = kubectlSchema.parse({ channels: [{ platform: 'local', channel: 'x', cluster: 'c', namespaces: ['*'] }] });
    expect(c.channels[0]!.verbs).toEqual(['get', 'describe', 'logs', 'events', 'top']);
    expect(c.channels[0]!.resources).toContain('pods');
    expect(c.channels[0]!.resources).not.toContain('configmaps');
    expect(c.maxOutputChars).toBe(3_500);
    expect(c.timeout).toBe(10_000);
  });

  it('rejects Secrets in a resource list with a clear message', () => {
    const r = kubectlSchema.safeParse({ channels: [{ platform: 'local', channel: 'x', cluster: 'c', namespaces: ['*'], resources: ['pods', 'secrets'] }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('Secrets can never be read from chat; remove "secrets" from the list');
  });

  it('accepts the Kubernetes example in config/example.yaml', () => {
    const config = loadConfigFile(join(__dirname, '../../../config/example.yaml'));
    expect(config.clusters[0]!.diagnostics).toMatchObject({ timeout: 60_000, callTimeout: 10_000, logLines: 40 });
    expect(config.kubectl.channels.map((c) => c.channel)).toEqual(['incidents', 'war-room']);
  });

  it('rejects a channel naming a cluster that is not configured', () => {
    expect(() =>
      testConfig((raw) => {
        raw.clusters = [{ name: 'prod', kubeconfig: '/nonexistent' }];
        raw.kubectl = { channels: [{ platform: 'local', channel: 'incidents', cluster: 'staging', namespaces: ['*'] }] };
      }),
    ).toThrow(/kubectl\.channels\[0\]\.cluster: unknown cluster "staging"; clusters are "prod"/);
  });
});
