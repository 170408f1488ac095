// The resources the watcher watches (built-in kinds and custom-resource rules), each with its watch
// path and its list call on the real client library. The KubeConfig comes from ./client.ts.
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { CustomResourceRule } from '../config/schema-watch';
import { k8s } from './client';

export type AnyList = KubernetesListObject<KubernetesObject>;

export interface ResourceDef {
  /** Stable short name used in metrics, e.g. "pods", "backups.velero.io". */
  name: string;
  kind: string;
  apiVersion: string;
  /** Watch path (all namespaces). */
  path: string;
  fieldSelector?: string;
  list(): Promise<AnyList>;
  /** Custom resources may be absent from a cluster; the watcher keeps trying without waiting for them. */
  optional: boolean;
}

export function builtinResources(kc: KubeConfig): ResourceDef[] {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const def = (name: string, kind: string, apiVersion: string, path: string, list: () => Promise<unknown>, fieldSelector?: string): ResourceDef => ({
    name, kind, apiVersion, path, list: list as () => Promise<AnyList>, optional: false, ...(fieldSelector ? { fieldSelector } : {}),
  });
  return [
    def('namespaces', 'Namespace', 'v1', '/api/v1/namespaces', () => core.listNamespace()),
    def('replicasets', 'ReplicaSet', 'apps/v1', '/apis/apps/v1/replicasets', () => apps.listReplicaSetForAllNamespaces()),
    def('deployments', 'Deployment', 'apps/v1', '/apis/apps/v1/deployments', () => apps.listDeploymentForAllNamespaces()),
    def('statefulsets', 'StatefulSet', 'apps/v1', '/apis/apps/v1/statefulsets', () => apps.listStatefulSetForAllNamespaces()),
    def('daemonsets', 'DaemonSet', 'apps/v1', '/apis/apps/v1/daemonsets', () => apps.listDaemonSetForAllNamespaces()),
    def('jobs', 'Job', 'batch/v1', '/apis/batch/v1/jobs', () => batch.listJobForAllNamespaces()),
    def('pods', 'Pod', 'v1', '/api/v1/pods', () => core.listPodForAllNamespaces()),
    def('nodes', 'Node', 'v1', '/api/v1/nodes', () => core.listNode()),
    def('persistentvolumeclaims', 'PersistentVolumeClaim', 'v1', '/api/v1/persistentvolumeclaims', () => core.listPersistentVolumeClaimForAllNamespaces()),
    // Only warnings: normal events are most of the traffic and never an anomaly.
    def('events', 'Event', 'v1', '/api/v1/events', () => core.listEventForAllNamespaces({ fieldSelector: 'type=Warning' }), 'type=Warning'),
  ];
}

export function customResource(kc: KubeConfig, rule: CustomResourceRule): ResourceDef {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const { group, version, resource } = rule;
  return {
    name: `${resource}.${group}`,
    kind: rule.kind,
    apiVersion: `${group}/${version}`,
    path: `/apis/${group}/${version}/${resource}`,
    list: () => custom.listClusterCustomObject({ group, version, plural: resource }) as Promise<AnyList>,
    optional: true,
  };
}
