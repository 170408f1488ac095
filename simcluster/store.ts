// The simulated etcd: objects per resource, one cluster-wide resourceVersion counter, a bounded change
// history that watches replay from, compaction, owner-reference garbage collection and container logs.
import { randomUUID } from 'node:crypto';
import { defKey, type ResourceDef, RESOURCES } from './resources';
import { alreadyExists, conflict, invalid, notFound, StatusError } from './status';
import type { KubeObject } from './types';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface ChangeEvent {
  rv: number;
  def: ResourceDef;
  type: ChangeType;
  object: KubeObject;
  /** The object before a MODIFIED change (selectors decide whether a watcher sees ADDED/DELETED instead). */
  previous?: KubeObject;
}

/** 'sim' is the in-process path (scenarios, tests): status is written as given. 'api' behaves like HTTP. */
export type WriteMode = 'sim' | 'api';

const MAX_HISTORY = 10_000;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACES = RESOURCES.find((d) => d.plural === 'namespaces')!;

/** RFC 3339 with second precision, as the API server writes metav1.Time. */
export const timestamp = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const withoutRv = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
const specPart = (o: KubeObject) => stable({ ...o, metadata: undefined, status: undefined });
const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

export class Store {
  private rv = 0;
  private compactedRv = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private history: ChangeEvent[] = [];
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  private readonly logs = new Map<string, { current?: string; previous?: string }>();

  currentRv(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch may start from; older ones get 410 Gone. */
  oldestRv(): number {
    return this.compactedRv;
  }

  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  subscribe(fn: (e: ChangeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Changes of one resource after `rv`; throws 410 when they are no longer all known. */
  changesSince(def: ResourceDef, rv: number): ChangeEvent[] {
    if (rv < this.compactedRv) throw new StatusError(410, 'Expired', `too old resource version: ${rv} (${this.compactedRv})`);
    return this.history.filter((e) => e.rv > rv && e.def === def);
  }

  get(def: ResourceDef, ns: string | undefined, name: string): KubeObject | undefined {
    const o = this.objects.get(defKey(def))?.get(key(def.namespaced ? ns : undefined, name));
    return o && structuredClone(o);
  }

  list(def: ResourceDef, ns?: string): KubeObject[] {
    const all = [...(this.objects.get(defKey(def))?.values() ?? [])];
    return all
      .filter((o) => !ns || !def.namespaced || o.metadata.namespace === ns)
      .sort((a, b) => key(a.metadata.namespace, a.metadata.name).localeCompare(key(b.metadata.namespace, b.metadata.name)))
      .map((o) => structuredClone(o));
  }

  create(def: ResourceDef, input: KubeObject, mode: WriteMode): KubeObject {
    const obj = structuredClone(input);
    obj.metadata ??= { name: '' };
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomUUID().replace(/-/g, '').slice(0, 5);
    if (!meta.name) throw invalid(def, '', 'metadata.name: Required value: name or generateName is required');
    const nameOk = def.plural === 'namespaces' ? DNS_LABEL.test(meta.name) && meta.name.length <= 63 : DNS_SUBDOMAIN.test(meta.name) && meta.name.length <= 253;
    if (!nameOk) {
      throw invalid(def, meta.name, `metadata.name: Invalid value: "${meta.name}": a lowercase RFC 1123 name must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
    }
    if (def.namespaced) {
      meta.namespace ??= 'default';
      if (!this.get(NAMESPACES, undefined, meta.namespace)) {
        if (mode === 'api') throw notFound(NAMESPACES, meta.namespace);
        this.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: meta.namespace } }, 'api');
      }
    } else delete meta.namespace;
    if (this.get(def, meta.namespace, meta.name)) throw alreadyExists(def, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp();
    delete meta.deletionTimestamp;
    if (def.statusSubresource) meta.generation = 1;
    if (mode === 'api' && def.statusSubresource) obj.status = initialStatus(def);
    if (def.plural === 'namespaces') obj.spec ??= { finalizers: ['kubernetes'] };
    return this.commit(def, 'ADDED', obj);
  }

  /**
   * Replaces an object. `expectRv` (from the body's metadata.resourceVersion) makes it conditional:
   * a stale one is a 409 Conflict. Through the API the main resource keeps the stored status and the
   * status subresource keeps everything else, as with the real server.
   */
  update(def: ResourceDef, input: KubeObject, mode: WriteMode, subresource?: 'status'): KubeObject {
    const name = input.metadata?.name ?? '';
    const old = this.get(def, input.metadata?.namespace, name);
    if (!old) throw notFound(def, name);
    const expectRv = input.metadata.resourceVersion;
    if (expectRv && expectRv !== old.metadata.resourceVersion) throw conflict(def, name);
    let obj: KubeObject = structuredClone(input);
    if (subresource === 'status') obj = { ...old, status: obj.status };
    else if (mode === 'api' && def.statusSubresource) obj.status = old.status;
    obj.apiVersion = old.apiVersion;
    obj.kind = old.kind;
    obj.metadata = {
      ...(subresource === 'status' ? old.metadata : obj.metadata),
      name: old.metadata.name,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
      resourceVersion: old.metadata.resourceVersion,
    };
    if (def.namespaced) obj.metadata.namespace = old.metadata.namespace;
    else delete obj.metadata.namespace;
    if (def.statusSubresource) {
      obj.metadata.generation = (old.metadata.generation ?? 1) + (specPart(obj) !== specPart(old) ? 1 : 0);
    }
    // The real server does not write (nor bump resourceVersion for) an update that changes nothing.
    if (stable(withoutRv(obj)) === stable(withoutRv(old))) return old;
    return this.commit(def, 'MODIFIED', obj, old);
  }

  /** Deletes and garbage-collects dependents (propagation Background/Foreground), or orphans them. */
  delete(def: ResourceDef, ns: string | undefined, name: string, opts: { propagation?: string; expectRv?: string } = {}): KubeObject {
    const old = this.get(def, ns, name);
    if (!old) throw notFound(def, name);
    if (opts.expectRv && opts.expectRv !== old.metadata.resourceVersion) throw conflict(def, name);
    if (def.plural === 'namespaces') {
      for (const d of RESOURCES.filter((r) => r.namespaced)) {
        for (const o of this.list(d, name)) this.commit(d, 'DELETED', o, undefined, true);
      }
    }
    const uid = old.metadata.uid;
    const gone = this.commit(def, 'DELETED', { ...old, metadata: { ...old.metadata, deletionTimestamp: timestamp() } }, undefined, true);
    for (const d of RESOURCES) {
      for (const o of this.list(d)) {
        const refs = o.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === uid)) continue;
        if (opts.propagation === 'Orphan') {
          this.update(d, { ...o, metadata: { ...o.metadata, ownerReferences: refs.filter((r) => r.uid !== uid) } }, 'sim');
        } else if (this.get(d, o.metadata.namespace, o.metadata.name)) {
          this.delete(d, o.metadata.namespace, o.metadata.name, { propagation: opts.propagation });
        }
      }
    }
    return gone;
  }

  setLogs(ns: string, pod: string, container: string, logs: { current?: string; previous?: string }): void {
    this.logs.set(`${ns}/${pod}/${container}`, { ...this.logs.get(`${ns}/${pod}/${container}`), ...logs });
  }

  getLogs(ns: string, pod: string, container: string): { current?: string; previous?: string } {
    return this.logs.get(`${ns}/${pod}/${container}`) ?? {};
  }

  private commit(def: ResourceDef, type: ChangeType, obj: KubeObject, previous?: KubeObject, remove = false): KubeObject {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    const k = defKey(def);
    if (!this.objects.has(k)) this.objects.set(k, new Map());
    const objKey = key(obj.metadata.namespace, obj.metadata.name);
    if (remove) {
      this.objects.get(k)!.delete(objKey);
      if (def.plural === 'pods') {
        for (const lk of [...this.logs.keys()]) if (lk.startsWith(`${objKey}/`)) this.logs.delete(lk);
      }
    } else this.objects.get(k)!.set(objKey, structuredClone(obj));
    const ev: ChangeEvent = { rv: this.rv, def, type, object: structuredClone(obj), previous };
    this.history.push(ev);
    if (this.history.length > MAX_HISTORY) {
      this.history = this.history.slice(MAX_HISTORY / 10);
      this.compactedRv = this.history[0]!.rv - 1;
    }
    for (const fn of [...this.listeners]) fn(ev);
    return structuredClone(obj);
  }
}

function initialStatus(def: ResourceDef): unknown {
  if (def.kind === 'Pod') return { phase: 'Pending', qosClass: 'BestEffort' };
  if (def.kind === 'Namespace') return { phase: 'Active' };
  if (def.kind === 'PersistentVolumeClaim' || def.kind === 'PersistentVolume') return { phase: 'Pending' };
  return {};
}
