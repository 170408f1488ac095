// Top-owner resolution: Pod -> ReplicaSet -> Deployment, Pod -> Job -> CronJob, Pod -> StatefulSet
// or DaemonSet. Incidents group on the top owner, so ten crashing replicas are one incident.
import type { ResourceRef } from '../workflows/definitions';
import { refOf, type K8sObject, type OwnerReference } from '../kube/objects';

/** Finds a cached object by kind; undefined when it is not (yet) in the cache. */
export type ObjectLookup = (kind: string, namespace: string | undefined, name: string) => K8sObject | undefined;

/** Kinds whose own controller we follow through the cache. */
const INTERMEDIATE = new Set(['ReplicaSet', 'Job']);

export function controllerOf(obj: K8sObject): OwnerReference | undefined {
  const refs = obj.metadata?.ownerReferences ?? [];
  return refs.find((r) => r.controller) ?? refs[0];
}

export interface TopOwner {
  ref: ResourceRef;
  /** The owner object when cached (for its labels and annotations). */
  object?: K8sObject;
}

/** The object's top controller, or the object itself when nothing owns it. */
export function topOwner(kind: string, obj: K8sObject, lookup: ObjectLookup): TopOwner {
  const namespace = obj.metadata?.namespace;
  let current: TopOwner = { ref: refOf(kind, obj), object: obj };
  let currentObj: K8sObject | undefined = obj;
  for (let depth = 0; depth < 5 && currentObj; depth++) {
    const owner = controllerOf(currentObj);
    if (!owner) break;
    const ownerObj = lookup(owner.kind, namespace, owner.name);
    const ref: ResourceRef = { kind: owner.kind, name: owner.name, ...(namespace ? { namespace } : {}), ...(owner.apiVersion ? { apiVersion: owner.apiVersion } : {}) };
    current = { ref, object: ownerObj };
    if (!INTERMEDIATE.has(owner.kind)) break;
    if (!ownerObj) {
      // The ReplicaSet is not cached yet (its watch lags the pod's): the Deployment controller names
      // it `<deployment>-<pod-template-hash>`, so the Deployment is known without the cache.
      const hash = obj.metadata?.labels?.['pod-template-hash'];
      if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
        const name = owner.name.slice(0, -hash.length - 1);
        current = { ref: { kind: 'Deployment', name, ...(namespace ? { namespace } : {}), apiVersion: 'apps/v1' }, object: lookup('Deployment', namespace, name) };
      }
      break;
    }
    currentObj = ownerObj;
  }
  if (current.ref.kind === kind && current.ref.name === obj.metadata?.name) return { ref: current.ref, object: obj };
  return current;
}
