// kubectl-like tables for `get` (and `top`): the same columns kubectl prints for each type, with
// NAMESPACE first under -A and the extra -o wide columns. Pure: objects in, text out.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { age, oneLine, podStatus, readyCount, restartsColumn, selectorString, table, toMs } from './format';
import { eventTime } from './describe';
import type { KubectlResource } from '../config/schema-diagnostics';

export interface PrintOptions {
  wide: boolean;
  allNamespaces: boolean;
  now: number;
}

type Obj = any;
type Columns = { headers: string[]; wide?: string[]; row: (o: Obj, now: number) => string[]; wideRow?: (o: Obj) => string[] };

const s = (v: unknown) => (v === undefined || v === null || v === '' ? '<none>' : String(v));
const n = (v: unknown) => String(v ?? 0);
const created = (o: Obj, now: number) => age(o.metadata?.creationTimestamp, now);
const images = (o: Obj) => (o.spec?.template?.spec?.containers ?? o.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []) as { name: string; image?: string }[];
const wideWorkload = (o: Obj) => [images(o).map((c) => c.name).join(','), images(o).map((c) => c.image ?? '').join(','), s(selectorString(o.spec?.selector))];

function ports(o: Obj): string {
  const list = (o.spec?.ports ?? []) as { port: number; nodePort?: number; protocol?: string }[];
  return list.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
}

function jobStatus(o: Obj): string {
  const conds = (o.status?.conditions ?? []) as { type: string; status: string }[];
  if (conds.some((c) => c.type === 'Failed' && c.status === 'True')) return 'Failed';
  if (conds.some((c) => c.type === 'Complete' && c.status === 'True')) return 'Complete';
  if (o.spec?.suspend) return 'Suspended';
  return 'Running';
}

function nodeStatus(o: Obj): string {
  const ready = (o.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
  const base = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  return o.spec?.unschedulable ? `${base},SchedulingDisabled` : base;
}

const COLUMNS: Record<KubectlResource, Columns> = {
  pods: {
    headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    row: (p: V1Pod, now) => [p.metadata?.name ?? '', readyCount(p), podStatus(p), restartsColumn(p, now), created(p, now)],
    wide: ['IP', 'NODE'],
    wideRow: (p: V1Pod) => [s(p.status?.podIP), s(p.spec?.nodeName)],
  },
  deployments: {
    headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    row: (o, now) => [o.metadata?.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, n(o.status?.updatedReplicas), n(o.status?.availableReplicas), created(o, now)],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    wideRow: wideWorkload,
  },
  replicasets: {
    headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
    row: (o, now) => [o.metadata?.name, n(o.spec?.replicas ?? 1), n(o.status?.replicas), n(o.status?.readyReplicas), created(o, now)],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    wideRow: wideWorkload,
  },
  statefulsets: {
    headers: ['NAME', 'READY', 'AGE'],
    row: (o, now) => [o.metadata?.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, created(o, now)],
    wide: ['CONTAINERS', 'IMAGES'],
    wideRow: (o) => wideWorkload(o).slice(0, 2),
  },
  daemonsets: {
    headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    row: (o, now) => [o.metadata?.name, n(o.status?.desiredNumberScheduled), n(o.status?.currentNumberScheduled), n(o.status?.numberReady), n(o.status?.updatedNumberScheduled), n(o.status?.numberAvailable), created(o, now)],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    wideRow: wideWorkload,
  },
  jobs: {
    headers: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
    row: (o, now) => {
      const start = toMs(o.status?.startTime);
      const end = toMs(o.status?.completionTime) ?? now;
      return [o.metadata?.name, jobStatus(o), `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`, start ? age(new Date(start), end) : '', created(o, now)];
    },
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    wideRow: wideWorkload,
  },
  cronjobs: {
    headers: ['NAME', 'SCHEDULE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
    row: (o, now) => [o.metadata?.name, s(o.spec?.schedule), String(!!o.spec?.suspend), n(o.status?.active?.length), o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : '<none>', created(o, now)],
  },
  services: {
    headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    row: (o, now) => [
      o.metadata?.name,
      s(o.spec?.type ?? 'ClusterIP'),
      s(o.spec?.clusterIP),
      s((o.status?.loadBalancer?.ingress ?? []).map((i: { ip?: string; hostname?: string }) => i.ip ?? i.hostname).join(',') || o.spec?.externalIPs?.join(',')),
      ports(o),
      created(o, now),
    ],
    wide: ['SELECTOR'],
    wideRow: (o) => [s(Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(','))],
  },
  ingresses: {
    headers: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'],
    row: (o, now) => [
      o.metadata?.name,
      s(o.spec?.ingressClassName),
      s((o.spec?.rules ?? []).map((r: { host?: string }) => r.host ?? '*').join(',')),
      s((o.status?.loadBalancer?.ingress ?? []).map((i: { ip?: string; hostname?: string }) => i.ip ?? i.hostname).join(',')),
      o.spec?.tls?.length ? '80, 443' : '80',
      created(o, now),
    ],
  },
  events: {
    headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
    row: (e: CoreV1Event, now) => [
      age(new Date(eventTime(e)), now),
      e.type ?? '',
      e.reason ?? '',
      `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
      oneLine(`${e.message ?? ''}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`, 300),
    ],
  },
  nodes: {
    headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    row: (o, now) => [
      o.metadata?.name,
      nodeStatus(o),
      Object.keys(o.metadata?.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.split('/')[1]).join(',') || '<none>',
      created(o, now),
      s(o.status?.nodeInfo?.kubeletVersion),
    ],
    wide: ['INTERNAL-IP', 'OS-IMAGE', 'CONTAINER-RUNTIME'],
    wideRow: (o) => [
      s((o.status?.addresses ?? []).find((a: { type: string }) => a.type === 'InternalIP')?.address),
      s(o.status?.nodeInfo?.osImage),
      s(o.status?.nodeInfo?.containerRuntimeVersion),
    ],
  },
  namespaces: { headers: ['NAME', 'STATUS', 'AGE'], row: (o, now) => [o.metadata?.name, s(o.status?.phase ?? 'Active'), created(o, now)] },
  persistentvolumeclaims: {
    headers: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'AGE'],
    row: (o, now) => [o.metadata?.name, s(o.status?.phase), o.spec?.volumeName ?? '', o.status?.capacity?.storage ?? '', accessModes(o.spec?.accessModes), s(o.spec?.storageClassName), created(o, now)],
  },
  persistentvolumes: {
    headers: ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'AGE'],
    row: (o, now) => [
      o.metadata?.name,
      s(o.spec?.capacity?.storage),
      accessModes(o.spec?.accessModes),
      s(o.spec?.persistentVolumeReclaimPolicy),
      s(o.status?.phase),
      o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : '',
      o.spec?.storageClassName ?? '',
      created(o, now),
    ],
  },
  storageclasses: {
    headers: ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
    row: (o, now) => [
      `${o.metadata?.name}${o.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ? ' (default)' : ''}`,
      s(o.provisioner),
      s(o.reclaimPolicy ?? 'Delete'),
      s(o.volumeBindingMode ?? 'Immediate'),
      String(!!o.allowVolumeExpansion),
      created(o, now),
    ],
  },
  configmaps: { headers: ['NAME', 'DATA', 'AGE'], row: (o, now) => [o.metadata?.name, String(Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length), created(o, now)] },
};

function accessModes(modes: string[] | undefined): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  return (modes ?? []).map((m) => short[m] ?? m).join(',');
}

/** A `kubectl get` table, or kubectl's "No resources found" sentence. */
export function printTable(type: KubectlResource, items: Obj[], opts: PrintOptions, namespace?: string): string {
  if (items.length === 0) return opts.allNamespaces || !namespace ? 'No resources found' : `No resources found in ${namespace} namespace.`;
  const c = COLUMNS[type];
  const ns = opts.allNamespaces && type !== 'nodes' && type !== 'namespaces' && type !== 'persistentvolumes' && type !== 'storageclasses';
  const wide = opts.wide && c.wide && c.wideRow;
  const headers = [...(ns ? ['NAMESPACE'] : []), ...c.headers, ...(wide ? c.wide! : [])];
  const rows = items.map((o) => [...(ns ? [o.metadata?.namespace ?? ''] : []), ...c.row(o, opts.now).map((x) => String(x ?? '')), ...(wide ? c.wideRow!(o) : [])]);
  return table(headers, rows);
}

/** CPU quantity ("250m", "1", "1500000n") in millicores. */
export function milliCores(q: string | undefined): number {
  if (!q) return 0;
  const m = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(q);
  if (!m) return 0;
  const v = Number(m[1]);
  return m[2] === 'n' ? v / 1e6 : m[2] === 'u' ? v / 1e3 : m[2] === 'm' ? v : v * 1000;
}

/** Memory quantity ("128Mi", "1Gi", "131072Ki", "200M", bytes) in bytes. */
export function bytes(q: string | undefined): number {
  if (!q) return 0;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(q);
  if (!m) return 0;
  const mult: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? mult[m[2]]! : 1);
}

export const formatCpu = (milli: number) => `${Math.round(milli)}m`;
export const formatMem = (b: number) => `${Math.round(b / 1024 ** 2)}Mi`;
