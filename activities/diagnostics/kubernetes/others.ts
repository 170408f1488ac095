// Diagnostics for nodes (NotReady, pressure), PersistentVolumeClaims (Pending: storage class,
// provisioner events, who waits for it) and any other object, custom resources included (phase,
// conditions, failure messages and events, found through API discovery).
import type { V1APIResource, V1Node, V1StorageClass } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { Anomaly } from '../../../workflows/definitions';
import { describeNode, describeObject, describePvc, describeStorageClass, nodeProblems } from '../../../kube/describe';
import { buildDigest, lastWarning } from './digest';
import { conditionText, oneLine, podReady, quantities } from '../../../kube/format';
import type { DiagnosticsRun } from './run';

export async function diagnoseNode(run: DiagnosticsRun, anomaly: Anomaly): Promise<string> {
  const name = anomaly.resource.name;
  const [node, events, pods] = await Promise.all([
    run.call(`get node ${name}`, (o) => run.apis.core.readNode({ name }, o), { expect404: true }),
    run.events('Node', name),
    run.call(`list pods on node ${name}`, (o) => run.apis.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}`, limit: 500 }, o)),
  ]);
  if (node) run.section(`Node ${name}`, describeNode(node));
  else run.section(`Node ${name}`, 'Not found or not readable: the node may have been removed from the cluster (see problems).');
  run.eventsSection(`Events of node ${name}`, events);
  const items = pods?.items ?? [];
  if (pods) run.section(`Pods on node ${name}`, items.length ? run.podsTable(items, 40) : 'No pods are scheduled on this node.');

  const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
  const problems = node ? nodeProblems(node as V1Node) : [];
  const notReady = items.filter((p) => p.status?.phase !== 'Succeeded' && !podReady(p)).length;
  const warning = lastWarning(events);
  return buildDigest([
    node
      ? `Node ${name}: ${problems.length ? problems.join(', ') : 'no problem conditions right now'}${ready ? `; ${conditionText({ ...ready, message: oneLine(ready.message ?? '', 160) })}` : ''}`
      : `Node ${name} was not found (removed from the cluster?)`,
    pods && `${items.length} pods on it, ${notReady} not ready`,
    warning && `Last warning: ${warning}`,
  ]);
}

export async function diagnosePvc(run: DiagnosticsRun, anomaly: Anomaly): Promise<string> {
  const ns = anomaly.resource.namespace ?? 'default';
  const name = anomaly.resource.name;
  const [pvc, events, pods] = await Promise.all([
    run.call(`get pvc ${ns}/${name}`, (o) => run.apis.core.readNamespacedPersistentVolumeClaim({ namespace: ns, name }, o), { expect404: true }),
    run.events('PersistentVolumeClaim', name, ns),
    run.call(`list pods in ${ns}`, (o) => run.apis.core.listNamespacedPod({ namespace: ns, limit: 500 }, o)),
  ]);
  const className = pvc?.spec?.storageClassName;
  let sc: V1StorageClass | undefined;
  let classLine: string | undefined;
  if (pvc && className) {
    sc = await run.call(`get storageclass ${className}`, (o) => run.apis.storage.readStorageClass({ name: className }, o), { expect404: true });
    classLine = sc ? `StorageClass "${className}": provisioner ${sc.provisioner}, binding ${sc.volumeBindingMode ?? 'Immediate'}` : `StorageClass "${className}" was not found`;
  } else if (pvc) {
    const classes = await run.call('list storageclasses', (o) => run.apis.storage.listStorageClass({}, o));
    sc = classes?.items.find((c) => c.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    classLine = classes ? (sc ? `no class named; the default StorageClass is "${sc.metadata?.name}" (${sc.provisioner})` : 'the claim names no StorageClass and the cluster has no default one') : undefined;
  }
  const users = (pods?.items ?? []).filter((p) => (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name)).map((p) => p.metadata?.name ?? '');

  if (pvc) run.section(`PVC ${ns}/${name}`, describePvc(pvc));
  else run.section(`PVC ${ns}/${name}`, 'Not found or not readable (see problems).');
  if (sc) run.section(`StorageClass ${sc.metadata?.name}`, describeStorageClass(sc));
  else if (classLine) run.section('StorageClass', classLine);
  run.eventsSection(`Events of PVC ${name}`, events);
  if (pods) run.section(`Pods using ${name}`, users.length ? users.join('\n') : 'No pod uses this claim.');

  const warning = lastWarning(events);
  return buildDigest([
    pvc
      ? `PVC ${ns}/${name} is ${pvc.status?.phase ?? 'Pending'} (requested ${quantities(pvc.spec?.resources?.requests) ?? '?'}, class ${className ? `"${className}"` : 'default'}, ${(pvc.spec?.accessModes ?? []).join(',') || 'no access modes'})`
      : `PVC ${ns}/${name} was not found`,
    classLine,
    users.length ? `Used by pod${users.length > 1 ? 's' : ''} ${users.slice(0, 5).join(', ')}${users.length > 5 ? ` and ${users.length - 5} more` : ''}` : undefined,
    warning && `Last warning: ${warning}`,
  ]);
}

/** Finds a kind's resource (plural, scope) through discovery; scans groups when apiVersion is unknown. */
async function discover(run: DiagnosticsRun, kind: string, apiVersion: string | undefined): Promise<{ group: string; version: string; res: V1APIResource } | undefined> {
  const lookIn = async (gv: string) => {
    const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
    if (!group) return undefined; // core kinds are not custom objects
    const list = await run.call(`discover ${gv}`, (o) => run.apis.custom.getAPIResources({ group, version }, o), { expect404: true });
    const res = list?.resources.find((x) => x.kind === kind && !x.name.includes('/'));
    return res ? { group, version, res } : undefined;
  };
  if (apiVersion) return lookIn(apiVersion);
  const groups = await run.call('list API groups', (o) => run.apis.apis.getAPIVersions({}, o));
  for (const g of (groups?.groups ?? []).slice(0, 40)) {
    const gv = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
    const found = gv ? await lookIn(gv) : undefined;
    if (found) return found;
  }
  return undefined;
}

export async function diagnoseObject(run: DiagnosticsRun, anomaly: Anomaly): Promise<string> {
  const r = anomaly.resource;
  const label = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
  const [found, events] = await Promise.all([discover(run, r.kind, r.apiVersion), run.events(r.kind, r.name, r.namespace)]);
  let obj: any;
  if (found) {
    const { group, version, res } = found;
    const p = { group, version, plural: res.name, name: r.name };
    obj = res.namespaced
      ? await run.call(`get ${res.name}.${group} ${r.namespace}/${r.name}`, (o) => run.apis.custom.getNamespacedCustomObject({ ...p, namespace: r.namespace ?? 'default' }, o), { expect404: true })
      : await run.call(`get ${res.name}.${group} ${r.name}`, (o) => run.apis.custom.getClusterCustomObject(p, o), { expect404: true });
  }
  if (obj) run.section(label, describeObject(obj));
  else run.section(label, found ? 'Not found (deleted?) or not readable (see problems).' : `The API server does not serve kind ${r.kind}${r.apiVersion ? ` in ${r.apiVersion}` : ''} as a custom resource, so only events are shown.`);
  run.eventsSection(`Events of ${label}`, events);

  const status = (obj?.status ?? {}) as Record<string, unknown>;
  const conds = Array.isArray(status.conditions) ? (status.conditions as any[]) : [];
  const bad = conds.filter((c) => (/^(Ready|Available|Succeeded|Complete|Healthy|Synced)$/.test(c.type) ? c.status !== 'True' : /^(Failed|Degraded|Error|Stalled)$/.test(c.type) && c.status === 'True'));
  const messages = ['failureReason', 'reason', 'message', 'error', 'lastError']
    .filter((k) => typeof status[k] === 'string' && status[k])
    .map((k) => `${k}: ${oneLine(String(status[k]), 200)}`);
  const lists = ['errors', 'validationErrors'].filter((k) => Array.isArray(status[k]) && (status[k] as unknown[]).length).map((k) => `${k}: ${oneLine((status[k] as unknown[]).join('; '), 200)}`);
  const warning = lastWarning(events);
  const head = obj ? `${label}${typeof status.phase === 'string' ? `: phase ${status.phase}` : ''}` : `${label} could not be read`;
  return buildDigest([
    [head, ...bad.map((c) => conditionText({ ...c, message: oneLine(c.message ?? '', 160) })), ...messages, ...lists].join('; '),
    warning && `Last warning: ${warning}`,
  ]);
}
