// The digest: the few lines posted into the alert thread that tell a responder what is going on
// before they open a laptop ("3/10 pods crash-looping; last termination: Error (exit 1) on x; ...").
// Pure functions over what the plans read; the full detail lives in the report's sections.
import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { capText, redact } from '../redact';
import { sortEvents } from '../../../kube/describe';
import { isInitContainer, oneLine, podReady, podStatus } from '../../../kube/format';

export const DIGEST_MAX_CHARS = 1_200;

/** How a pod counts as "affected" by an anomaly kind, and how to say it. */
const KIND_RULES: Record<string, { phrase: string; matches: (p: V1Pod) => boolean }> = {
  CrashLoopBackOff: { phrase: 'crash-looping', matches: (p) => podStatus(p) === 'CrashLoopBackOff' || statuses(p).some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff') },
  ImagePullBackOff: { phrase: 'unable to pull their image', matches: (p) => /ImagePullBackOff|ErrImagePull|InvalidImageName/.test(podStatus(p)) },
  OOMKilled: { phrase: 'OOM-killed', matches: (p) => statuses(p).some((c) => c.lastState?.terminated?.reason === 'OOMKilled' || c.state?.terminated?.reason === 'OOMKilled') },
  CreateContainerConfigError: { phrase: 'unable to create their container', matches: (p) => podStatus(p) === 'CreateContainerConfigError' },
  FailedScheduling: { phrase: 'unschedulable', matches: (p) => p.status?.phase === 'Pending' && !p.spec?.nodeName },
  Evicted: { phrase: 'evicted', matches: (p) => p.status?.reason === 'Evicted' },
};

function statuses(p: V1Pod): V1ContainerStatus[] {
  return [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])];
}

const healthy = (p: V1Pod) => p.status?.phase === 'Succeeded' || (p.status?.phase === 'Running' && podReady(p));

/** "3/10 pods crash-looping" (or "not ready" when the kind has no specific test or none match). */
export function podCountLine(kind: string, pods: V1Pod[], of: string): string {
  const rule = KIND_RULES[kind];
  const matching = rule ? pods.filter(rule.matches).length : 0;
  if (rule && matching > 0) return `${matching}/${pods.length} pods${of} ${rule.phrase}`;
  const bad = pods.filter((p) => !healthy(p)).length;
  return `${bad}/${pods.length} pods${of} not ready`;
}

/** "Error (exit 1) on checkout-7d9f-abc" from the container's last (or current) termination. */
export function terminationText(pod: V1Pod, c: V1ContainerStatus | undefined): string | undefined {
  const t = c?.lastState?.terminated ?? c?.state?.terminated;
  if (!t) return undefined;
  const signal = t.signal ? `, signal ${t.signal}` : '';
  return `${t.reason ?? 'Terminated'} (exit ${t.exitCode}${signal}) on ${pod.metadata?.name}${containerSuffix(pod, c)}`;
}

/** " init container migrate" always (it is never the obvious one); " container x" when there are several. */
function containerSuffix(pod: V1Pod, c: V1ContainerStatus | undefined): string {
  if (!c) return '';
  if (isInitContainer(pod, c)) return ` init container ${c.name}`;
  return (pod.spec?.containers?.length ?? 0) > 1 ? ` container ${c.name}` : '';
}

/** "ImagePullBackOff on pod-x: Back-off pulling image ..." for a waiting container. */
export function waitingText(pod: V1Pod, c: V1ContainerStatus | undefined): string | undefined {
  const w = c?.state?.waiting;
  if (!w?.reason || w.reason === 'CrashLoopBackOff') return undefined;
  return `${w.reason} on ${pod.metadata?.name}${containerSuffix(pod, c)}${w.message ? `: ${oneLine(w.message, 200)}` : ''}`;
}

const ERRORISH = /\b(error|exception|panic|fatal|failed|traceback|killed|refused|denied|timeout)\b|^\w*(Error|Exception):/i;

/**
 * The telling end of a log, at most `n` lines: from the first error-looking line among the last
 * lines when there is one (so a stack trace keeps its message), else simply the last lines.
 */
export function logTail(text: string | undefined, n = 4, width = 220): string[] {
  if (!text) return [];
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  const recent = lines.slice(-12);
  const first = recent.findIndex((l) => ERRORISH.test(l));
  const picked = first >= 0 ? recent.slice(first, first + n) : recent.slice(-n);
  return picked.map((l) => oneLine(l, width));
}

/** The newest Warning event, as "Reason (x12): message". */
export function lastWarning(events: CoreV1Event[] | undefined): string | undefined {
  const warnings = sortEvents(events ?? []).filter((e) => e.type === 'Warning');
  const e = warnings[warnings.length - 1];
  if (!e) return undefined;
  return `${e.reason ?? 'Warning'}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}: ${oneLine(e.message ?? '', 200)}`;
}

/** Joins digest parts (skipping empty ones), redacts and caps. */
export function buildDigest(parts: (string | undefined | false | null)[]): string {
  const text = parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').join('\n');
  return capText(redact(text), DIGEST_MAX_CHARS, 'digest');
}
