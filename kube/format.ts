// Small kubectl-compatible formatting helpers shared by diagnostics and /kubectl: ages, the pod
// STATUS column, ready and restart counts, label selectors, conditions and text tables.
import type { V1Condition, V1LabelSelector, V1Pod, V1ContainerStatus } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export type Time = Date | string | undefined | null;

export function toMs(t: Time): number | undefined {
  if (!t) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

export function isoTime(t: Time): string {
  const ms = toMs(t);
  return ms === undefined ? '<unknown>' : new Date(ms).toISOString();
}

/** kubectl's HumanDuration: 45s, 3m20s, 12m, 5h3m, 20h, 3d4h, 40d, 2y10d. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (y < 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

/** Age of a timestamp relative to `now`, or `<unknown>`. */
export function age(t: Time, now = Date.now()): string {
  const ms = toMs(t);
  return ms === undefined ? '<unknown>' : humanDuration(now - ms);
}

/** The STATUS column of `kubectl get pods` (same precedence as kubectl's printer). */
export function podStatus(pod: V1Pod): string {
  const st = pod.status ?? {};
  let reason = st.reason || st.phase || 'Unknown';
  const inits = st.initContainerStatuses ?? [];
  let initializing = false;
  inits.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) return;
    initializing = true;
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${pod.spec?.initContainers?.length ?? inits.length}`;
  });
  if (!initializing) {
    let hasRunning = false;
    const statuses = [...(st.containerStatuses ?? [])].reverse();
    for (const c of statuses) {
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = podReady(pod) ? 'Running' : 'NotReady';
  }
  if (pod.metadata?.deletionTimestamp) reason = st.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

export function podReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** "1/2": ready containers over containers. */
export function readyCount(pod: V1Pod): string {
  const total = pod.spec?.containers?.length ?? pod.status?.containerStatuses?.length ?? 0;
  const ready = (pod.status?.containerStatuses ?? []).filter((c) => c.ready).length;
  return `${ready}/${total}`;
}

/**
 * The init container holding the pod back: the first that has not completed, unless it is a
 * sidecar (restartPolicy Always) that runs. Undefined once initialization is done.
 */
export function blockingInitContainer(pod: V1Pod): V1ContainerStatus | undefined {
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  for (const c of pod.status?.initContainerStatuses ?? []) {
    if (c.state?.terminated?.exitCode === 0) continue;
    if (sidecars.has(c.name) && c.state?.running) continue;
    return c;
  }
  return undefined;
}

/** Whether a container status belongs to an init container of the pod. */
export function isInitContainer(pod: V1Pod, c: V1ContainerStatus | undefined): boolean {
  return !!c && (pod.status?.initContainerStatuses ?? []).some((s) => s.name === c.name);
}

/** The statuses that count for restarts: the init containers' while the pod initializes (like kubectl). */
function restartStatuses(pod: V1Pod): V1ContainerStatus[] {
  return blockingInitContainer(pod) ? (pod.status?.initContainerStatuses ?? []) : (pod.status?.containerStatuses ?? []);
}

export function restartCount(pod: V1Pod): number {
  return restartStatuses(pod).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/** The RESTARTS column: "5 (2m ago)" like kubectl 1.22+. */
export function restartsColumn(pod: V1Pod, now = Date.now()): string {
  const n = restartCount(pod);
  const last = restartStatuses(pod)
    .map((c) => toMs(c.lastState?.terminated?.finishedAt))
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => b - a)[0];
  return n > 0 && last !== undefined ? `${n} (${humanDuration(now - last)} ago)` : String(n);
}

/**
 * The container that explains a failing pod best. An init container that failed (restarted,
 * terminated or waits for a reason of its own) comes first: the main containers only wait for it
 * with PodInitializing. Otherwise: waiting with a reason, else most restarts.
 */
export function worstContainer(pod: V1Pod): V1ContainerStatus | undefined {
  const init = blockingInitContainer(pod);
  const initWaits = init?.state?.waiting?.reason && init.state.waiting.reason !== 'PodInitializing';
  if (init && ((init.restartCount ?? 0) > 0 || init.lastState?.terminated || init.state?.terminated || initWaits)) return init;
  const all = [...(pod.status?.containerStatuses ?? [])];
  const score = (c: V1ContainerStatus) => (c.state?.waiting?.reason ? 1_000_000 : 0) + (c.state?.terminated ? 500_000 : 0) + (c.restartCount ?? 0) + (c.ready ? 0 : 1);
  return all.sort((a, b) => score(b) - score(a))[0];
}

/** `app=checkout,tier in (web,api)` from a LabelSelector; undefined when it selects nothing. */
export function selectorString(sel: V1LabelSelector | undefined): string | undefined {
  if (!sel) return undefined;
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : undefined;
}

export function labelsText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : '<none>';
}

type AnyCondition = Pick<V1Condition, 'type' | 'status'> & { reason?: string; message?: string; lastTransitionTime?: Time };

/** "Available=False (MinimumReplicasUnavailable: Deployment does not have minimum availability.)" */
export function conditionText(c: AnyCondition): string {
  const why = [c.reason, c.message].filter(Boolean).join(': ');
  return `${c.type}=${c.status}${why ? ` (${why})` : ''}`;
}

/** An aligned conditions block for describe output. */
export function conditionsBlock(conditions: AnyCondition[] | undefined, now = Date.now()): string {
  if (!conditions?.length) return '  <none>';
  return table(
    ['Type', 'Status', 'Reason', 'Since', 'Message'],
    conditions.map((c) => [c.type, c.status, c.reason ?? '', c.lastTransitionTime ? age(c.lastTransitionTime, now) : '', oneLine(c.message ?? '', 160)]),
    '  ',
  );
}

/** One line, at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Columns padded like kubectl's tabwriter (3 spaces between columns). */
export function table(headers: string[], rows: string[][], indent = ''): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) => indent + r.map((cell, i) => (i === r.length - 1 ? cell : (cell ?? '').padEnd(widths[i]! + 3))).join('').trimEnd())
    .join('\n');
}

/** `Key:  value` lines with aligned values, skipping empty values. */
export function fields(pairs: [string, string | number | undefined | null][], indent = ''): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '') as [string, string | number][];
  const width = Math.max(0, ...shown.map(([k]) => k.length + 1));
  return shown.map(([k, v]) => `${indent}${`${k}:`.padEnd(width + 2)}${v}`).join('\n');
}

/** `cpu=500m, memory=256Mi` for a resources map. */
export function quantities(q: Record<string, unknown> | undefined): string | undefined {
  const entries = Object.entries(q ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(', ') : undefined;
}
