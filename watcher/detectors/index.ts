// The detector registry: which detector looks at which kind of object.
import type { CustomResourceRule } from '../../config/schema-watch';
import { refOf, type K8sObject } from '../../kube/objects';
import { DETECTORS } from './catalog';
import { detectNode } from './nodes';
import { detectPod } from './pods';
import type { ClearMode, Detector, Finding } from './types';
import { detectJob, detectPvc, detectWorkload } from './workloads';

export const STATE_DETECTORS: Readonly<Record<string, Detector>> = {
  Pod: detectPod,
  Node: detectNode,
  Deployment: detectWorkload('Deployment'),
  StatefulSet: detectWorkload('StatefulSet'),
  DaemonSet: detectWorkload('DaemonSet'),
  Job: detectJob,
  PersistentVolumeClaim: detectPvc,
};

/** The opt-in ResourceDeleted detector: a watched object went away. */
export function deletionFinding(kind: string, apiVersion: string, obj: K8sObject, now: number): Finding {
  const ns = obj.metadata?.namespace;
  return {
    kind: 'ResourceDeleted',
    resource: refOf(kind, obj, apiVersion),
    object: obj,
    reason: 'Deleted',
    message: `${kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name ?? ''} was deleted`,
    mode: 'once',
    source: `deleted:${obj.metadata?.uid ?? obj.metadata?.resourceVersion ?? ''}`,
    observedAt: now,
  };
}

/**
 * How findings of an anomaly kind clear: the catalog's mode, or for a custom-resource kind `once`
 * when a rule reporting it is terminal and `state` otherwise. Undefined for a kind the watcher does
 * not report (an anomaly sent through the api, a rule removed from the config).
 */
export function clearModeOf(kind: string, rules: readonly CustomResourceRule[]): ClearMode | undefined {
  if (Object.prototype.hasOwnProperty.call(DETECTORS, kind)) return DETECTORS[kind as keyof typeof DETECTORS].clears;
  const own = rules.filter((r) => r.anomaly === kind);
  if (own.length === 0) return undefined;
  return own.some((r) => r.terminal) ? 'once' : 'state';
}

export { detectEvent } from './events';
export { detectCustom, effectiveRules, ruleApiVersion, BUILTIN_RULES } from './custom';
export { podHealthy } from './pods';
export { DETECTORS, DETECTOR_KINDS, POD_KINDS, type DetectorKind } from './catalog';
export type { Detector, DetectorContext, Finding, ClearMode } from './types';
