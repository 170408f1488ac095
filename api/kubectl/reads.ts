// What each /kubectl verb reads, through the real client library with a deadline per call, and
// how it is shown. Only get/list calls (pods/log included); Secrets are not reachable from here.
import type { ConfigurationOptions } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { KubectlResource } from '../../config/schema-diagnostics';
import { kubeCall, KubeCallError, type KubeApis } from '../../kube/client';
import {
  describeJob, describeNode, describeObject, describePod, describePvc, describeService, describeStorageClass, describeWorkload, eventsBlock, sortEvents,
} from '../../kube/describe';
import { podReady, restartCount, table } from '../../kube/format';
import type { KubectlCommand } from './parse';
import { bytes, formatCpu, formatMem, milliCores, printTable } from '../../kube/printers';

export interface ReadContext {
  apis: KubeApis;
  timeoutMs: number;
  now: number;
  cluster: string;
}

export interface Output {
  text: string;
  /** Objects listed or described, or log lines: what the timeline note counts. */
  rows: number;
}

const LIST_LIMIT = 500;
const DESCRIBE_MAX = 10;
const LOG_LIMIT_BYTES = 256 * 1024;

type O = ConfigurationOptions;
type ListParams = { labelSelector?: string; fieldSelector?: string; limit: number };
interface Access {
  list(a: KubeApis, ns: string | undefined, p: ListParams, o: O): Promise<{ items: any[] }>;
  read(a: KubeApis, ns: string, name: string, o: O): Promise<any>;
}
const nsd = (
  list: (a: KubeApis, p: ListParams & { namespace: string }, o: O) => Promise<{ items: any[] }>,
  all: (a: KubeApis, p: ListParams, o: O) => Promise<{ items: any[] }>,
  read: (a: KubeApis, p: { namespace: string; name: string }, o: O) => Promise<any>,
): Access => ({ list: (a, ns, p, o) => (ns ? list(a, { ...p, namespace: ns }, o) : all(a, p, o)), read: (a, ns, name, o) => read(a, { namespace: ns, name }, o) });
const cluster = (list: (a: KubeApis, p: ListParams, o: O) => Promise<{ items: any[] }>, read: (a: KubeApis, p: { name: string }, o: O) => Promise<any>): Access => ({
  list: (a, _ns, p, o) => list(a, p, o),
  read: (a, _ns, name, o) => read(a, { name }, o),
});

const ACCESS: Record<KubectlResource, Access> = {
  pods: nsd((a, p, o) => a.core.listNamespacedPod(p, o), (a, p, o) => a.core.listPodForAllNamespaces(p, o), (a, p, o) => a.core.readNamespacedPod(p, o)),
  deployments: nsd((a, p, o) => a.apps.listNamespacedDeployment(p, o), (a, p, o) => a.apps.listDeploymentForAllNamespaces(p, o), (a, p, o) => a.apps.readNamespacedDeployment(p, o)),
  replicasets: nsd((a, p, o) => a.apps.listNamespacedReplicaSet(p, o), (a, p, o) => a.apps.listReplicaSetForAllNamespaces(p, o), (a, p, o) => a.apps.readNamespacedReplicaSet(p, o)),
  statefulsets: nsd((a, p, o) => a.apps.listNamespacedStatefulSet(p, o), (a, p, o) => a.apps.listStatefulSetForAllNamespaces(p, o), (a, p, o) => a.apps.readNamespacedStatefulSet(p, o)),
  daemonsets: nsd((a, p, o) => a.apps.listNamespacedDaemonSet(p, o), (a, p, o) => a.apps.listDaemonSetForAllNamespaces(p, o), (a, p, o) => a.apps.readNamespacedDaemonSet(p, o)),
  jobs: nsd((a, p, o) => a.batch.listNamespacedJob(p, o), (a, p, o) => a.batch.listJobForAllNamespaces(p, o), (a, p, o) => a.batch.readNamespacedJob(p, o)),
  cronjobs: nsd((a, p, o) => a.batch.listNamespacedCronJob(p, o), (a, p, o) => a.batch.listCronJobForAllNamespaces(p, o), (a, p, o) => a.batch.readNamespacedCronJob(p, o)),
  services: nsd((a, p, o) => a.core.listNamespacedService(p, o), (a, p, o) => a.core.listServiceForAllNamespaces(p, o), (a, p, o) => a.core.readNamespacedService(p, o)),
  ingresses: nsd((a, p, o) => a.networking.listNamespacedIngress(p, o), (a, p, o) => a.networking.listIngressForAllNamespaces(p, o), (a, p, o) => a.networking.readNamespacedIngress(p, o)),
  events: nsd((a, p, o) => a.core.listNamespacedEvent(p, o), (a, p, o) => a.core.listEventForAllNamespaces(p, o), (a, p, o) => a.core.readNamespacedEvent(p, o)),
  persistentvolumeclaims: nsd(
    (a, p, o) => a.core.listNamespacedPersistentVolumeClaim(p, o),
    (a, p, o) => a.core.listPersistentVolumeClaimForAllNamespaces(p, o),
    (a, p, o) => a.core.readNamespacedPersistentVolumeClaim(p, o),
  ),
  configmaps: nsd((a, p, o) => a.core.listNamespacedConfigMap(p, o), (a, p, o) => a.core.listConfigMapForAllNamespaces(p, o), (a, p, o) => a.core.readNamespacedConfigMap(p, o)),
  nodes: cluster((a, p, o) => a.core.listNode(p, o), (a, p, o) => a.core.readNode(p, o)),
  namespaces: cluster((a, p, o) => a.core.listNamespace(p, o), (a, p, o) => a.core.readNamespace(p, o)),
  persistentvolumes: cluster((a, p, o) => a.core.listPersistentVolume(p, o), (a, p, o) => a.core.readPersistentVolume(p, o)),
  storageclasses: cluster((a, p, o) => a.storage.listStorageClass(p, o), (a, p, o) => a.storage.readStorageClass(p, o)),
};

const scopeNs = (cmd: KubectlCommand, namespace: string, namespaced: boolean) => (namespaced && !cmd.allNamespaces ? namespace : undefined);
const where = (ns: string | undefined) => (ns ? ` in ${ns}` : '');

/** Reads named objects (missing ones become kubectl's NotFound lines) or lists by selector. */
async function objects(ctx: ReadContext, cmd: KubectlCommand, type: KubectlResource, names: string[], ns: string | undefined): Promise<{ items: any[]; missing: string[] }> {
  const acc = ACCESS[type];
  if (!names.length) {
    const list = await kubeCall(`list ${type}${where(ns)}`, ctx.timeoutMs, (o) => acc.list(ctx.apis, ns, { labelSelector: cmd.selector, fieldSelector: cmd.fieldSelector, limit: LIST_LIMIT }, o));
    return { items: list.items, missing: [] };
  }
  const items: any[] = [];
  const missing: string[] = [];
  for (const name of names) {
    try {
      items.push(await kubeCall(`get ${type} ${name}${where(ns)}`, ctx.timeoutMs, (o) => acc.read(ctx.apis, ns ?? '', name, o)));
    } catch (err) {
      if (err instanceof KubeCallError && err.reason === 'notFound') missing.push(`Error from server (NotFound): ${type} "${name}" not found${where(ns)}`);
      else throw err;
    }
  }
  return { items, missing };
}

export async function runGet(ctx: ReadContext, cmd: KubectlCommand, namespace: string): Promise<Output> {
  const parts: string[] = [];
  let rows = 0;
  for (const t of cmd.targets) {
    const ns = scopeNs(cmd, namespace, t.type.namespaced);
    const { items, missing } = await objects(ctx, cmd, t.type.name, t.names, ns);
    rows += items.length;
    const tableText = items.length || !missing.length ? printTable(t.type.name, items, { wide: cmd.wide, allNamespaces: cmd.allNamespaces, now: ctx.now }, ns) : '';
    parts.push([cmd.targets.length > 1 ? `# ${t.type.name}` : '', tableText, ...missing].filter(Boolean).join('\n'));
  }
  return { text: parts.join('\n\n'), rows };
}

async function eventsFor(ctx: ReadContext, kind: string, name: string, ns: string | undefined): Promise<string> {
  const fieldSelector = `involvedObject.kind=${kind},involvedObject.name=${name}`;
  try {
    const list = await kubeCall(`list events of ${kind} ${name}`, ctx.timeoutMs, (o) => ACCESS.events.list(ctx.apis, ns, { fieldSelector, limit: 200 }, o));
    return eventsBlock(list.items.slice(-20), ctx.now);
  } catch (err) {
    return `  (events not available: ${(err as Error).message})`;
  }
}

function describeOne(type: KubectlResource, kind: string, o: any): string {
  switch (type) {
    case 'pods':
      return describePod(o);
    case 'deployments':
    case 'replicasets':
    case 'statefulsets':
    case 'daemonsets':
      return describeWorkload(kind, o);
    case 'jobs':
      return describeJob(o);
    case 'nodes':
      return describeNode(o);
    case 'persistentvolumeclaims':
      return describePvc(o);
    case 'services':
      return describeService(o);
    case 'storageclasses':
      return describeStorageClass(o);
    case 'configmaps':
      // Keys only: values can hold credentials and are not needed to see what is wrong.
      return `${describeObject({ kind, apiVersion: 'v1', metadata: o.metadata })}\nData keys:  ${Object.keys(o.data ?? {}).join(', ') || '<none>'}`;
    default:
      return describeObject({ ...o, kind, apiVersion: o.apiVersion });
  }
}

export async function runDescribe(ctx: ReadContext, cmd: KubectlCommand, namespace: string): Promise<Output> {
  const t = cmd.targets[0]!;
  const ns = scopeNs(cmd, namespace, t.type.namespaced);
  const { items, missing } = await objects(ctx, cmd, t.type.name, t.names, ns);
  const shown = items.slice(0, DESCRIBE_MAX);
  const blocks: string[] = [];
  for (const o of shown) {
    const withEvents = t.type.name !== 'events' && t.type.name !== 'storageclasses' && t.type.name !== 'namespaces';
    const events = withEvents ? `\nEvents:\n${await eventsFor(ctx, t.type.kind, o.metadata?.name, t.type.namespaced ? o.metadata?.namespace : undefined)}` : '';
    blocks.push(describeOne(t.type.name, t.type.kind, o) + events);
  }
  if (!items.length && !missing.length) blocks.push(`No resources found${where(ns)}.`);
  if (items.length > DESCRIBE_MAX) blocks.push(`… ${items.length - DESCRIBE_MAX} more not described; name one or narrow with -l.`);
  return { text: [...blocks, ...missing].join('\n\n'), rows: shown.length };
}

/** The pod a `logs` target means: the pod itself, or the most telling pod of a workload. */
async function logPods(ctx: ReadContext, cmd: KubectlCommand, ns: string): Promise<{ pods: any[]; note?: string }> {
  const t = cmd.targets[0]!;
  if (t.type.name === 'pods' && t.names.length) {
    return { pods: [await kubeCall(`get pod ${t.names[0]} in ${ns}`, ctx.timeoutMs, (o) => ACCESS.pods.read(ctx.apis, ns, t.names[0]!, o))] };
  }
  let selector = cmd.selector;
  if (t.type.name !== 'pods') {
    const w = await kubeCall(`get ${t.type.name} ${t.names[0]} in ${ns}`, ctx.timeoutMs, (o) => ACCESS[t.type.name].read(ctx.apis, ns, t.names[0]!, o));
    const labels = w.spec?.selector?.matchLabels as Record<string, string> | undefined;
    selector = labels && Object.keys(labels).length ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') : t.type.name === 'jobs' ? `job-name=${t.names[0]}` : undefined;
    if (!selector) throw new KubeCallError(`${t.type.kind} ${t.names[0]} has no label selector to find its pods`, 'error');
  }
  const list = await kubeCall(`list pods in ${ns}`, ctx.timeoutMs, (o) => ACCESS.pods.list(ctx.apis, ns, { labelSelector: selector, limit: LIST_LIMIT }, o));
  if (!list.items.length) throw new KubeCallError(`No pods in ${ns} match ${selector}`, 'notFound');
  // Like kubectl, one pod for a workload; the failing one with most restarts tells the most.
  const ranked = [...list.items].sort((a, b) => Number(podReady(a)) - Number(podReady(b)) || restartCount(b) - restartCount(a));
  if (t.type.name !== 'pods') return { pods: [ranked[0]], note: `Found ${list.items.length} pods, using pod/${ranked[0].metadata?.name}` };
  return { pods: ranked.slice(0, 3), note: list.items.length > 3 ? `${list.items.length} pods match; showing 3` : undefined };
}

/**
 * The two apiserver answers (kubelet 400s) that mean "there is no such log", in words; any other
 * 400 (a bad sinceSeconds, say) is a real error and is shown as the apiserver said it.
 */
export function noLogReason(err: KubeCallError): string | undefined {
  if (err.status !== 400) return undefined;
  if (/previous terminated container "[^"]*" in pod "[^"]*" not found/.test(err.message)) return '(no previous container: it has not restarted)';
  const waiting = /container "[^"]*" in pod "[^"]*" is waiting to start(?:: (.*))?$/.exec(err.message);
  if (waiting) return `(no log: the container has not started${waiting[1] ? `: ${waiting[1]}` : ''})`;
  return undefined;
}

export async function runLogs(ctx: ReadContext, cmd: KubectlCommand, namespace: string): Promise<Output> {
  const { pods, note } = await logPods(ctx, cmd, namespace);
  const blocks: string[] = note ? [note] : [];
  let rows = 0;
  for (const pod of pods) {
    const containers: string[] = (pod.spec?.containers ?? []).map((c: { name: string }) => c.name);
    const fallback = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'] ?? (containers.length === 1 ? containers[0] : undefined);
    const container = cmd.container ?? fallback;
    if (!container) throw new KubeCallError(`Pod ${pod.metadata?.name} has several containers; choose one with -c: ${containers.join(', ')}`, 'error');
    if (!containers.includes(container)) throw new KubeCallError(`Pod ${pod.metadata?.name} has no container "${container}"; it has ${containers.join(', ')}`, 'notFound');
    const what = `read ${cmd.previous ? 'previous ' : ''}logs of ${pod.metadata?.name}/${container}`;
    let text: string;
    try {
      text = await kubeCall(what, ctx.timeoutMs, (o) =>
        ctx.apis.core.readNamespacedPodLog(
          { namespace, name: pod.metadata?.name, container, previous: cmd.previous, tailLines: cmd.tail, sinceSeconds: cmd.sinceSeconds, limitBytes: LOG_LIMIT_BYTES },
          o,
        ),
      );
    } catch (err) {
      const none = err instanceof KubeCallError ? noLogReason(err) : undefined;
      if (none === undefined) throw err;
      text = none;
    }
    const lines = String(text ?? '').replace(/\n$/, '');
    rows += lines ? lines.split('\n').length : 0;
    blocks.push(pods.length > 1 ? `==> pod/${pod.metadata?.name} <==\n${lines}` : lines || '(empty log)');
  }
  return { text: blocks.join('\n'), rows };
}

export async function runEvents(ctx: ReadContext, cmd: KubectlCommand, namespace: string): Promise<Output> {
  const f = cmd.forObject;
  const ns = cmd.allNamespaces || (f && !f.type.namespaced) ? undefined : namespace;
  const fieldSelector = f ? `involvedObject.kind=${f.type.kind},involvedObject.name=${f.name}` : undefined;
  const list = await kubeCall(`list events${where(ns)}`, ctx.timeoutMs, (o) => ACCESS.events.list(ctx.apis, ns, { fieldSelector, limit: LIST_LIMIT }, o));
  const items = sortEvents(list.items).filter((e) => !cmd.eventTypes || cmd.eventTypes.includes(e.type as 'Normal' | 'Warning'));
  const shown = items.slice(-100);
  const more = items.length > shown.length ? `\n(${items.length - shown.length} older events not shown)` : '';
  return { text: printTable('events', shown, { wide: false, allNamespaces: cmd.allNamespaces, now: ctx.now }, ns) + more, rows: shown.length };
}

export async function runTop(ctx: ReadContext, cmd: KubectlCommand, namespace: string): Promise<Output> {
  const t = cmd.targets[0]!;
  const nodes = t.type.name === 'nodes';
  const ns = nodes || cmd.allNamespaces ? undefined : namespace;
  let metrics: { items: any[] };
  try {
    metrics = (await kubeCall('read metrics.k8s.io', ctx.timeoutMs, (o) =>
      nodes
        ? ctx.apis.custom.listClusterCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes', labelSelector: cmd.selector }, o)
        : ns
          ? ctx.apis.custom.listNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace: ns, plural: 'pods', labelSelector: cmd.selector }, o)
          : ctx.apis.custom.listClusterCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', plural: 'pods', labelSelector: cmd.selector }, o),
    )) as { items: any[] };
  } catch (err) {
    if (err instanceof KubeCallError && (err.reason === 'notFound' || err.status === 503))
      return { text: `The metrics API (metrics.k8s.io) is not available on cluster "${ctx.cluster}", so /kubectl top cannot answer. Installing metrics-server provides it.`, rows: 0 };
    throw err;
  }
  let items = metrics.items ?? [];
  if (t.names.length) items = items.filter((m) => t.names.includes(m.metadata?.name));
  const rows = items.map((m) => {
    const cpu = nodes ? milliCores(m.usage?.cpu) : (m.containers ?? []).reduce((sum: number, c: any) => sum + milliCores(c.usage?.cpu), 0);
    const mem = nodes ? bytes(m.usage?.memory) : (m.containers ?? []).reduce((sum: number, c: any) => sum + bytes(c.usage?.memory), 0);
    return [...(cmd.allNamespaces && !nodes ? [m.metadata?.namespace ?? ''] : []), m.metadata?.name ?? '', formatCpu(cpu), formatMem(mem)];
  });
  if (!rows.length) return { text: `No metrics found${where(ns)}.`, rows: 0 };
  const headers = [...(cmd.allNamespaces && !nodes ? ['NAMESPACE'] : []), 'NAME', 'CPU(cores)', 'MEMORY(bytes)'];
  return { text: table(headers, rows), rows: rows.length };
}
