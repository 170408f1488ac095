// An init container that crash-loops: a schema migration fails before the app can start, so the
// main container only ever waits with PodInitializing. What explains the incident is in
// `initContainerStatuses` (exit code, restarts) and the init container's previous log.
import { createHash } from 'node:crypto';
import type { KubeObject, SimCluster } from '../types';
import { ago, deploymentChain, ensureBase, podsOf, safeHash, setWorkloadStatus, type WorkloadSpec } from './builders';
import { PLANTED_SECRETS } from './workloads';
import type { ScenarioImpl, ScenarioOptions } from './types';

const MIGRATE = 'migrate';
const initSpec = (o: ScenarioOptions): WorkloadSpec => ({
  namespace: o.namespace ?? 'shop',
  name: o.name ?? 'orders',
  replicas: o.replicas ?? 2,
  image: 'registry.local/shop/orders:2.0.0',
  revision: 1,
  initContainers: [{ name: MIGRATE, image: 'registry.local/shop/orders-migrate:2.0.0', command: ['/migrate', 'up'] }],
});

function migrateLog(w: WorkloadSpec): string {
  return [
    `2024-05-04T10:00:00.000Z INFO  migrate: applying 0042_add_currency to postgres://${w.name}@db.${w.namespace}.svc:5432/${w.name}`,
    `2024-05-04T10:00:00.050Z DEBUG env DB_PASS=${PLANTED_SECRETS.password}`,
    `2024-05-04T10:00:00.410Z ERROR migrate: 0042_add_currency failed: column "currency" of relation "orders" already exists`,
    'migrate: exiting with status 3',
    '',
  ].join('\n');
}

const restartsOf = (p: KubeObject): number => p.status?.initContainerStatuses?.[0]?.restartCount ?? 0;

/** The pod's status while `migrate` crash-loops after `restarts` restarts (or completed when healed). */
function initStatus(pod: KubeObject, w: WorkloadSpec, restarts: number, healed: boolean): Record<string, unknown> {
  const init = w.initContainers![0]!;
  const t = new Date().toISOString();
  const cond = (type: string, ok: boolean, reason?: string, message?: string) => ({ type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t, ...(ok ? {} : { reason, message }) });
  const lastRun = { exitCode: 3, reason: 'Error', startedAt: ago(14), finishedAt: ago(13), containerID: `containerd://${safeHash(`${pod.metadata.name}/${MIGRATE}/${restarts}`, 20)}` };
  const backoff = Math.min(10 * 2 ** Math.max(restarts - 1, 0), 300);
  return {
    phase: healed ? 'Running' : 'Pending',
    conditions: [
      cond('Initialized', healed, 'ContainersNotInitialized', `containers with incomplete status: [${MIGRATE}]`),
      cond('Ready', healed, 'ContainersNotReady', `containers with unready status: [${w.name}]`),
      cond('ContainersReady', healed, 'ContainersNotReady', `containers with unready status: [${w.name}]`),
      cond('PodScheduled', true),
    ],
    startTime: pod.status?.startTime ?? ago(600),
    initContainerStatuses: [
      {
        name: MIGRATE, image: init.image, imageID: `${String(init.image).split(':')[0]}@sha256:${createHash('sha256').update(String(init.image)).digest('hex')}`, ready: healed, started: false, restartCount: restarts,
        state: healed
          ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: ago(5), finishedAt: ago(4) } }
          : { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff}s restarting failed container=${MIGRATE} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid ?? ''})` } },
        lastState: { terminated: lastRun },
      },
    ],
    containerStatuses: [
      {
        name: w.name, image: w.image, imageID: '', ready: healed, started: healed, restartCount: 0,
        state: healed ? { running: { startedAt: ago(3) } } : { waiting: { reason: 'PodInitializing' } },
        lastState: {},
      },
    ],
  };
}

function crashInitAgain(c: SimCluster, w: WorkloadSpec): void {
  for (const p of podsOf(c, w)) {
    const restarts = restartsOf(p) + 1;
    c.patchStatus('v1', 'Pod', w.namespace, p.metadata.name, initStatus(p, w, restarts, false));
    c.recordEvent({
      involvedObject: { kind: 'Pod', name: p.metadata.name, namespace: w.namespace, fieldPath: `spec.initContainers{${MIGRATE}}` },
      reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container ${MIGRATE} in pod ${p.metadata.name}_${w.namespace}(${p.metadata.uid})`,
    });
  }
}

export const initCrashLoop: ScenarioImpl = {
  run(c, o, say) {
    const w = initSpec(o);
    ensureBase(c);
    const chain = deploymentChain(c, w, () => ({ ready: false, state: { waiting: { reason: 'PodInitializing' } }, restartCount: 0 }), 0);
    for (const p of chain.pods) {
      c.patchStatus('v1', 'Pod', w.namespace, p.metadata.name, initStatus(p, w, 1, false));
      c.setLogs(w.namespace, p.metadata.name, MIGRATE, { previous: migrateLog(w), current: migrateLog(w) });
    }
    for (let r = 1; r < (o.restarts ?? 3); r++) crashInitAgain(c, w);
    say(`initCrashLoop: deployment ${w.namespace}/${w.name}: init container ${MIGRATE} crash-loops (exit 3) on ${w.replicas} pods; the app containers wait with PodInitializing`);
  },
  tick: (c, o) => crashInitAgain(c, initSpec(o)),
  recover(c, o, say) {
    const w = initSpec(o);
    for (const p of podsOf(c, w)) c.patchStatus('v1', 'Pod', w.namespace, p.metadata.name, initStatus(p, w, restartsOf(p), true));
    setWorkloadStatus(c, w, podsOf(c, w)[0]?.metadata.ownerReferences?.[0]?.name ?? '', w.replicas);
    say(`initCrashLoop: ${w.namespace}/${w.name} recovered: ${MIGRATE} completed, ${w.replicas}/${w.replicas} pods running`);
  },
};
