// Diagnostics for a PersistentVolumeClaim (Pending): the claim, its storage class (or the default
// one), provisioner events and the pods waiting for it.
import type { V1StorageClass } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { Anomaly } from '../../../../workflows/definitions';
import { describePvc, describeStorageClass } from '../../../../kube/describe';
import { quantities } from '../../../../kube/format';
import { buildDigest, lastWarning } from '../digest';
import type { DiagnosticsRun } from '../run';

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
