// The public shapes of the simulated cluster. Objects are plain JSON as they travel on the wire, so
// the simulator stays independent of @kubernetes/client-node's classes (which turn timestamps into Dates).

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** Any Kubernetes object as JSON; `spec`/`status` stay loose because every kind differs. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [field: string]: unknown;
}

export interface ObjectReference {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** core/v1 Event as the simulator writes it (the legacy event API kubelet and controllers still use). */
export interface CoreV1Event extends KubeObject {
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

export interface EventInput {
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  /** Optional name/namespace; by default `<object>.<hex>` in the object's namespace (`default` for nodes). */
  metadata?: Partial<ObjectMeta>;
  /** Count to set (default: 1 for a new event, previous + 1 for a repeat). */
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  /** Default: the usual component for the kind (kubelet for pods and nodes, job-controller for jobs...). */
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

export type TokenName = 'readOnly' | 'admin';

export interface RequestRecord {
  method: string;
  /** URL path without the query string, e.g. /api/v1/namespaces/shop/pods */
  path: string;
  /** The raw query string without `?` ('' when none). */
  query: string;
  status: number;
  /** Which token the caller used: readOnly, admin, none (no header) or invalid. Never the secret. */
  token: string;
}

export interface SimFaults {
  /** Ends every open watch stream abruptly (socket reset); `graceful` ends them cleanly instead. */
  dropWatches(opts?: { graceful?: boolean }): void;
  /** Open watch streams stay connected but receive nothing more (not even bookmarks). New watches work. */
  halfOpenWatches(): void;
  /** The next n API requests answer `status` (default 500) with a Status body; 429 adds Retry-After. */
  failNext(n: number, status?: number): void;
  /** Adds latency before every response (0 clears). */
  slow(ms: number): void;
  /** Forgets history: watches from an older resourceVersion get an ERROR event with a 410 Status. */
  compact(): void;
}

export interface SimCluster {
  readonly name: string;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** readOnly mirrors the chart's watcher/diagnostics ClusterRole (+ the Lease Role); admin may do everything. */
  readonly tokens: { readOnly: string; admin: string };
  /** The namespace where the readOnly identity may write Leases (its service account's namespace). */
  readonly leaseNamespace: string;
  /** The user name the readOnly token authenticates as, e.g. system:serviceaccount:default:k8s-incident-flow. */
  readonly readOnlyUser: string;
  kubeconfigYaml(token?: TokenName): string;
  writeKubeconfig(path: string, token?: TokenName): void;
  /** Create or replace (status included, unlike the HTTP API); creates a missing namespace. */
  apply(obj: KubeObject): KubeObject;
  /** JSON merge patch (RFC 7386) of `status`. Throws when the object does not exist. */
  patchStatus(apiVersion: string, kind: string, namespace: string | undefined, name: string, status: unknown): KubeObject;
  /** Deletes the object and, like the garbage collector, everything it owns. No-op when absent. */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  setLogs(namespace: string, pod: string, container: string, logs: { current?: string; previous?: string }): void;
  /** Writes a core/v1 Event; the same reason on the same object again raises `count` and `lastTimestamp`. */
  recordEvent(ev: EventInput): CoreV1Event;
  readonly faults: SimFaults;
  /** The request log (copies), oldest first. */
  requests(): RequestRecord[];
  clearRequests(): void;
  /** Number of watch streams currently open (for tests that wait for an informer to connect). */
  openWatches(): number;
  /** The current resourceVersion of the whole cluster. */
  resourceVersion(): string;
  stop(): Promise<void>;
}

export interface SimClusterOptions {
  name?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** Namespace of the readOnly service account, where it may manage Leases (default: `default`). */
  leaseNamespace?: string;
  /** Interval of BOOKMARK events for watches that allow them (default 10 s; the real server uses ~1 min). */
  bookmarkIntervalMs?: number;
  /** Fixed tokens (default: random per start). */
  tokens?: Partial<{ readOnly: string; admin: string }>;
}
