// Kubernetes objects as they arrive on the wire, for detector and tracker tests.
import { watchSchema, type WatchSettings } from '../../../config/schema-watch';
import type { DetectorContext } from '../../../watcher/detectors';
import type { K8sObject } from '../../../kube/objects';

export const NOW = Date.parse('2026-03-02T10:00:00Z');
export const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

export function settings(raw: Record<string, unknown> = {}): WatchSettings {
  return watchSchema.parse(raw);
}

export function ctx(over: Partial<DetectorContext> = {}, s: WatchSettings = settings()): DetectorContext {
  const marks = new Map<string, number>();
  return {
    now: NOW,
    thresholds: s.thresholds,
    cutoff: NOW - s.thresholds.staleAfter,
    since: (k) => marks.get(k) ?? (marks.set(k, NOW), NOW),
    forget: (k) => void marks.delete(k),
    podFindingsUnder: () => false,
    ...over,
  };
}

export function pod(name: string, o: { ns?: string; rs?: string; hash?: string; ready?: boolean; containers?: any[]; phase?: string; reason?: string; conditions?: any[]; owner?: { kind: string; name: string } } = {}): K8sObject {
  const ns = o.ns ?? 'shop';
  const hash = o.hash ?? '7d9f';
  const owner = o.owner ?? (o.rs === undefined ? { kind: 'ReplicaSet', name: `checkout-${hash}` } : { kind: 'ReplicaSet', name: o.rs });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, uid: `uid-${name}`, labels: { app: 'checkout', 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: 'x', controller: true }] },
    spec: { containers: [{ name: 'app' }] },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.reason ? { reason: o.reason } : {}),
      conditions: o.conditions ?? [{ type: 'Ready', status: o.ready ? 'True' : 'False' }],
      containerStatuses: o.containers ?? [{ name: 'app', ready: !!o.ready, restartCount: 0, state: { running: {} } }],
    },
  };
}

export const crashLoop = (restarts: number, lastReason = 'Error') => ({
  name: 'app',
  ready: false,
  restartCount: restarts,
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
  lastState: { terminated: { reason: lastReason, exitCode: lastReason === 'OOMKilled' ? 137 : 1, finishedAt: iso(5_000) } },
});

export const waiting = (reason: string, message = `${reason} happened`) => ({ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason, message } } });

export function replicaSet(name: string, deployment: string, ns = 'shop'): K8sObject {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: ns, uid: `uid-${name}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, uid: 'd', controller: true }] } };
}

export function node(name: string, conditions: Record<string, string>): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}` },
    status: { conditions: Object.entries(conditions).map(([type, status]) => ({ type, status, reason: `Kubelet${type}${status}`, message: `${type} is ${status}` })) },
  };
}

export function event(reason: string, message: string, o: { pod?: string; ns?: string; count?: number; msAgo?: number; type?: string; uid?: string } = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${o.pod ?? 'checkout-7d9f-a'}.${reason}`, namespace: o.ns ?? 'shop', uid: o.uid ?? `ev-${reason}-${o.pod ?? 'a'}` },
    involvedObject: { kind: 'Pod', name: o.pod ?? 'checkout-7d9f-a', namespace: o.ns ?? 'shop' },
    reason,
    message,
    type: o.type ?? 'Warning',
    count: o.count ?? 1,
    lastTimestamp: iso(o.msAgo ?? 1_000),
  };
}
