// The resource types the simulated API server serves, with what discovery and field selectors need.
export interface ResourceDef {
  group: string; // '' for core
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Has a /status subresource: the main endpoint ignores status, /status ignores everything else. */
  statusSubresource: boolean;
  /** Field selector labels beyond metadata.name / metadata.namespace (as the real server supports). */
  fieldLabels: string[];
  /** Custom resources list their items with kind/apiVersion; built-in typed lists omit them. */
  custom?: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const EVENT_FIELDS = [
  'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
  'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
  'reason', 'reportingComponent', 'source', 'type',
];

function def(group: string, version: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceDef> = {}): ResourceDef {
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, statusSubresource: true, fieldLabels: [], ...extra };
}

export const RESOURCES: readonly ResourceDef[] = [
  def('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], fieldLabels: ['status.phase'] }),
  def('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    fieldLabels: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  }),
  def('', 'v1', 'Event', 'events', true, { shortNames: ['ev'], statusSubresource: false, fieldLabels: EVENT_FIELDS }),
  def('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], fieldLabels: ['spec.unschedulable'] }),
  def('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'] }),
  def('', 'v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'] }),
  def('', 'v1', 'Service', 'services', true, { shortNames: ['svc'] }),
  def('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'], statusSubresource: false }),
  def('', 'v1', 'Secret', 'secrets', true, { statusSubresource: false, fieldLabels: ['type'] }),
  def('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'] }),
  def('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'] }),
  def('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'] }),
  def('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'] }),
  def('batch', 'v1', 'Job', 'jobs', true, { fieldLabels: ['status.successful'] }),
  def('coordination.k8s.io', 'v1', 'Lease', 'leases', true, { statusSubresource: false }),
  def('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'], statusSubresource: false }),
  def('velero.io', 'v1', 'Backup', 'backups', true, { custom: true }),
  def('velero.io', 'v1', 'Restore', 'restores', true, { custom: true }),
  def('cert-manager.io', 'v1', 'Certificate', 'certificates', true, { shortNames: ['cert', 'certs'], custom: true }),
];

export function groupVersion(d: ResourceDef): string {
  return d.group ? `${d.group}/${d.version}` : d.version;
}

/** `pods`, `leases.coordination.k8s.io`: how the real server names a resource in messages. */
export function qualifiedResource(d: ResourceDef): string {
  return d.group ? `${d.plural}.${d.group}` : d.plural;
}

export function defKey(d: ResourceDef): string {
  return `${d.group}/${d.plural}`;
}

export function findByPath(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((d) => d.group === group && d.version === version && d.plural === plural);
}

export function findByKind(apiVersion: string, kind: string): ResourceDef | undefined {
  return RESOURCES.find((d) => groupVersion(d) === apiVersion && d.kind === kind);
}

/** Like findByKind but throws a message naming what is served, for in-process callers. */
export function requireKind(apiVersion: string, kind: string): ResourceDef {
  const d = findByKind(apiVersion, kind);
  if (!d) {
    const known = RESOURCES.map((r) => `${groupVersion(r)} ${r.kind}`).join(', ');
    throw new Error(`the simulated cluster does not serve ${apiVersion} ${kind}; it serves: ${known}`);
  }
  return d;
}

export function verbsOf(_d: ResourceDef): string[] {
  return VERBS;
}
