// Plain-JSON views of Kubernetes objects as the watcher's informers cache them and its detectors
// read them, with small readers. Lists from the typed client are normalized to wire JSON
// (timestamps as strings) so list results and watch events look the same to the detectors.
import type { ResourceRef } from '../workflows/definitions';

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: any;
  status?: any;
  [field: string]: unknown;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** `Kind/namespace/name`, the tracker's identity of an object. */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export function refOf(kind: string, obj: K8sObject, apiVersion?: string): ResourceRef {
  const ref: ResourceRef = { kind, name: obj.metadata?.name ?? '' };
  if (obj.metadata?.namespace) ref.namespace = obj.metadata.namespace;
  if (apiVersion ?? obj.apiVersion) ref.apiVersion = apiVersion ?? obj.apiVersion;
  return ref;
}

export function refKey(ref: ResourceRef): string {
  return objectKey(ref.kind, ref.namespace, ref.name);
}

/** Milliseconds since the epoch of a Kubernetes timestamp (string on the wire, Date from typed lists). */
export function timeMs(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

export function conditionOf(obj: K8sObject, type: string): Condition | undefined {
  const list = obj.status?.conditions;
  return Array.isArray(list) ? (list as Condition[]).find((c) => c?.type === type) : undefined;
}

/** Reads a dotted path like `status.phase`; undefined when any step is missing. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Class instances with Date fields (typed list results) -> wire JSON. */
export function toWireJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
