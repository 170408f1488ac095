// Pod state: container waiting/terminated reasons, unschedulable pods, evictions. Table-driven: a
// waiting reason maps to an anomaly kind; the most specific cause wins (a crash loop whose last exit
// was an OOM kill is OOMKilled).
import { refOf, conditionOf, timeMs, type K8sObject } from '../../kube/objects';
import type { DetectorKind } from './catalog';
import type { Detector, DetectorContext, Finding } from './types';

export const WAITING_REASONS: Record<string, DetectorKind> = {
  CrashLoopBackOff: 'CrashLoopBackOff',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImagePull: 'ImagePullBackOff',
  InvalidImageName: 'ImagePullBackOff',
  ErrImageNeverPull: 'ImagePullBackOff',
  CreateContainerConfigError: 'CreateContainerConfigError',
};

/** Restart-driven kinds count each restart as an occurrence. */
const COUNTS_RESTARTS = new Set<string>(['CrashLoopBackOff', 'OOMKilled']);

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; message?: string; exitCode?: number; finishedAt?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: string } };
}

/** Ready, or finished successfully: what clears a pod's findings. */
export function podHealthy(pod: K8sObject): boolean {
  if (pod.status?.phase === 'Succeeded') return true;
  return conditionOf(pod, 'Ready')?.status === 'True';
}

function containerFinding(pod: K8sObject, c: ContainerStatus, ctx: DetectorContext): Finding | undefined {
  const waiting = c.state?.waiting;
  const last = c.lastState?.terminated;
  const term = c.state?.terminated;
  let kind: DetectorKind | undefined = waiting?.reason ? WAITING_REASONS[waiting.reason] : undefined;
  let reason = waiting?.reason ?? '';
  let message = waiting?.message ?? '';
  const recentOom = last?.reason === 'OOMKilled' && (timeMs(last.finishedAt) ?? ctx.now) >= ctx.cutoff;
  if ((kind === 'CrashLoopBackOff' && last?.reason === 'OOMKilled') || term?.reason === 'OOMKilled' || (!kind && recentOom)) {
    kind = 'OOMKilled';
    reason = 'OOMKilled';
    message = `container ${c.name} was killed for exceeding its memory limit (exit code ${(term ?? last)?.exitCode ?? 137})`;
  }
  if (!kind) return undefined;
  const restarts = c.restartCount ?? 0;
  if (!message) message = kind === 'CrashLoopBackOff' ? `back-off restarting failed container ${c.name}` : `container ${c.name}: ${reason}`;
  else if (!message.includes(c.name)) message = `container ${c.name}: ${message}`;
  if (COUNTS_RESTARTS.has(kind)) message += ` (restarts: ${restarts})`;
  return {
    kind,
    resource: refOf('Pod', pod, 'v1'),
    object: pod,
    reason,
    message,
    mode: 'pod',
    source: `container:${c.name}`,
    ...(COUNTS_RESTARTS.has(kind) ? { counter: restarts } : {}),
  };
}

/** When the pod last changed condition: the eviction time of an evicted pod. */
function latestTransition(pod: K8sObject): number | undefined {
  const times = ((pod.status?.conditions ?? []) as { lastTransitionTime?: string }[]).map((c) => timeMs(c.lastTransitionTime)).filter((t): t is number => t !== undefined);
  return times.length ? Math.max(...times) : undefined;
}

export const detectPod: Detector = (pod, ctx) => {
  // A terminating pod is on its way out; its DELETE clears whatever it had.
  if (pod.metadata?.deletionTimestamp) return [];
  const out: Finding[] = [];
  const statuses: ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const c of statuses) {
    const f = containerFinding(pod, c, ctx);
    if (f) out.push(f);
  }
  const scheduled = conditionOf(pod, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    out.push({
      kind: 'FailedScheduling', resource: refOf('Pod', pod, 'v1'), object: pod, reason: 'Unschedulable',
      message: scheduled.message ?? 'the pod cannot be scheduled', mode: 'pod', source: 'scheduling',
    });
  }
  if (pod.status?.phase === 'Failed' && pod.status?.reason === 'Evicted') {
    out.push({
      kind: 'Evicted', resource: refOf('Pod', pod, 'v1'), object: pod, reason: 'Evicted',
      message: pod.status?.message ?? 'the pod was evicted', mode: 'once', source: `evicted:${pod.metadata?.uid ?? ''}`,
      observedAt: latestTransition(pod),
    });
  }
  return out;
};
