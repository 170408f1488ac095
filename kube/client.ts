// The one place that turns a `clusters[]` entry into a Kubernetes client, shared by the worker
// (diagnostics), the api (/kubectl) and the watcher. It also wraps calls with a deadline and turns
// failures into KubeCallError with a reason a person can act on (forbidden, not found, timeout...).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type {
  ApisApi, AppsV1Api, BatchV1Api, ConfigurationOptions, CoreV1Api, CustomObjectsApi, KubeConfig, NetworkingV1Api, RequestContext, ResponseContext, StorageV1Api,
} from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

// @kubernetes/client-node is ESM only. Node 24 loads it with require(), but TypeScript's `node16`
// module mode refuses a static value import from CommonJS; so the one value import lives here, typed,
// and everything else imports types only (`import type ... with { 'resolution-mode': 'import' }`).
import type * as K8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const k8s: typeof K8s = require('@kubernetes/client-node');

/** What of a `clusters[]` entry is needed to connect (the config type has more). */
export interface ClusterConnection {
  name: string;
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
}

export class KubeConfigError extends Error {
  override name = 'KubeConfigError';
}

/**
 * KubeConfig for a cluster entry: the service account with `inCluster`, else the named kubeconfig
 * file, else $KUBECONFIG / ~/.kube/config; then the named context (default: current-context).
 * Throws KubeConfigError with the fix when something is missing.
 */
export function kubeConfigFor(cluster: ClusterConnection): KubeConfig {
  const kc = new k8s.KubeConfig();
  const where = `cluster "${cluster.name}"`;
  try {
    if (cluster.inCluster) kc.loadFromCluster();
    else if (cluster.kubeconfig) {
      if (!existsSync(cluster.kubeconfig)) throw new KubeConfigError(`${where}: the kubeconfig file ${cluster.kubeconfig} does not exist; fix clusters[].kubeconfig or mount the file`);
      kc.loadFromFile(cluster.kubeconfig);
    } else {
      // Without any kubeconfig the library would fall back to http://localhost:8080: say so instead.
      const fallback = join(homedir(), '.kube', 'config');
      if (!process.env.KUBECONFIG && !existsSync(fallback))
        throw new KubeConfigError(`${where}: no kubeconfig: set clusters[].kubeconfig, $KUBECONFIG or inCluster: true (${fallback} does not exist)`);
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof KubeConfigError) throw err;
    throw new KubeConfigError(`${where}: cannot load its Kubernetes config (${(err as Error).message})`);
  }
  if (cluster.context) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(cluster.context))
      throw new KubeConfigError(`${where}: context "${cluster.context}" is not in the kubeconfig; it has ${names.map((n) => `"${n}"`).join(', ') || 'no contexts'}`);
    kc.setCurrentContext(cluster.context);
  }
  if (!kc.getCurrentCluster())
    throw new KubeConfigError(`${where}: the kubeconfig has no current context with a cluster; set clusters[].context or inCluster: true`);
  return kc;
}

/** The typed read APIs the product uses. */
export interface KubeApis {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  storage: StorageV1Api;
  networking: NetworkingV1Api;
  custom: CustomObjectsApi;
  /** API group discovery (custom resources whose apiVersion is not known). */
  apis: ApisApi;
}

export function kubeApis(kc: KubeConfig): KubeApis {
  return {
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    storage: kc.makeApiClient(k8s.StorageV1Api),
    networking: kc.makeApiClient(k8s.NetworkingV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    apis: kc.makeApiClient(k8s.ApisApi),
  };
}

export type KubeFailure = 'forbidden' | 'unauthorized' | 'notFound' | 'timeout' | 'unavailable' | 'rateLimited' | 'error';

export class KubeCallError extends Error {
  override name = 'KubeCallError';
  constructor(
    message: string,
    readonly reason: KubeFailure,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Per-request options that abort the request after `timeoutMs` (or when `signal` aborts). */
export function withDeadline(timeoutMs: number, signal?: AbortSignal): ConfigurationOptions {
  const abort = signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  // The generated client chains middleware as its own minimal Observable (anything with toPromise).
  return {
    middleware: [
      {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(abort);
          return new k8s.Observable(Promise.resolve(ctx));
        },
        post: (res: ResponseContext) => new k8s.Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/**
 * Runs one API call with a deadline; failures become KubeCallError. `what` names the call in
 * messages ("list pods in shop").
 */
export async function kubeCall<T>(what: string, timeoutMs: number, fn: (options: ConfigurationOptions) => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await fn(withDeadline(timeoutMs, signal));
  } catch (err) {
    throw toKubeCallError(err, what, timeoutMs);
  }
}

export function toKubeCallError(err: unknown, what: string, timeoutMs?: number): KubeCallError {
  if (err instanceof KubeCallError) return err;
  const e = err as { code?: unknown; body?: unknown; name?: string; message?: string; cause?: { code?: string; message?: string } };
  // Before the HTTP check: an aborted fetch is a DOMException, whose numeric `code` is not a status.
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return new KubeCallError(`${what}: no answer within ${timeoutMs !== undefined ? `${timeoutMs / 1000}s` : 'the deadline'}`, 'timeout');
  if (err instanceof k8s.ApiException && typeof e.code === 'number') {
    const status = e.code;
    const detail = statusMessage(e.body);
    const reason: KubeFailure =
      status === 403 ? 'forbidden' : status === 401 ? 'unauthorized' : status === 404 ? 'notFound' : status === 429 ? 'rateLimited' : status >= 500 ? 'unavailable' : 'error';
    const text =
      reason === 'forbidden'
        ? `${what}: forbidden (403) for the read-only identity${detail ? `: ${detail}` : ''}`
        : reason === 'notFound'
          ? `${what}: not found (404)${detail ? `: ${detail}` : ''}`
          : reason === 'unauthorized'
            ? `${what}: the cluster rejected the credentials (401); check the kubeconfig token`
            : `${what}: HTTP ${status}${detail ? `: ${detail}` : ''}`;
    return new KubeCallError(text, reason, status);
  }
  const cause = e?.cause?.code ?? e?.cause?.message;
  return new KubeCallError(`${what}: cannot reach the API server (${cause ?? e?.message ?? String(err)})`, 'unavailable');
}

/** The `message` of a Kubernetes Status body (object or JSON text), cut to one short line. */
function statusMessage(body: unknown): string | undefined {
  let b: unknown = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body);
    } catch {
      return body.slice(0, 200) || undefined;
    }
  }
  const m = (b as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? m.slice(0, 300) : undefined;
}
