// Warning events about pods: scheduling and mount failures, probe failures beyond a threshold,
// evictions. Table-driven by event reason (and message prefix). Events older than
// the context's cutoff are history (seen again on every start and relist), not news.
import { timeMs, type K8sObject } from '../../kube/objects';
import type { ResourceRef } from '../../workflows/definitions';
import type { DetectorKind } from './catalog';
import type { DetectorContext, Finding } from './types';

interface EventRule {
  reason: string;
  message?: RegExp;
  kind: DetectorKind;
  /** Count must reach `thresholds.probeFailures` first. */
  probe?: boolean;
  once?: boolean;
}

export const EVENT_RULES: readonly EventRule[] = [
  { reason: 'FailedScheduling', kind: 'FailedScheduling' },
  { reason: 'FailedMount', kind: 'FailedMount' },
  { reason: 'FailedAttachVolume', kind: 'FailedMount' },
  { reason: 'Unhealthy', message: /^Liveness probe failed/i, kind: 'LivenessProbeFailed', probe: true },
  { reason: 'Unhealthy', message: /^Readiness probe failed/i, kind: 'ReadinessProbeFailed', probe: true },
  { reason: 'Evicted', kind: 'Evicted', once: true },
];

export function eventCount(ev: K8sObject): number {
  const n = (ev.count as number | undefined) ?? (ev.series as { count?: number } | undefined)?.count ?? 1;
  return Number.isFinite(n) && n > 0 ? n : 1;
}

export function eventTime(ev: K8sObject): number | undefined {
  const series = ev.series as { lastObservedTime?: string } | undefined;
  return timeMs(ev.lastTimestamp) ?? timeMs(series?.lastObservedTime) ?? timeMs(ev.eventTime) ?? timeMs(ev.firstTimestamp) ?? timeMs(ev.metadata?.creationTimestamp);
}

/**
 * `pod` is the involved pod from the cache, when known. Without it the finding is reported once:
 * nothing would ever tell that an unknown pod recovered.
 */
export function detectEvent(ev: K8sObject, ctx: DetectorContext, pod: K8sObject | undefined): Finding[] {
  if (ev.type !== 'Warning') return [];
  const involved = ev.involvedObject as { kind?: string; name?: string; namespace?: string } | undefined;
  if (involved?.kind !== 'Pod' || !involved.name) return [];
  const at = eventTime(ev) ?? ctx.now;
  if (at < ctx.cutoff) return [];
  const message = typeof ev.message === 'string' ? ev.message : '';
  const rule = EVENT_RULES.find((r) => r.reason === ev.reason && (!r.message || r.message.test(message)));
  if (!rule) return [];
  const count = eventCount(ev);
  if (rule.probe && count < ctx.thresholds.probeFailures) return [];
  const resource: ResourceRef = { kind: 'Pod', name: involved.name, apiVersion: 'v1', ...(involved.namespace ? { namespace: involved.namespace } : {}) };
  const id = ev.metadata?.uid ?? `${ev.metadata?.namespace ?? ''}/${ev.metadata?.name ?? ''}`;
  return [
    {
      kind: rule.kind,
      resource,
      object: pod,
      reason: String(ev.reason),
      message: count > 1 ? `${message} (x${count})` : message,
      mode: rule.once || !pod ? 'once' : 'pod',
      source: `event:${id}`,
      counter: count,
      observedAt: at,
    },
  ];
}
