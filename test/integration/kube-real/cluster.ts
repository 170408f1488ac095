// What the missing controllers and kubelet would do on the run's real API server
// (test/helpers/kube-apiserver.ts): fresh namespaces with their `default` ServiceAccount, a
// Deployment -> ReplicaSet -> Pods chain with real owner references, pod status patched to crash-loop,
// etcd compaction, service-account tokens, and kubeconfig files for each identity.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { kubeFetch, runKubeConnection, type KubeConnection, type KubeUser } from '../../helpers/kube-apiserver';

export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string>; [k: string]: unknown };
  [field: string]: any;
}

export interface Chain {
  deployment: Obj;
  replicaSet: Obj;
  pods: Obj[];
}

const PLURAL: Record<string, string> = { Namespace: 'namespaces', ServiceAccount: 'serviceaccounts', Pod: 'pods', Secret: 'secrets', ConfigMap: 'configmaps' };

/** The collection path of a kind (core or a group), in a namespace or cluster-wide. */
export function collection(apiVersion: string, kind: string, namespace?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const plural = PLURAL[kind] ?? `${kind.toLowerCase()}s`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}`;
}

const owner = (o: Obj) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: true });

export class RealCluster {
  readonly conn: KubeConnection = runKubeConnection();

  /** One call as a token-file user or with a bearer token; throws on anything but 2xx unless `allow` lists the status. */
  async call(method: string, path: string, body?: unknown, o: { as?: KubeUser; token?: string; contentType?: string; allow?: number[] } = {}): Promise<{ status: number; body: any }> {
    const r = await kubeFetch(this.conn, o.token ?? this.conn.tokens[o.as ?? 'admin'], method, path, body, o.contentType);
    if ((r.status < 200 || r.status > 299) && !o.allow?.includes(r.status)) throw new Error(`${method} ${path}: HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 400)}`);
    return r;
  }

  async create(obj: Obj, namespace = obj.metadata.namespace): Promise<Obj> {
    const body = { ...obj, metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}) } };
    return (await this.call('POST', collection(obj.apiVersion, obj.kind, namespace), body)).body as Obj;
  }

  /** A new namespace `<prefix>-<random>` with its `default` ServiceAccount (the admission plugin needs it). */
  async namespace(prefix: string): Promise<string> {
    const name = `${prefix}-${randomBytes(3).toString('hex')}`;
    await this.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await this.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
    return name;
  }

  /** Deployment -> ReplicaSet `<name>-<hash>` -> `replicas` Pods, as the controllers would create them (no status yet). */
  async deployment(namespace: string, name: string, replicas: number): Promise<Chain> {
    const hash = randomBytes(5).toString('hex').slice(0, 9);
    const labels = { app: name };
    const podSpec = { containers: [{ name, image: `registry.local/${namespace}/${name}:1.0.0` }], restartPolicy: 'Always', serviceAccountName: 'default' };
    const deployment = await this.create({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels },
      spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
    });
    const rsLabels = { ...labels, 'pod-template-hash': hash };
    const replicaSet = await this.create({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${name}-${hash}`, namespace, labels: rsLabels, ownerReferences: [owner(deployment)] },
      spec: { replicas, selector: { matchLabels: rsLabels }, template: { metadata: { labels: rsLabels }, spec: podSpec } },
    });
    const pods: Obj[] = [];
    for (let i = 0; i < replicas; i++) {
      pods.push(
        await this.create({
          apiVersion: 'v1', kind: 'Pod',
          metadata: { name: `${replicaSet.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`, namespace, labels: rsLabels, ownerReferences: [owner(replicaSet)] },
          // Bound by name, as the scheduler would: no scheduler runs here.
          spec: { ...podSpec, nodeName: `node-${(i % 3) + 1}` },
        }),
      );
    }
    return { deployment, replicaSet, pods };
  }

  /** What the kubelet reports for a container that crashed `restarts` times and is backing off. */
  async crashLoop(pod: Obj, restarts = 1): Promise<Obj> {
    const container = pod.spec.containers[0].name as string;
    const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const cond = (type: string, ok: boolean) => ({ type, status: ok ? 'True' : 'False', lastTransitionTime: t, ...(ok ? {} : { reason: 'ContainersNotReady' }) });
    const status = {
      phase: 'Running', startTime: t, hostIP: '10.0.0.11', podIP: '10.244.1.20',
      conditions: [cond('Initialized', true), cond('Ready', false), cond('ContainersReady', false), cond('PodScheduled', true)],
      containerStatuses: [{
        name: container, image: pod.spec.containers[0].image, imageID: '', ready: false, started: false, restartCount: restarts,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=${container} pod=${pod.metadata.name}` } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: t, finishedAt: t } },
      }],
    };
    const path = `${collection('v1', 'Pod', pod.metadata.namespace)}/${pod.metadata.name}/status`;
    return (await this.call('PATCH', path, { status }, { contentType: 'application/merge-patch+json' })).body as Obj;
  }

  /** Compacts etcd at its current revision: watches from any older resourceVersion get 410 Gone. */
  async compact(): Promise<number> {
    const etcd = async (path: string, body: unknown) => {
      const r = await fetch(`${this.conn.etcd}${path}`, { method: 'POST', body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`etcd ${path}: HTTP ${r.status}: ${await r.text()}`);
      return (await r.json()) as { header: { revision: string } };
    };
    const revision = Number((await etcd('/v3/kv/range', { key: Buffer.from('/').toString('base64') })).header.revision);
    await etcd('/v3/kv/compaction', { revision, physical: true });
    return revision;
  }

  /** A token of a ServiceAccount from the TokenRequest API (what a pod's projected token is). */
  async serviceAccountToken(namespace: string, name: string): Promise<string> {
    const r = await this.call('POST', `${collection('v1', 'ServiceAccount', namespace)}/${name}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
    return r.body.status.token as string;
  }

  /** A kubeconfig file with the CA and a bearer token (a token-file user's, or any token). */
  writeKubeconfig(file: string, who: { as: KubeUser } | { token: string; name: string }): void {
    const [user, token] = 'as' in who ? [who.as, this.conn.tokens[who.as]] : [who.name, who.token];
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
        clusters: [{ name: 'real', cluster: { server: this.conn.url, 'certificate-authority-data': Buffer.from(this.conn.ca).toString('base64') } }],
        users: [{ name: user, user: { token } }],
        contexts: [{ name: 'test', context: { cluster: 'real', user } }],
      }),
      { mode: 0o600 },
    );
  }
}
