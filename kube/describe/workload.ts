// `kubectl describe` for workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet) and Jobs, and the
// one-line rollout summary the diagnostics digest uses.
import type { V1Container, V1DaemonSet, V1Deployment, V1Job, V1ReplicaSet, V1StatefulSet } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { conditionsBlock, isoTime, selectorString } from '../format';
import { header } from './header';

type Workload = V1Deployment | V1StatefulSet | V1DaemonSet | V1ReplicaSet;

/** Rollout state of a workload: desired, updated, ready, available, conditions. */
export function rolloutSummary(kind: string, w: Workload): { line: string; healthy: boolean } {
  const s = (w.status ?? {}) as Record<string, any>;
  if (kind === 'DaemonSet') {
    const desired = s.desiredNumberScheduled ?? 0;
    const line = `${desired} desired, ${s.updatedNumberScheduled ?? 0} updated, ${s.numberReady ?? 0} ready, ${s.numberAvailable ?? 0} available`;
    return { line, healthy: (s.numberAvailable ?? 0) >= desired };
  }
  const desired = (w.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const updated = s.updatedReplicas ?? (kind === 'StatefulSet' ? s.currentReplicas : undefined) ?? 0;
  const available = s.availableReplicas ?? 0;
  const line = `${desired} desired, ${updated} updated, ${s.readyReplicas ?? 0} ready, ${available} available${s.unavailableReplicas ? `, ${s.unavailableReplicas} unavailable` : ''}`;
  return { line, healthy: available >= desired && updated >= desired };
}

export function describeWorkload(kind: string, w: Workload): string {
  const spec = (w.spec ?? {}) as Record<string, any>;
  const containers: V1Container[] = spec.template?.spec?.containers ?? [];
  const revision = w.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  return [
    header(w.metadata, [
      ['Kind', kind],
      ['Selector', selectorString(spec.selector) ?? '<none>'],
      ['Replicas', rolloutSummary(kind, w).line],
      ['Strategy', spec.strategy?.type ?? spec.updateStrategy?.type],
      ['Revision', revision],
      ['Observed Generation', `${(w.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? '?'} of ${w.metadata?.generation ?? '?'}`],
    ]),
    'Containers:',
    ...containers.map((c) => `  ${c.name}:  ${c.image ?? '<none>'}`),
    'Conditions:',
    conditionsBlock((w.status as { conditions?: any[] } | undefined)?.conditions),
  ].join('\n');
}

export function describeJob(job: V1Job): string {
  const s = job.status ?? {};
  return [
    header(job.metadata, [
      ['Selector', selectorString(job.spec?.selector) ?? '<none>'],
      ['Parallelism', job.spec?.parallelism ?? 1],
      ['Completions', job.spec?.completions ?? '<unset>'],
      ['Backoff Limit', job.spec?.backoffLimit ?? 6],
      ['Start Time', s.startTime ? isoTime(s.startTime) : undefined],
      ['Completed At', s.completionTime ? isoTime(s.completionTime) : undefined],
      ['Pods Statuses', `${s.active ?? 0} Active / ${s.succeeded ?? 0} Succeeded / ${s.failed ?? 0} Failed`],
    ]),
    'Conditions:',
    conditionsBlock(s.conditions),
  ].join('\n');
}
