// startSimCluster: one simulated cluster = one store, one HTTP server on 127.0.0.1, its own tokens.
// Several can run side by side (separate ports, separate state).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { Authenticator } from './auth';
import { recordEvent } from './events';
import { Faults } from './faults';
import { requireKind } from './resources';
import { createHandler } from './router';
import { Store } from './store';
import { mergePatch } from './patch';
import type { CoreV1Event, EventInput, KubeObject, RequestRecord, SimCluster, SimClusterOptions, TokenName } from './types';
import { WatchHub } from './watch';

const MAX_LOG = 20_000;
const NAME = /^[A-Za-z0-9._-]{1,63}$/;

class SimClusterImpl implements SimCluster {
  constructor(
    readonly name: string,
    readonly url: string,
    readonly tokens: { readOnly: string; admin: string },
    readonly leaseNamespace: string,
    readonly readOnlyUser: string,
    readonly faults: Faults,
    private readonly store: Store,
    private readonly watches: WatchHub,
    private readonly log: RequestRecord[],
    private readonly server: Server,
  ) {}

  kubeconfigYaml(token: TokenName = 'readOnly'): string {
    const user = `${this.name}-${token}`;
    return stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // @kubernetes/client-node refuses plain http unless TLS verification is explicitly off.
      clusters: [{ name: this.name, cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: user, user: { token: this.tokens[token] } }],
      contexts: [{ name: this.name, context: { cluster: this.name, user, namespace: 'default' } }],
      'current-context': this.name,
      preferences: {},
    });
  }

  writeKubeconfig(path: string, token: TokenName = 'readOnly'): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.kubeconfigYaml(token), { mode: 0o600 });
  }

  apply(obj: KubeObject): KubeObject {
    const def = requireKind(obj.apiVersion, obj.kind);
    if (!obj.metadata?.name) throw new Error(`apply: ${obj.kind} needs metadata.name`);
    const ns = def.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
    const input = { ...obj, metadata: { ...obj.metadata, namespace: ns } };
    if (!this.store.get(def, ns, obj.metadata.name)) return this.store.create(def, input, 'sim');
    // apply always wins: it is the test's (or scenario's) word, not a client racing another.
    return this.store.update(def, { ...input, metadata: { ...input.metadata, resourceVersion: undefined } }, 'sim');
  }

  patchStatus(apiVersion: string, kind: string, namespace: string | undefined, name: string, status: unknown): KubeObject {
    const def = requireKind(apiVersion, kind);
    const cur = this.store.get(def, namespace, name);
    if (!cur) throw new Error(`patchStatus: ${kind} ${namespace ? `${namespace}/` : ''}${name} does not exist`);
    return this.store.update(def, { ...cur, status: mergePatch(cur.status, status) }, 'sim');
  }

  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    const def = requireKind(apiVersion, kind);
    if (this.store.get(def, namespace, name)) this.store.delete(def, namespace, name, { propagation: 'Background' });
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(requireKind(apiVersion, kind), namespace, name);
  }

  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    return this.store.list(requireKind(apiVersion, kind), namespace);
  }

  setLogs(namespace: string, pod: string, container: string, logs: { current?: string; previous?: string }): void {
    this.store.setLogs(namespace, pod, container, logs);
  }

  recordEvent(ev: EventInput): CoreV1Event {
    return recordEvent(this.store, ev);
  }

  requests(): RequestRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  openWatches(): number {
    return this.watches.count();
  }

  resourceVersion(): string {
    return String(this.store.currentRv());
  }

  async stop(): Promise<void> {
    this.watches.close();
    const closed = new Promise<void>((done) => this.server.close(() => done()));
    this.server.closeAllConnections();
    await closed;
  }
}

export async function startSimCluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
  const name = opts.name ?? 'sim';
  if (!NAME.test(name)) throw new Error(`cluster name "${name}" must be 1-63 letters, digits, ".", "_" or "-"`);
  const host = opts.host ?? '127.0.0.1';
  // Never listen beyond loopback: the tokens are test secrets and the state is fake.
  if (host !== '127.0.0.1') throw new Error(`the simulated cluster listens on 127.0.0.1 only (got host ${String(host)})`);
  const leaseNamespace = opts.leaseNamespace ?? 'default';
  const tokens = {
    readOnly: opts.tokens?.readOnly ?? `sim-ro-${randomBytes(16).toString('hex')}`,
    admin: opts.tokens?.admin ?? `sim-admin-${randomBytes(16).toString('hex')}`,
  };
  if (tokens.readOnly === tokens.admin) throw new Error('the readOnly and admin tokens must differ');
  const readOnlyUser = `system:serviceaccount:${leaseNamespace}:k8s-incident-flow`;
  const store = new Store();
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', leaseNamespace]) {
    if (!store.get(requireKind('v1', 'Namespace'), undefined, ns)) {
      store.create(requireKind('v1', 'Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, 'api');
    }
  }
  const watches = new WatchHub(store, opts.bookmarkIntervalMs ?? 10_000);
  const faults = new Faults(store, watches);
  const log: RequestRecord[] = [];
  let address = '127.0.0.1:0';
  const handler = createHandler({
    store,
    watches,
    faults,
    auth: new Authenticator(tokens, readOnlyUser),
    leaseNamespace,
    log,
    address: () => address,
  });
  const server = createServer((req, res) => {
    if (log.length > MAX_LOG) log.splice(0, MAX_LOG / 2);
    void handler(req, res);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen({ host, port: opts.port ?? 0 }, () => {
      server.off('error', fail);
      done();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `${host}:${port}`;
  return new SimClusterImpl(name, `http://${address}`, tokens, leaseNamespace, readOnlyUser, faults, store, watches, log, server);
}
