// core/v1 Events as kubelet and controllers write them: one object per (involved object, reason, type,
// source), whose count and lastTimestamp rise when the same thing happens again.
import { findByKind, groupVersion, RESOURCES } from './resources';
import { type Store, timestamp } from './store';
import type { CoreV1Event, EventInput, KubeObject } from './types';

const EVENTS = RESOURCES.find((d) => d.plural === 'events')!;

const COMPONENT: Record<string, string> = {
  Pod: 'kubelet',
  Node: 'kubelet',
  Deployment: 'deployment-controller',
  ReplicaSet: 'replicaset-controller',
  StatefulSet: 'statefulset-controller',
  DaemonSet: 'daemonset-controller',
  Job: 'job-controller',
  PersistentVolumeClaim: 'persistentvolume-controller',
  Certificate: 'cert-manager-certificates-trigger',
  Backup: 'velero-backup-controller',
};

let seq = 0n;

export function recordEvent(store: Store, ev: EventInput): CoreV1Event {
  const io = { ...ev.involvedObject };
  const def = io.apiVersion ? findByKind(io.apiVersion, io.kind) : RESOURCES.find((d) => d.kind === io.kind && !d.custom);
  let target: KubeObject | undefined;
  if (def) {
    io.apiVersion ??= groupVersion(def);
    target = store.get(def, def.namespaced ? io.namespace : undefined, io.name);
    if (target) {
      io.uid ??= target.metadata.uid;
      io.resourceVersion ??= target.metadata.resourceVersion;
    }
  }
  // Events about cluster-scoped objects (nodes) live in `default`, as on a real cluster.
  const namespace = io.namespace ?? ev.metadata?.namespace ?? 'default';
  const source = ev.source ?? {
    component: COMPONENT[io.kind] ?? 'sim-cluster',
    ...(io.kind === 'Pod' && target?.spec?.nodeName ? { host: target.spec.nodeName as string } : {}),
    ...(io.kind === 'Node' ? { host: io.name } : {}),
  };
  const now = timestamp();
  const existing = (store.list(EVENTS, namespace) as CoreV1Event[]).find(
    (e) =>
      e.involvedObject.kind === io.kind &&
      e.involvedObject.name === io.name &&
      (e.involvedObject.namespace ?? '') === (io.namespace ?? '') &&
      (!io.uid || !e.involvedObject.uid || e.involvedObject.uid === io.uid) &&
      e.reason === ev.reason &&
      e.type === ev.type &&
      e.source?.component === source.component,
  );
  if (existing) {
    const next: CoreV1Event = {
      ...existing,
      message: ev.message,
      count: ev.count ?? existing.count + 1,
      lastTimestamp: ev.lastTimestamp ?? now,
    };
    return store.update(EVENTS, next, 'sim') as CoreV1Event;
  }
  seq++;
  const suffix = (BigInt(Date.now()) * 1_000_000n + seq).toString(16);
  const event: CoreV1Event = {
    ...ev,
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { ...ev.metadata, name: ev.metadata?.name ?? `${io.name}.${suffix}`, namespace },
    involvedObject: io,
    reason: ev.reason,
    message: ev.message,
    type: ev.type,
    count: ev.count ?? 1,
    firstTimestamp: ev.firstTimestamp ?? now,
    lastTimestamp: ev.lastTimestamp ?? now,
    source,
    reportingComponent: ev.reportingComponent ?? source.component ?? '',
    reportingInstance: ev.reportingInstance ?? source.host ?? '',
  };
  return store.create(EVENTS, event, 'sim') as CoreV1Event;
}
