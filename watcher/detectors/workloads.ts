// Workloads and storage: Deployment/StatefulSet/DaemonSet replicas unavailable beyond a threshold,
// Deployment ProgressDeadlineExceeded, failed Jobs, PVCs Pending beyond a threshold. Replica and
// rollout problems are symptoms: while a pod of the same workload has a specific finding (crash
// loop, image pull), that finding is the incident and the symptom stays quiet.
import { conditionOf, objectKey, refOf, timeMs, type K8sObject } from '../../kube/objects';
import type { Detector, DetectorContext, Finding } from './types';

function unavailable(kind: string, obj: K8sObject): { missing: number; since?: number; message: string } | undefined {
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  if (kind === 'Deployment') {
    if (spec.paused || (spec.replicas ?? 1) === 0) return undefined;
    const available = conditionOf(obj, 'Available');
    const missing = st.unavailableReplicas ?? 0;
    if (missing <= 0 && available?.status !== 'False') return undefined;
    const since = available?.status === 'False' ? timeMs(available.lastTransitionTime) : undefined;
    return { missing, since, message: `${missing} of ${spec.replicas ?? 1} replicas unavailable${available?.message ? `: ${available.message}` : ''}` };
  }
  if (kind === 'StatefulSet') {
    const want = spec.replicas ?? 1;
    const ready = st.readyReplicas ?? 0;
    return ready < want ? { missing: want - ready, message: `${ready} of ${want} replicas ready` } : undefined;
  }
  if (kind === 'DaemonSet') {
    const missing = st.numberUnavailable ?? 0;
    return missing > 0 ? { missing, message: `${missing} of ${st.desiredNumberScheduled ?? '?'} daemon pods unavailable` } : undefined;
  }
  return undefined;
}

export function detectWorkload(kind: 'Deployment' | 'StatefulSet' | 'DaemonSet'): Detector {
  return (obj, ctx) => {
    if (obj.metadata?.deletionTimestamp) return [];
    const key = objectKey(kind, obj.metadata?.namespace, obj.metadata?.name ?? '');
    const resource = refOf(kind, obj, 'apps/v1');
    const out: Finding[] = [];
    const quiet = ctx.podFindingsUnder(key);
    const progressing = kind === 'Deployment' ? conditionOf(obj, 'Progressing') : undefined;
    if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded' && !quiet) {
      out.push({ kind: 'ProgressDeadlineExceeded', resource, object: obj, reason: 'ProgressDeadlineExceeded', message: progressing.message ?? 'the rollout exceeded its progress deadline', mode: 'state', source: 'progressing' });
    }
    const u = unavailable(kind, obj);
    const sinceKey = `${key}#unavailable`;
    if (!u) {
      ctx.forget(sinceKey);
      return out;
    }
    const since = u.since ?? ctx.since(sinceKey);
    if (!quiet && ctx.now - since >= ctx.thresholds.replicasUnavailable) {
      out.push({ kind: 'ReplicasUnavailable', resource, object: obj, reason: 'ReplicasUnavailable', message: u.message, mode: 'state', source: 'replicas' });
    }
    return out;
  };
}

export const detectJob: Detector = (job) => {
  const failed = conditionOf(job, 'Failed');
  if (failed?.status !== 'True') return [];
  return [{
    kind: 'JobFailed', resource: refOf('Job', job, 'batch/v1'), object: job, reason: failed.reason ?? 'Failed',
    message: failed.message ?? `job ${job.metadata?.name ?? ''} failed`, mode: 'once', source: `job:${job.metadata?.uid ?? job.metadata?.name ?? ''}`,
    observedAt: timeMs(failed.lastTransitionTime),
  }];
};

export const detectPvc: Detector = (pvc, ctx: DetectorContext) => {
  if (pvc.status?.phase !== 'Pending' || pvc.metadata?.deletionTimestamp) return [];
  const created = timeMs(pvc.metadata?.creationTimestamp) ?? ctx.since(`${objectKey('PersistentVolumeClaim', pvc.metadata?.namespace, pvc.metadata?.name ?? '')}#pending`);
  const age = ctx.now - created;
  if (age < ctx.thresholds.pvcPending) return [];
  const sc = pvc.spec?.storageClassName ? ` (storage class ${pvc.spec.storageClassName})` : '';
  return [{
    kind: 'PVCPending', resource: refOf('PersistentVolumeClaim', pvc, 'v1'), object: pvc, reason: 'Pending',
    message: `claim has been Pending for ${Math.round(age / 1000)}s${sc}`, mode: 'state', source: 'phase',
  }];
};
