// Diagnostics for pod-level anomalies and their workloads (CrashLoopBackOff, ImagePullBackOff,
// OOMKilled, probe failures, ReplicasUnavailable, JobFailed...): the failing pod described, its
// owner's rollout, events of both, previous and current log tails, its node, and pending claims.
import type { CoreV1Event, V1Job, V1Node, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { Anomaly, ResourceRef } from '../../../../workflows/definitions';
import { describeJob, describeNode, describePod, describePvc, describeWorkload, nodeProblems, rolloutSummary } from '../../../../kube/describe';
import { buildDigest, lastWarning, logTail, podCountLine, terminationText, waitingText } from '../digest';
import { conditionText, isInitContainer, oneLine, podStatus, restartCount, selectorString, worstContainer } from '../../../../kube/format';
import type { DiagnosticsRun } from '../run';

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
/** Kinds whose containers never ran, so there are no logs to read. */
const NO_LOG_KINDS = new Set(['ImagePullBackOff', 'FailedScheduling', 'CreateContainerConfigError', 'FailedMount']);

type Workload = { kind: string; obj: any };

export async function readWorkload(run: DiagnosticsRun, kind: string, namespace: string, name: string): Promise<any> {
  const what = `get ${kind.toLowerCase()} ${namespace}/${name}`;
  const { apps, batch } = run.apis;
  const p = { namespace, name };
  switch (kind) {
    case 'Deployment':
      return run.call(what, (o) => apps.readNamespacedDeployment(p, o), { expect404: true });
    case 'StatefulSet':
      return run.call(what, (o) => apps.readNamespacedStatefulSet(p, o), { expect404: true });
    case 'DaemonSet':
      return run.call(what, (o) => apps.readNamespacedDaemonSet(p, o), { expect404: true });
    case 'ReplicaSet':
      return run.call(what, (o) => apps.readNamespacedReplicaSet(p, o), { expect404: true });
    case 'Job':
      return run.call(what, (o) => batch.readNamespacedJob(p, o), { expect404: true });
    default:
      return undefined;
  }
}

/** The owner to diagnose with the pod: the anomaly's workload owner, or the pod's controller. */
function ownerRef(anomaly: Anomaly, pod: V1Pod | undefined): ResourceRef | undefined {
  const r = anomaly.resource;
  if (WORKLOAD_KINDS.has(r.kind)) return r;
  if (anomaly.owner && WORKLOAD_KINDS.has(anomaly.owner.kind)) return anomaly.owner;
  // A CronJob (or no owner given): the pod's controlling Job/ReplicaSet/... is the useful level.
  const ctrl = pod?.metadata?.ownerReferences?.find((o) => o.controller) ?? pod?.metadata?.ownerReferences?.[0];
  if (ctrl && WORKLOAD_KINDS.has(ctrl.kind)) return { kind: ctrl.kind, name: ctrl.name, namespace: pod?.metadata?.namespace };
  return undefined;
}

/** The pod that explains the incident best: failing first, then most restarts, newest last. */
function pickPod(pods: V1Pod[]): V1Pod | undefined {
  const score = (p: V1Pod) => {
    const s = podStatus(p);
    const failing = s !== 'Running' && s !== 'Completed' && s !== 'Succeeded' ? 1_000_000 : 0;
    return failing + restartCount(p) * 10 + (p.status?.phase === 'Failed' ? 100 : 0);
  };
  return [...pods].sort((a, b) => score(b) - score(a))[0];
}

export async function diagnosePods(run: DiagnosticsRun, anomaly: Anomaly): Promise<string> {
  const r = anomaly.resource;
  const ns = r.namespace ?? anomaly.owner?.namespace ?? 'default';
  const isPod = r.kind === 'Pod';

  const [pod, podEvents] = await Promise.all([isPod ? run.pod(ns, r.name) : undefined, isPod ? run.events('Pod', r.name, ns) : undefined]);
  let owner = ownerRef(anomaly, pod);
  let ownerObj = owner ? await readWorkload(run, owner.kind, ns, owner.name) : undefined;
  // A pod's ReplicaSet is an implementation detail: its Deployment's rollout is what people read.
  const deployment = owner?.kind === 'ReplicaSet' ? ownerObj?.metadata?.ownerReferences?.find((o: { kind: string; controller?: boolean }) => o.kind === 'Deployment' && o.controller) : undefined;
  if (deployment) {
    const dep = await readWorkload(run, 'Deployment', ns, deployment.name);
    if (dep) [owner, ownerObj] = [{ kind: 'Deployment', name: deployment.name, namespace: ns }, dep];
  }
  const ownerEvents = owner ? await run.events(owner.kind, owner.name, ns) : undefined;
  const workload: Workload | undefined = owner && ownerObj ? { kind: owner.kind, obj: ownerObj } : undefined;
  const selector = workload ? (selectorString(workload.obj.spec?.selector) ?? (owner!.kind === 'Job' ? `job-name=${owner!.name}` : undefined)) : undefined;
  const pods = selector ? await run.pods(ns, selector) : pod ? [pod] : undefined;

  const focus = pod ?? pickPod(pods ?? []);
  const focusName = focus?.metadata?.name;
  const focusEvents: CoreV1Event[] | undefined = focus && focusName !== r.name ? await run.events('Pod', focusName!, ns) : podEvents;
  const c = focus ? worstContainer(focus) : undefined;
  const containerLabel = c && focus && isInitContainer(focus, c) ? `init container ${c.name}` : `container ${c?.name}`;
  const started = !!(c?.state?.running || c?.state?.terminated || c?.lastState?.terminated);
  const wantsLogs = !!(focus && c && started && !NO_LOG_KINDS.has(anomaly.kind));
  const hasPrevious = !!(c && ((c.restartCount ?? 0) > 0 || c.lastState?.terminated));
  const claims = focus?.status?.phase === 'Pending' ? (focus.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [])).slice(0, 3) : [];

  const [previous, current, node, pvcs] = await Promise.all([
    wantsLogs && hasPrevious ? run.logs(ns, focusName!, c!.name, true) : undefined,
    wantsLogs ? run.logs(ns, focusName!, c!.name, false) : undefined,
    focus?.spec?.nodeName ? run.call(`get node ${focus.spec.nodeName}`, (o) => run.apis.core.readNode({ name: focus.spec!.nodeName! }, o), { expect404: true }) : undefined,
    Promise.all(claims.map((name) => run.call(`get pvc ${ns}/${name}`, (o) => run.apis.core.readNamespacedPersistentVolumeClaim({ namespace: ns, name }, o), { expect404: true }))),
  ]);

  // ---- sections, in reading order ------------------------------------------------------------
  const ownerLabel = owner ? `${owner.kind} ${ns}/${owner.name}` : undefined;
  if (pods && ownerLabel) run.section(`Pods of ${ownerLabel}`, pods.length ? run.podsTable(pods) : `No pods match the selector ${selector}.`);
  if (focus) run.section(`Pod ${ns}/${focusName}`, describePod(focus));
  else if (isPod) run.section(`Pod ${ns}/${r.name}`, 'Not found: the pod no longer exists (deleted or replaced).');
  run.eventsSection(`Events of pod ${focusName ?? r.name}`, focusEvents);
  if (workload) run.section(workload.kind === 'Job' ? ownerLabel! : `Rollout of ${ownerLabel}`, workload.kind === 'Job' ? describeJob(workload.obj as V1Job) : describeWorkload(workload.kind, workload.obj));
  else if (owner && ownerObj === undefined) run.section(ownerLabel!, 'Not found or not readable (see problems).');
  if (owner) run.eventsSection(`Events of ${ownerLabel}`, ownerEvents);
  if (previous !== undefined) run.section(`Previous logs of ${focusName} (${containerLabel}, last ${run.settings.logLines} lines)`, previous || '(empty)', 'tail');
  if (current !== undefined) run.section(`Current logs of ${focusName} (${containerLabel}, last ${run.settings.logLines} lines)`, current || '(empty)', 'tail');
  if (node) run.section(`Node ${node.metadata?.name}`, describeNode(node));
  for (const pvc of (pvcs ?? []).filter((x): x is V1PersistentVolumeClaim => !!x)) run.section(`PVC ${ns}/${pvc.metadata?.name}`, describePvc(pvc));

  return buildDigest([
    podLine(anomaly, pods, focus, c, ownerLabel, isPod ? r.name : undefined),
    workload ? workloadLine(workload) : undefined,
    node ? nodeLine(node as V1Node) : undefined,
    ...(pvcs ?? []).filter((x): x is V1PersistentVolumeClaim => !!x && x.status?.phase !== 'Bound').map((p) => `PVC ${p.metadata?.name} is ${p.status?.phase ?? 'Pending'}`),
    lastWarningLine(focusEvents, ownerEvents),
    logLines(previous, current, c ? containerLabel.replace(/^container /, '') : undefined),
  ]);
}

function podLine(anomaly: Anomaly, pods: V1Pod[] | undefined, focus: V1Pod | undefined, c: ReturnType<typeof worstContainer>, ownerLabel: string | undefined, podName: string | undefined): string {
  const parts: string[] = [];
  if (pods && pods.length > 0 && ownerLabel) parts.push(podCountLine(anomaly.kind, pods, ` of ${ownerLabel}`));
  else if (pods && ownerLabel) parts.push(`no pods of ${ownerLabel} exist`);
  else if (focus) parts.push(`pod ${focus.metadata?.namespace}/${focus.metadata?.name} is ${podStatus(focus)} (${restartCount(focus)} restarts)`);
  else if (podName) parts.push(`pod ${podName} was not found (it may have been deleted or replaced)`);
  if (focus) {
    const term = terminationText(focus, c);
    const wait = waitingText(focus, c);
    if (term) parts.push(`last termination: ${term}`);
    if (wait) parts.push(`waiting: ${wait}`);
    if (!term && !wait && focus.status?.reason) parts.push(`${focus.status.reason}: ${oneLine(focus.status.message ?? '', 200)}`);
  }
  const line = parts.join('; ');
  return line ? line.charAt(0).toUpperCase() + line.slice(1) : '';
}

function workloadLine(w: Workload): string {
  const conds: any[] = w.obj.status?.conditions ?? [];
  if (w.kind === 'Job') {
    const s = w.obj.status ?? {};
    const failed = conds.find((c) => c.type === 'Failed' && c.status === 'True');
    return `Job: ${s.active ?? 0} active, ${s.succeeded ?? 0} succeeded, ${s.failed ?? 0} failed (backoff limit ${w.obj.spec?.backoffLimit ?? 6})${failed ? `; ${conditionText(failed)}` : ''}`;
  }
  const bad = conds.filter((c) => (c.type === 'ReplicaFailure' ? c.status === 'True' : c.status !== 'True'));
  return `Rollout: ${rolloutSummary(w.kind, w.obj).line}${bad.length ? `; ${bad.map((c) => conditionText({ ...c, message: oneLine(c.message ?? '', 120) })).join('; ')}` : ''}`;
}

export function nodeLine(node: V1Node): string | undefined {
  const problems = nodeProblems(node);
  return problems.length ? `Node ${node.metadata?.name}: ${problems.join(', ')}` : undefined;
}

function lastWarningLine(...lists: (CoreV1Event[] | undefined)[]): string | undefined {
  for (const l of lists) {
    const w = lastWarning(l);
    if (w) return `Last warning: ${w}`;
  }
  return undefined;
}

function logLines(previous: string | undefined, current: string | undefined, container: string | undefined): string | undefined {
  const prev = logTail(previous);
  if (prev.length) return [`Previous log tail (${container}):`, ...prev.map((l) => `  ${l}`)].join('\n');
  const cur = logTail(current);
  if (cur.length) return [`Log tail (${container}):`, ...cur.map((l) => `  ${l}`)].join('\n');
  return undefined;
}
