// Building blocks for scenarios: nodes, a default StorageClass, and Deployment -> ReplicaSet -> Pod
// chains with real owner references, pod-template-hash labels and kubelet-shaped pod status.
import { createHash } from 'node:crypto';
import type { KubeObject, OwnerReference, SimCluster } from '../types';

export const NODES = ['node-1', 'node-2', 'node-3'];
// The alphabet Kubernetes uses for generated names (no vowels, no look-alike characters).
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** A stable pseudo-random suffix, so the same scenario always produces the same names. */
export function safeHash(input: string, length: number): string {
  const digest = createHash('sha256').update(input).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[digest[i]! % SAFE.length];
  return out;
}

export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
export const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function ownerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function nodeObject(name: string, index: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'sim.large' } },
    spec: { podCIDR: `10.244.${index}.0/24` },
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
      addresses: [{ type: 'InternalIP', address: `10.0.0.${10 + index}` }, { type: 'Hostname', address: name }],
      conditions: nodeConditions(true),
      nodeInfo: { kubeletVersion: 'v1.31.0', containerRuntimeVersion: 'containerd://1.7.20', osImage: 'Sim Linux', architecture: 'amd64', operatingSystem: 'linux' },
    },
  };
}

export function nodeConditions(ready: boolean, memoryPressure = false): unknown[] {
  const t = now();
  const c = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: t });
  return [
    c('MemoryPressure', memoryPressure ? 'True' : 'False', memoryPressure ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory',
      memoryPressure ? 'kubelet has insufficient memory available' : 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    ready
      ? c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
      : c('Ready', 'False', 'KubeletNotReady', 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'),
  ];
}

/** Nodes node-1..3 and a default StorageClass, created once per cluster. */
export function ensureBase(c: SimCluster): void {
  NODES.forEach((n, i) => {
    if (!c.get('v1', 'Node', undefined, n)) c.apply(nodeObject(n, i + 1));
  });
  if (!c.get('storage.k8s.io/v1', 'StorageClass', undefined, 'standard')) {
    c.apply({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
  }
}

export interface ContainerState {
  ready: boolean;
  state: Record<string, unknown>;
  lastState?: Record<string, unknown>;
  restartCount: number;
  phase?: string;
}

export function podStatus(pod: KubeObject, s: ContainerState): unknown {
  const container = pod.spec.containers[0];
  const t = now();
  const cond = (type: string, ok: boolean, reason?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: t,
    ...(ok || !reason ? {} : { reason, message: `containers with unready status: [${container.name}]` }),
  });
  const started = 'running' in s.state || 'terminated' in s.state;
  return {
    phase: s.phase ?? (started || s.lastState?.terminated ? 'Running' : 'Pending'),
    conditions: [
      cond('PodReadyToStartContainers', true),
      cond('Initialized', true),
      cond('Ready', s.ready, 'ContainersNotReady'),
      cond('ContainersReady', s.ready, 'ContainersNotReady'),
      cond('PodScheduled', true),
    ],
    hostIP: `10.0.0.${10 + (NODES.indexOf(pod.spec.nodeName) + 1)}`,
    podIP: `10.244.${NODES.indexOf(pod.spec.nodeName) + 1}.${20 + (createHash('sha256').update(pod.metadata.name).digest()[0]! % 200)}`,
    startTime: ago(600),
    qosClass: container.resources?.limits ? 'Burstable' : 'BestEffort',
    containerStatuses: [
      {
        name: container.name,
        image: container.image,
        imageID: started || s.lastState ? `${container.image.split(':')[0]}@sha256:${createHash('sha256').update(container.image).digest('hex')}` : '',
        containerID: started || s.lastState ? `containerd://${createHash('sha256').update(`${pod.metadata.name}/${s.restartCount}`).digest('hex')}` : undefined,
        ready: s.ready,
        started: 'running' in s.state,
        restartCount: s.restartCount,
        state: s.state,
        lastState: s.lastState ?? {},
      },
    ],
  };
}

export interface WorkloadSpec {
  namespace: string;
  name: string;
  replicas: number;
  image: string;
  revision?: number;
  resources?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  strategy?: Record<string, unknown>;
  /** Init containers of the pod template (`{name, image, command?}`). */
  initContainers?: Record<string, unknown>[];
}

export interface Workload {
  deployment: KubeObject;
  replicaSet: KubeObject;
  pods: KubeObject[];
}

export function podTemplate(w: WorkloadSpec, image = w.image): KubeObject['spec'] {
  return {
    metadata: { labels: { app: w.name } },
    spec: {
      ...(w.initContainers ? { initContainers: w.initContainers } : {}),
      containers: [{ name: w.name, image, ports: [{ containerPort: 8080, protocol: 'TCP' }], ...(w.resources ? { resources: w.resources } : {}), ...(w.readinessProbe ? { readinessProbe: w.readinessProbe } : {}) }],
      restartPolicy: 'Always',
      serviceAccountName: 'default',
    },
  };
}

export const rsName = (w: WorkloadSpec, image = w.image) => `${w.name}-${safeHash(`${w.namespace}/${w.name}/${image}`, 10)}`;
export const podName = (rs: string, i: number) => `${rs}-${safeHash(`${rs}/${i}`, 5)}`;

/** Deployment -> ReplicaSet -> Pods with owner references; `state(i)` shapes each pod's container. */
export function deploymentChain(c: SimCluster, w: WorkloadSpec, state: (i: number) => ContainerState, ready: number): Workload {
  const revision = String(w.revision ?? 1);
  const template = podTemplate(w);
  const deployment = c.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: w.namespace, labels: { app: w.name }, annotations: { 'deployment.kubernetes.io/revision': revision } },
    spec: { replicas: w.replicas, selector: { matchLabels: { app: w.name } }, template, strategy: w.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } } },
  });
  const rs = rsName(w);
  const hash = rs.slice(w.name.length + 1);
  const replicaSet = c.apply({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rs,
      namespace: w.namespace,
      labels: { app: w.name, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': revision, 'deployment.kubernetes.io/desired-replicas': String(w.replicas) },
      ownerReferences: [ownerRef(deployment)],
    },
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: { app: w.name, 'pod-template-hash': hash } },
      template: { ...template, metadata: { labels: { app: w.name, 'pod-template-hash': hash } } },
    },
  });
  const pods: KubeObject[] = [];
  for (let i = 0; i < w.replicas; i++) {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName(rs, i), namespace: w.namespace, labels: { app: w.name, 'pod-template-hash': hash }, ownerReferences: [ownerRef(replicaSet)] },
      spec: { ...template.spec, nodeName: NODES[i % NODES.length] },
    };
    pod.status = podStatus(pod, state(i));
    pods.push(c.apply(pod));
  }
  setWorkloadStatus(c, w, rs, ready);
  return { deployment: c.get('apps/v1', 'Deployment', w.namespace, w.name)!, replicaSet: c.get('apps/v1', 'ReplicaSet', w.namespace, rs)!, pods };
}

/** Deployment and ReplicaSet status for `ready` of `replicas` pods ready, with the controller's conditions. */
export function setWorkloadStatus(c: SimCluster, w: WorkloadSpec, rs: string, ready: number): void {
  const t = now();
  const available = ready >= w.replicas - Math.floor(w.replicas / 4);
  c.patchStatus('apps/v1', 'ReplicaSet', w.namespace, rs, {
    replicas: w.replicas, fullyLabeledReplicas: w.replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1,
  });
  c.patchStatus('apps/v1', 'Deployment', w.namespace, w.name, {
    observedGeneration: c.get('apps/v1', 'Deployment', w.namespace, w.name)?.metadata.generation ?? 1,
    replicas: w.replicas,
    updatedReplicas: w.replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: w.replicas - ready,
    conditions: [
      available
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: t, lastTransitionTime: t }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: t, lastTransitionTime: t },
      ready === w.replicas
        ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs}" has successfully progressed.`, lastUpdateTime: t, lastTransitionTime: t }
        : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rs}" is progressing.`, lastUpdateTime: t, lastTransitionTime: t },
    ],
  });
}

/** The pods of a workload's current ReplicaSet, by the pod-template-hash label. */
export function podsOf(c: SimCluster, w: WorkloadSpec, image = w.image): KubeObject[] {
  const rs = rsName(w, image);
  return c.list('v1', 'Pod', w.namespace).filter((p) => p.metadata.ownerReferences?.some((r) => r.kind === 'ReplicaSet' && r.name === rs));
}

export const running = (restartCount: number, lastState?: Record<string, unknown>): ContainerState => ({
  ready: true,
  state: { running: { startedAt: ago(30) } },
  restartCount,
  lastState,
});

/** Rewrites a pod's status for a new container state, keeping startTime and unchanged transitions. */
export function setPodState(c: SimCluster, pod: KubeObject, s: ContainerState): KubeObject {
  const next = podStatus(pod, s) as { startTime: string; conditions: { type: string; status: string; lastTransitionTime: string }[] };
  next.startTime = pod.status?.startTime ?? next.startTime;
  for (const cond of next.conditions) {
    const before = (pod.status?.conditions ?? []).find((x: { type: string }) => x.type === cond.type);
    if (before?.status === cond.status) cond.lastTransitionTime = before.lastTransitionTime;
  }
  return c.patchStatus('v1', 'Pod', pod.metadata.namespace, pod.metadata.name, next);
}
