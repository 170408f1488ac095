// The resource types /kubectl understands, with kubectl's names and short names. Secrets are not
// here on purpose, and every spelling of them is recognised only to be refused.
import { KUBECTL_RESOURCES, type KubectlResource } from '../../config/schema-diagnostics';

export interface ResourceType {
  name: KubectlResource;
  kind: string;
  namespaced: boolean;
  aliases: string[];
}

const T = (name: KubectlResource, kind: string, namespaced: boolean, ...aliases: string[]): ResourceType => ({ name, kind, namespaced, aliases });

export const RESOURCE_TYPES: readonly ResourceType[] = [
  T('pods', 'Pod', true, 'pod', 'po'),
  T('deployments', 'Deployment', true, 'deployment', 'deploy', 'deployments.apps', 'deployment.apps'),
  T('replicasets', 'ReplicaSet', true, 'replicaset', 'rs', 'replicasets.apps'),
  T('statefulsets', 'StatefulSet', true, 'statefulset', 'sts', 'statefulsets.apps'),
  T('daemonsets', 'DaemonSet', true, 'daemonset', 'ds', 'daemonsets.apps'),
  T('jobs', 'Job', true, 'job', 'jobs.batch'),
  T('cronjobs', 'CronJob', true, 'cronjob', 'cj', 'cronjobs.batch'),
  T('services', 'Service', true, 'service', 'svc'),
  T('ingresses', 'Ingress', true, 'ingress', 'ing', 'ingresses.networking.k8s.io'),
  T('events', 'Event', true, 'event', 'ev'),
  T('nodes', 'Node', false, 'node', 'no'),
  T('namespaces', 'Namespace', false, 'namespace', 'ns'),
  T('persistentvolumeclaims', 'PersistentVolumeClaim', true, 'persistentvolumeclaim', 'pvc'),
  T('persistentvolumes', 'PersistentVolume', false, 'persistentvolume', 'pv'),
  T('storageclasses', 'StorageClass', false, 'storageclass', 'sc', 'storageclasses.storage.k8s.io'),
  T('configmaps', 'ConfigMap', true, 'configmap', 'cm'),
];

// Sanity: the table and the config's list name the same types.
if (RESOURCE_TYPES.length !== KUBECTL_RESOURCES.length) throw new Error('api/kubectl/resources.ts is out of step with KUBECTL_RESOURCES');

/** Every way to name Secrets: secret, secrets, sec, Secret, secrets.v1, secret.v1., ... */
export function isSecretType(word: string): boolean {
  return /^(secrets?|sec)(\..*)?$/i.test(word.trim());
}

export function findResourceType(word: string): ResourceType | undefined {
  const w = word.toLowerCase().replace(/\.v1$/, '');
  return RESOURCE_TYPES.find((t) => t.name === w || t.aliases.includes(w));
}

export const SECRETS_REFUSAL =
  'Refused: Secrets are never shown from chat. Their values would land in the channel, its history and the incident record; ask someone with cluster access to look at them directly.';
