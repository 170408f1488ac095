// Scenarios outside Deployments: a NotReady node, a Pending PVC, a failed Job, a failed Velero
// backup and a cert-manager Certificate that is not Ready.
import type { KubeObject } from '../types';
import { ago, ensureBase, nodeConditions, now, ownerRef, safeHash } from './builders';
import type { ScenarioImpl, ScenarioOptions } from './types';

export const nodeNotReady: ScenarioImpl = {
  run(c, o, say) {
    ensureBase(c);
    const name = o.name ?? 'node-2';
    const node = c.get('v1', 'Node', undefined, name) ?? c.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {} });
    c.apply({
      ...node,
      spec: {
        ...node.spec,
        taints: [
          { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: now() },
          { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', timeAdded: now() },
        ],
      },
    });
    c.patchStatus('v1', 'Node', undefined, name, { conditions: nodeConditions(false, true) });
    c.recordEvent({ involvedObject: { kind: 'Node', name }, reason: 'EvictionThresholdMet', type: 'Warning', message: 'Attempting to reclaim memory' });
    c.recordEvent({ involvedObject: { kind: 'Node', name }, reason: 'NodeNotReady', type: 'Normal', message: `Node ${name} status is now: NodeNotReady`, source: { component: 'node-controller' } });
    say(`nodeNotReady: node ${name} Ready=False with MemoryPressure=True and not-ready taints`);
  },
  tick(c, o) {
    c.recordEvent({ involvedObject: { kind: 'Node', name: o.name ?? 'node-2' }, reason: 'EvictionThresholdMet', type: 'Warning', message: 'Attempting to reclaim memory' });
  },
  recover(c, o, say) {
    const name = o.name ?? 'node-2';
    const node = c.get('v1', 'Node', undefined, name);
    if (!node) return;
    const { taints: _t, ...spec } = node.spec ?? {};
    c.apply({ ...node, spec, status: { ...node.status, conditions: nodeConditions(true) } });
    c.recordEvent({ involvedObject: { kind: 'Node', name }, reason: 'NodeReady', type: 'Normal', message: `Node ${name} status is now: NodeReady`, source: { component: 'node-controller' } });
    say(`nodeNotReady: node ${name} Ready again`);
  },
};

const pvcNames = (o: ScenarioOptions) => {
  const ns = o.namespace ?? 'data';
  const sts = o.name ?? 'postgres';
  return { ns, sts, pvc: `data-${sts}-0`, pod: `${sts}-0`, sc: 'fast-ssd' };
};

export const pvcPending: ScenarioImpl = {
  run(c, o, say) {
    ensureBase(c);
    const n = pvcNames(o);
    c.apply({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: n.sc }, provisioner: 'csi.sim.local', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', parameters: { type: 'ssd' } });
    const labels = { app: n.sts };
    const template = { metadata: { labels }, spec: { containers: [{ name: n.sts, image: 'docker.io/library/postgres:16.4', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }] }] } };
    const sts = c.apply({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: n.sts, namespace: n.ns, labels },
      spec: { replicas: 1, serviceName: n.sts, selector: { matchLabels: labels }, template, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: n.sc, resources: { requests: { storage: '20Gi' } } } }] },
      status: { replicas: 1, readyReplicas: 0, currentReplicas: 1, updatedReplicas: 1, availableReplicas: 0, observedGeneration: 1 },
    });
    c.apply({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: n.pvc, namespace: n.ns, labels },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: n.sc, resources: { requests: { storage: '20Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    c.apply({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: n.pod, namespace: n.ns, labels: { ...labels, 'statefulset.kubernetes.io/pod-name': n.pod }, ownerReferences: [ownerRef(sts)] },
      spec: { ...template.spec, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: n.pvc } }], hostname: n.pod, subdomain: n.sts },
      status: {
        phase: 'Pending', qosClass: 'BestEffort',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastProbeTime: null, lastTransitionTime: ago(300), message: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.' }],
      },
    });
    c.recordEvent({ involvedObject: { kind: 'PersistentVolumeClaim', name: n.pvc, namespace: n.ns }, reason: 'ProvisioningFailed', type: 'Warning', message: `failed to provision volume with StorageClass "${n.sc}": rpc error: code = ResourceExhausted desc = volume quota exceeded for the project` });
    c.recordEvent({ involvedObject: { kind: 'Pod', name: n.pod, namespace: n.ns }, reason: 'FailedScheduling', type: 'Warning', message: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.', source: { component: 'default-scheduler' } });
    say(`pvcPending: pvc ${n.ns}/${n.pvc} Pending (StorageClass ${n.sc}, ProvisioningFailed); pod ${n.pod} of statefulset ${n.sts} unschedulable`);
  },
  tick(c, o) {
    const n = pvcNames(o);
    c.recordEvent({ involvedObject: { kind: 'PersistentVolumeClaim', name: n.pvc, namespace: n.ns }, reason: 'ProvisioningFailed', type: 'Warning', message: `failed to provision volume with StorageClass "${n.sc}": rpc error: code = ResourceExhausted desc = volume quota exceeded for the project` });
  },
  recover(c, o, say) {
    const n = pvcNames(o);
    const pvc = c.get('v1', 'PersistentVolumeClaim', n.ns, n.pvc);
    if (!pvc) return;
    const pv = `pvc-${pvc.metadata.uid}`;
    c.apply({
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pv, annotations: { 'pv.kubernetes.io/provisioned-by': 'csi.sim.local' } },
      spec: { capacity: { storage: '20Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: n.sc, persistentVolumeReclaimPolicy: 'Delete', claimRef: { kind: 'PersistentVolumeClaim', namespace: n.ns, name: n.pvc, uid: pvc.metadata.uid }, csi: { driver: 'csi.sim.local', volumeHandle: safeHash(pv, 12) } },
      status: { phase: 'Bound' },
    });
    c.apply({ ...pvc, spec: { ...pvc.spec, volumeName: pv }, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '20Gi' } } });
    const pod = c.get('v1', 'Pod', n.ns, n.pod);
    if (pod) {
      const t = now();
      const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
      const c0 = pod.spec.containers[0];
      c.apply({
        ...pod, spec: { ...pod.spec, nodeName: 'node-1' },
        status: {
          phase: 'Running', qosClass: 'BestEffort', hostIP: '10.0.0.11', podIP: '10.244.1.90', startTime: t,
          conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
          containerStatuses: [{ name: c0.name, image: c0.image, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } }, lastState: {} }],
        },
      });
    }
    c.patchStatus('apps/v1', 'StatefulSet', n.ns, n.sts, { readyReplicas: 1, availableReplicas: 1 });
    c.recordEvent({ involvedObject: { kind: 'PersistentVolumeClaim', name: n.pvc, namespace: n.ns }, reason: 'ProvisioningSucceeded', type: 'Normal', message: `Successfully provisioned volume ${pv}` });
    say(`pvcPending: pvc ${n.ns}/${n.pvc} Bound to ${pv}; ${n.pod} running`);
  },
};

const jobNames = (o: ScenarioOptions) => ({ ns: o.namespace ?? 'reports', job: o.name ?? 'nightly-report' });
const JOB_FAILED = 'Job has reached the specified backoff limit';

export const failedJob: ScenarioImpl = {
  run(c, o, say) {
    ensureBase(c);
    const { ns, job: name } = jobNames(o);
    const template = { metadata: { labels: { 'job-name': name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'registry.local/reports/nightly:2024.5', command: ['python', '-m', 'reports.nightly'] }] } };
    const job = c.apply({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: ns, labels: { app: 'reports' } }, spec: { backoffLimit: 3, completions: 1, parallelism: 1, template } });
    const uid = job.metadata.uid!;
    const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
    const trace = 'Traceback (most recent call last):\n  File "/app/reports/nightly.py", line 88, in main\n    rows = fetch_orders(conn)\npsycopg.OperationalError: connection to server at "db.data.svc" failed: FATAL: password authentication failed for user "reports"\n';
    for (let i = 0; i < 4; i++) {
      const pod = `${name}-${safeHash(`${ns}/${name}/${i}`, 5)}`;
      c.apply({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace: ns, labels, ownerReferences: [ownerRef(job)] },
        spec: { ...template.spec, nodeName: `node-${(i % 3) + 1}` },
        status: {
          phase: 'Failed', qosClass: 'BestEffort', startTime: ago(600 - i * 120),
          containerStatuses: [{ name: 'report', image: template.spec.containers[0]!.image, imageID: '', ready: false, started: false, restartCount: 0, lastState: {}, state: { terminated: { exitCode: 2, reason: 'Error', startedAt: ago(600 - i * 120), finishedAt: ago(590 - i * 120) } } }],
        },
      });
      c.setLogs(ns, pod, 'report', { current: trace });
      c.recordEvent({ involvedObject: { kind: 'Job', apiVersion: 'batch/v1', name, namespace: ns }, reason: 'SuccessfulCreate', type: 'Normal', message: `Created pod: ${pod}` });
    }
    const t = now();
    c.patchStatus('batch/v1', 'Job', ns, name, {
      startTime: ago(600), failed: 4, active: 0, ready: 0, terminating: 0, uncountedTerminatedPods: {},
      conditions: [
        { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: JOB_FAILED, lastProbeTime: t, lastTransitionTime: t },
        { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: JOB_FAILED, lastProbeTime: t, lastTransitionTime: t },
      ],
    });
    c.recordEvent({ involvedObject: { kind: 'Job', apiVersion: 'batch/v1', name, namespace: ns }, reason: 'BackoffLimitExceeded', type: 'Warning', message: JOB_FAILED });
    say(`failedJob: job ${ns}/${name} Failed (BackoffLimitExceeded) after 4 failed pods`);
  },
  recover(c, o, say) {
    const { ns, job } = jobNames(o);
    const t = now();
    if (!c.get('batch/v1', 'Job', ns, job)) return;
    c.patchStatus('batch/v1', 'Job', ns, job, {
      succeeded: 1, completionTime: t,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: t, lastTransitionTime: t },
        { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: t, lastTransitionTime: t },
      ],
    });
    c.recordEvent({ involvedObject: { kind: 'Job', apiVersion: 'batch/v1', name: job, namespace: ns }, reason: 'Completed', type: 'Normal', message: 'Job completed' });
    say(`failedJob: job ${ns}/${job} succeeded`);
  },
};

const backupNames = (o: ScenarioOptions) => ({ ns: o.namespace ?? 'velero', name: o.name ?? 'daily-shop' });

export const failedVeleroBackup: ScenarioImpl = {
  run(c, o, say) {
    const { ns, name } = backupNames(o);
    c.apply({
      apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name, namespace: ns, labels: { 'velero.io/schedule-name': 'daily', 'velero.io/storage-location': 'default' } },
      spec: { includedNamespaces: ['shop'], storageLocation: 'default', ttl: '720h0m0s', snapshotVolumes: true },
      status: {
        phase: 'Failed', version: 1, formatVersion: '1.1.0', startTimestamp: ago(900), completionTimestamp: ago(880), expiration: ago(-720 * 3600),
        failureReason: 'error checking if backup already exists in object storage: rpc error: code = Unknown desc = AccessDenied: Access Denied status code: 403',
      },
    });
    say(`failedVeleroBackup: velero backup ${ns}/${name} phase Failed (object storage AccessDenied)`);
  },
  recover(c, o, say) {
    const { ns, name } = backupNames(o);
    if (!c.get('velero.io/v1', 'Backup', ns, name)) return;
    c.patchStatus('velero.io/v1', 'Backup', ns, name, { phase: 'Completed', failureReason: null, completionTimestamp: now(), progress: { totalItems: 214, itemsBackedUp: 214 } });
    say(`failedVeleroBackup: velero backup ${ns}/${name} Completed`);
  },
};

const certNames = (o: ScenarioOptions) => ({ ns: o.namespace ?? 'shop', name: o.name ?? 'shop-tls' });

export const certNotReady: ScenarioImpl = {
  run(c, o, say) {
    const { ns, name } = certNames(o);
    const t = now();
    const msg = `The certificate request has failed to complete and will be retried: Failed to wait for order resource "${name}-1-${safeHash(name, 10)}" to become ready: order is in "errored" state: Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: too many certificates already issued`;
    const cert: KubeObject = {
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name, namespace: ns },
      spec: { secretName: name, dnsNames: ['shop.example.test'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' } },
      status: {
        conditions: [
          { type: 'Ready', status: 'False', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist', observedGeneration: 1, lastTransitionTime: t },
          { type: 'Issuing', status: 'False', reason: 'Failed', message: msg, observedGeneration: 1, lastTransitionTime: t },
        ],
        lastFailureTime: t, failedIssuanceAttempts: 1,
      },
    };
    c.apply(cert);
    c.recordEvent({ involvedObject: { kind: 'Certificate', apiVersion: 'cert-manager.io/v1', name, namespace: ns }, reason: 'Failed', type: 'Warning', message: msg, source: { component: 'cert-manager-certificates-issuing' } });
    say(`certNotReady: certificate ${ns}/${name} Ready=False (ACME rate limited)`);
  },
  recover(c, o, say) {
    const { ns, name } = certNames(o);
    if (!c.get('cert-manager.io/v1', 'Certificate', ns, name)) return;
    const t = now();
    c.patchStatus('cert-manager.io/v1', 'Certificate', ns, name, {
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', observedGeneration: 1, lastTransitionTime: t }],
      lastFailureTime: null, failedIssuanceAttempts: null, notBefore: t, notAfter: ago(-90 * 86400), renewalTime: ago(-60 * 86400), revision: 1,
    });
    say(`certNotReady: certificate ${ns}/${name} Ready`);
  },
};
