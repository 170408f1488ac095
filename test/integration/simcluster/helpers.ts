// Shared by the simulated-cluster tests: the real @kubernetes/client-node, clients for a cluster's
// tokens, a watch recorder and polling with a deadline (the machine is shared: never sleep blindly).
import { eventually as pollUntil } from '../../helpers/eventually';
import type {
  ApiException, AppsV1Api, BatchV1Api, CoordinationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig,
} from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { SimCluster, TokenName } from '../../../simcluster';

// The library is ESM only; Node 24 require()s it, TypeScript (node16, CommonJS) needs the typed form.
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- the only way to type the module object
type K8s = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const k8s: K8s = require('@kubernetes/client-node');

export interface Clients {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  coordination: CoordinationV1Api;
  custom: CustomObjectsApi;
}

export function clients(c: SimCluster, token: TokenName = 'readOnly'): Clients {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(c.kubeconfigYaml(token));
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    coordination: kc.makeApiClient(k8s.CoordinationV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
  };
}

/** The ApiException a call rejects with, with its Status body parsed. */
export async function apiError(p: Promise<unknown>): Promise<{ code: number; status: { reason: string; message: string; code: number } }> {
  try {
    await p;
  } catch (err) {
    const e = err as ApiException<unknown>;
    if (typeof e.code !== 'number') throw err;
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { code: e.code, status: body };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The shared poller, polling faster: the simulated cluster answers in milliseconds. */
export const eventually = <T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> =>
  pollUntil(fn, what, timeoutMs, 25);

export interface Recorded {
  events: { type: string; name?: string; rv?: string; object: any }[];
  done: Promise<unknown>;
  isDone: () => boolean;
  abort: () => void;
}

/** Opens a watch with the real Watch class and records what arrives until the stream ends. */
export async function record(kc: KubeConfig, path: string, query: Record<string, string | number | boolean | undefined>): Promise<Recorded> {
  const events: Recorded['events'] = [];
  let finished = false;
  let resolveDone!: (v: unknown) => void;
  const done = new Promise((r) => (resolveDone = r));
  const controller = await new k8s.Watch(kc).watch(
    path,
    query,
    (type, object: any) => events.push({ type, name: object?.metadata?.name, rv: object?.metadata?.resourceVersion, object }),
    (err) => {
      finished = true;
      resolveDone(err ?? null);
    },
  );
  return { events, done, isDone: () => finished, abort: () => controller.abort() };
}

/** Watches a test file opens, so afterEach can abort them all (`kc` is read when a watch starts). */
export function watchRecorder(kc: () => KubeConfig) {
  const open: Recorded[] = [];
  return {
    async watch(path: string, query: Record<string, string | number | boolean | undefined>): Promise<Recorded> {
      const r = await record(kc(), path, query);
      open.push(r);
      return r;
    },
    abortAll(): void {
      for (const r of open.splice(0)) r.abort();
    },
  };
}

export const podObject = (name: string, namespace = 'default', labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'app', image: 'registry.local/app:1' }], ...extra },
});
