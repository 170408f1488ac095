// Workload scenarios: Deployments whose pods crash-loop, cannot pull their image, get OOM-killed or
// fail readiness probes. Each builds Deployment -> ReplicaSet -> Pods and the events kubelet would write.
import type { KubeObject, SimCluster } from '../types';
import {
  ago, type ContainerState, deploymentChain, ensureBase, now, ownerRef, podsOf, rsName, running, safeHash, setPodState,
  setWorkloadStatus, type WorkloadSpec,
} from './builders';
import type { ScenarioImpl, ScenarioOptions } from './types';

/** Secret-looking strings planted in crash logs; redaction must keep them out of chat and postmortems. */
export const PLANTED_SECRETS = {
  password: 'hunter2',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaGVja291dC1zdmMiLCJpYXQiOjE3MDAwMDAwMDB9.c2ltdWxhdGVkLXNpZ25hdHVyZS1ub3QtcmVhbA',
};

const backoff = (restarts: number) => Math.min(10 * 2 ** Math.max(restarts - 1, 0), 300);
const podRef = (p: KubeObject) => ({ kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace, fieldPath: `spec.containers{${p.spec.containers[0].name}}` });
const restartsOf = (p: KubeObject): number => p.status?.containerStatuses?.[0]?.restartCount ?? 0;

function crashLog(w: WorkloadSpec): string {
  return [
    `2024-05-04T10:00:00.000Z INFO  starting ${w.name} ${w.image.split(':')[1]}`,
    `2024-05-04T10:00:00.120Z INFO  connecting to postgres://${w.name}@db.${w.namespace}.svc:5432/orders password=${PLANTED_SECRETS.password}`,
    `2024-05-04T10:00:00.180Z DEBUG upstream headers: {"Authorization": "Bearer ${PLANTED_SECRETS.jwt}"}`,
    `2024-05-04T10:00:01.002Z ERROR unhandled rejection, exiting`,
    `TypeError: Cannot read properties of undefined (reading 'currency')`,
    `    at priceCart (/app/dist/cart/price.js:42:31)`,
    `    at Checkout.start (/app/dist/checkout.js:118:22)`,
    `    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`,
    '',
  ].join('\n');
}

/** Terminated-and-waiting state of a crash-looping container after `restarts` restarts. */
function crashState(pod: KubeObject | undefined, restarts: number, reason: 'Error' | 'OOMKilled'): ContainerState {
  const name = pod?.metadata.name ?? '';
  return {
    ready: false,
    restartCount: restarts,
    state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff(restarts)}s restarting failed container=${pod?.spec.containers[0].name ?? ''} pod=${name}_${pod?.metadata.namespace ?? ''}(${pod?.metadata.uid ?? ''})` } },
    lastState: { terminated: { exitCode: reason === 'OOMKilled' ? 137 : 1, reason, startedAt: ago(12), finishedAt: ago(2), containerID: `containerd://${safeHash(`${name}/${restarts}`, 20)}` } },
  };
}

function crashLoopSpec(o: ScenarioOptions): WorkloadSpec {
  return {
    namespace: o.namespace ?? 'shop', name: o.name ?? 'checkout', replicas: o.replicas ?? 10, image: 'registry.local/shop/checkout:1.4.2', revision: 2,
    strategy: { type: 'Recreate' }, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
  };
}

/** One more crash for every pod: restartCount +1, back-off grows, the BackOff event count rises. */
function crashAgain(c: SimCluster, w: WorkloadSpec, reason: 'Error' | 'OOMKilled'): void {
  for (const p of podsOf(c, w)) {
    const restarts = restartsOf(p) + 1;
    setPodState(c, p, crashState(p, restarts, reason));
    c.recordEvent({ involvedObject: podRef(p), reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container ${p.spec.containers[0].name} in pod ${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})` });
  }
}

function recoverPods(c: SimCluster, w: WorkloadSpec, image = w.image): void {
  for (const p of podsOf(c, w, image)) {
    const last = p.status?.containerStatuses?.[0]?.lastState;
    setPodState(c, p, running(restartsOf(p), last && Object.keys(last).length ? last : undefined));
  }
  setWorkloadStatus(c, w, rsName(w, image), w.replicas);
}

export const crashLoopRollout: ScenarioImpl = {
  run(c, o, say) {
    const w = crashLoopSpec(o);
    ensureBase(c);
    const chain = deploymentChain(c, w, () => crashState(undefined, 1, 'Error'), 0);
    chain.pods = chain.pods.map((p) => setPodState(c, p, crashState(p, 1, 'Error')));
    // Revision 1 stays behind scaled to zero: rollout history for "what changed".
    const old = { ...w, image: 'registry.local/shop/checkout:1.4.1' };
    const oldRs = rsName(old);
    c.apply({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: oldRs, namespace: w.namespace, labels: { app: w.name, 'pod-template-hash': oldRs.slice(w.name.length + 1) }, annotations: { 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [ownerRef(chain.deployment)] },
      spec: { replicas: 0, selector: { matchLabels: { app: w.name, 'pod-template-hash': oldRs.slice(w.name.length + 1) } }, template: { ...chain.replicaSet.spec.template, spec: { ...chain.replicaSet.spec.template.spec, containers: [{ ...chain.replicaSet.spec.template.spec.containers[0], image: old.image }] } } },
      status: { replicas: 0, observedGeneration: 2 },
    });
    const dep = { kind: 'Deployment', apiVersion: 'apps/v1', name: w.name, namespace: w.namespace };
    c.recordEvent({ involvedObject: dep, reason: 'ScalingReplicaSet', type: 'Normal', message: `Scaled down replica set ${oldRs} to 0 from ${w.replicas}` });
    c.recordEvent({ involvedObject: dep, reason: 'ScalingReplicaSet', type: 'Normal', message: `Scaled up replica set ${chain.replicaSet.metadata.name} to ${w.replicas}` });
    for (const p of chain.pods) {
      const container = p.spec.containers[0].name as string;
      c.setLogs(w.namespace, p.metadata.name, container, { previous: crashLog(w), current: crashLog(w).split('\n').slice(0, 2).join('\n') + '\n' });
    }
    for (let r = 1; r < (o.restarts ?? 3); r++) crashAgain(c, w, 'Error');
    say(`crashLoopRollout: deployment ${w.namespace}/${w.name} rolled out ${w.image}; ${w.replicas} pods in CrashLoopBackOff (exit 1), previous logs hold a stack trace and planted secrets`);
  },
  tick: (c, o) => crashAgain(c, crashLoopSpec(o), 'Error'),
  recover(c, o, say) {
    const w = crashLoopSpec(o);
    recoverPods(c, w);
    say(`crashLoopRollout: ${w.namespace}/${w.name} recovered, ${w.replicas}/${w.replicas} pods running and ready`);
  },
};

const TYPO = 'docker.io/library/nginx:1.27-alpnie';
const FIXED = 'docker.io/library/nginx:1.27-alpine';
const typoSpec = (o: ScenarioOptions): WorkloadSpec => ({ namespace: o.namespace ?? 'shop', name: o.name ?? 'frontend', replicas: o.replicas ?? 3, image: TYPO });

function pullTrouble(c: SimCluster, w: WorkloadSpec, round: number): void {
  for (const [i, p] of podsOf(c, w).entries()) {
    const backOff = (i + round) % 2 === 0;
    setPodState(c, p, {
      ready: false,
      restartCount: 0,
      phase: 'Pending',
      state: { waiting: backOff ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${TYPO}"` } : { reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = failed to pull and unpack image "${TYPO}": failed to resolve reference "${TYPO}": ${TYPO}: not found` } },
    });
    const ref = podRef(p);
    c.recordEvent({ involvedObject: ref, reason: 'Failed', type: 'Warning', message: `Failed to pull image "${TYPO}": rpc error: code = NotFound desc = failed to pull and unpack image "${TYPO}": failed to resolve reference "${TYPO}": ${TYPO}: not found` });
    c.recordEvent({ involvedObject: ref, reason: 'BackOff', type: 'Normal', message: `Back-off pulling image "${TYPO}"` });
  }
}

export const imageTypo: ScenarioImpl = {
  run(c, o, say) {
    const w = typoSpec(o);
    ensureBase(c);
    deploymentChain(c, w, () => ({ ready: false, restartCount: 0, phase: 'Pending', state: { waiting: { reason: 'ContainerCreating' } } }), 0);
    pullTrouble(c, w, 0);
    say(`imageTypo: deployment ${w.namespace}/${w.name} uses image ${TYPO}; ${w.replicas} pods in ErrImagePull/ImagePullBackOff with Failed events`);
  },
  tick: (c, o) => pullTrouble(c, typoSpec(o), 1),
  recover(c, o, say) {
    const w = typoSpec(o);
    const fixImage = (obj: KubeObject, template: any) => {
      template.containers[0].image = FIXED;
      return c.apply(obj);
    };
    const dep = c.get('apps/v1', 'Deployment', w.namespace, w.name);
    if (dep) fixImage(dep, dep.spec.template.spec);
    const rs = c.get('apps/v1', 'ReplicaSet', w.namespace, rsName(w));
    if (rs) fixImage(rs, rs.spec.template.spec);
    for (const p of podsOf(c, w)) {
      const fixed = fixImage(p, p.spec);
      setPodState(c, fixed, running(0));
    }
    setWorkloadStatus(c, w, rsName(w), w.replicas);
    say(`imageTypo: ${w.namespace}/${w.name} now uses ${FIXED}; pods running and ready`);
  },
};

const oomSpec = (o: ScenarioOptions): WorkloadSpec => ({
  namespace: o.namespace ?? 'payments', name: o.name ?? 'ledger-worker', replicas: o.replicas ?? 2, image: 'registry.local/payments/ledger-worker:3.2.0',
  resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '256Mi' } },
});

export const oomKilled: ScenarioImpl = {
  run(c, o, say) {
    const w = oomSpec(o);
    ensureBase(c);
    const chain = deploymentChain(c, w, () => crashState(undefined, 1, 'OOMKilled'), 0);
    chain.pods = chain.pods.map((p) => setPodState(c, p, crashState(p, 1, 'OOMKilled')));
    for (const p of chain.pods) {
      c.setLogs(w.namespace, p.metadata.name, w.name, {
        previous: `${now()} INFO loading ledger snapshot (2.1 GiB) into memory\n${now()} INFO cache warm: 61%\n`,
        current: `${now()} INFO loading ledger snapshot (2.1 GiB) into memory\n`,
      });
    }
    for (let r = 1; r < (o.restarts ?? 3); r++) crashAgain(c, w, 'OOMKilled');
    say(`oomKilled: deployment ${w.namespace}/${w.name}: ${w.replicas} pods OOMKilled (exit 137) at a 256Mi limit, restarting`);
  },
  tick: (c, o) => crashAgain(c, oomSpec(o), 'OOMKilled'),
  recover(c, o, say) {
    const w = oomSpec(o);
    recoverPods(c, w);
    say(`oomKilled: ${w.namespace}/${w.name} recovered, pods running and ready`);
  },
};

const probeSpec = (o: ScenarioOptions): WorkloadSpec => ({
  namespace: o.namespace ?? 'shop', name: o.name ?? 'catalog-api', replicas: o.replicas ?? 3, image: 'registry.local/shop/catalog-api:5.0.1',
  readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1 },
});

function probeFails(c: SimCluster, w: WorkloadSpec): void {
  for (const p of podsOf(c, w)) {
    c.recordEvent({ involvedObject: podRef(p), reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503' });
  }
}

export const probeFailure: ScenarioImpl = {
  run(c, o, say) {
    const w = probeSpec(o);
    ensureBase(c);
    deploymentChain(c, w, () => ({ ...running(0), ready: false }), 0);
    for (let r = 0; r < (o.restarts ?? 3); r++) probeFails(c, w);
    say(`probeFailure: deployment ${w.namespace}/${w.name}: ${w.replicas} pods running but not ready, Unhealthy events "Readiness probe failed"`);
  },
  tick: (c, o) => probeFails(c, probeSpec(o)),
  recover(c, o, say) {
    const w = probeSpec(o);
    recoverPods(c, w);
    say(`probeFailure: ${w.namespace}/${w.name} pods pass readiness again`);
  },
};
