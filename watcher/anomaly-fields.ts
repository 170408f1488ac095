// The fields of an anomaly the watcher sends, cut to the intake's limits: plain resource refs, labels
// without per-pod noise, texts shortened with an ellipsis.
import { LIMITS } from '../intake/schema';
import type { ResourceRef } from '../workflows/definitions';

/** Labels that differ per pod or revision: noise in an incident that groups many pods. */
const NOISY_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'pod-template-generation', 'batch.kubernetes.io/controller-uid', 'controller-uid']);

export const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function plainRef(r: ResourceRef): ResourceRef {
  return { kind: r.kind, name: cut(r.name, LIMITS.resourceName), ...(r.namespace ? { namespace: r.namespace } : {}), ...(r.apiVersion ? { apiVersion: r.apiVersion } : {}) };
}

export function cleanLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (NOISY_LABELS.has(k) || k.length > LIMITS.labelKey || typeof v !== 'string') continue;
    out[k] = cut(v, LIMITS.labelValue);
    if (Object.keys(out).length >= LIMITS.labels) break;
  }
  return out;
}
