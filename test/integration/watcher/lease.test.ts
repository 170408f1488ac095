// Leader election against the simulated API server's Lease (real wire protocol, optimistic
// concurrency on resourceVersion): one winner when candidates race, release hands over at once, and
// a leader that cannot renew steps down before its lease could be taken.
import { k8s } from '../../../kube/client';
import { LeaderElector } from '../../../watcher/lease';
import { silentLogger } from '../../../watcher/log';
import { Metrics } from '../../../watcher/metrics';
import { eventually } from '../../helpers/stack';
import { Resources, type TestCluster } from './helpers';

const res = new Resources();
let sim: TestCluster;

beforeAll(async () => {
  sim = await res.cluster('lease');
});
afterAll(() => res.cleanup());

function candidate(identity: string, name: string, log: string[], t = { lease: 2_000, renew: 1_500 }) {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.sim.kubeconfigYaml('readOnly'));
  const e = new LeaderElector(kc, {
    namespace: sim.sim.leaseNamespace, name, identity, leaseDurationMs: t.lease, renewDeadlineMs: t.renew, retryPeriodMs: 200,
    metrics: new Metrics(), log: silentLogger,
    onStartedLeading: () => void log.push(`${identity}+`),
    onStoppedLeading: () => void log.push(`${identity}-`),
  });
  res.add(() => e.stop({ release: false }));
  return e;
}

const lease = (name: string) => sim.sim.get('coordination.k8s.io/v1', 'Lease', sim.sim.leaseNamespace, name)?.spec as { holderIdentity?: string; leaseTransitions?: number; leaseDurationSeconds?: number } | undefined;

describe('leader election on a Lease', () => {
  it('lets exactly one of several racing candidates lead, and hands over at once on release', async () => {
    const log: string[] = [];
    const all = ['a', 'b', 'c'].map((id) => candidate(id, 'race', log));
    all.forEach((e) => e.start());
    await eventually(async () => all.some((e) => e.isLeader()), 'a leader');
    await new Promise((r) => setTimeout(r, 600)); // a few more rounds: nobody else may win meanwhile
    const leaders = all.filter((e) => e.isLeader());
    expect(leaders).toHaveLength(1);
    const first = ['a', 'b', 'c'][all.indexOf(leaders[0]!)]!;
    expect(lease('race')).toMatchObject({ holderIdentity: first, leaseDurationSeconds: 2 });
    expect(log).toEqual([`${first}+`]);

    const releasedAt = Date.now();
    await leaders[0]!.stop({ release: true });
    await eventually(async () => all.filter((e) => e.isLeader()).length === 1, 'a new leader');
    expect(Date.now() - releasedAt).toBeLessThan(2_000); // no waiting out the lease duration
    expect(lease('race')?.holderIdentity).not.toBe(first);
    expect(lease('race')?.leaseTransitions).toBe(1);
  });

  it('steps a leader down when it cannot renew for the renew deadline', async () => {
    const log: string[] = [];
    const e = candidate('solo', 'deadline', log, { lease: 5_000, renew: 1_500 });
    e.start();
    await eventually(async () => e.isLeader(), 'leadership');
    sim.sim.faults.failNext(1_000, 503);
    const failingSince = Date.now();
    await eventually(async () => !e.isLeader(), 'stepping down', 5_000);
    // Down after the renew deadline (1.5s), well before the lease (5s) could be taken by anyone else.
    expect(Date.now() - failingSince).toBeGreaterThanOrEqual(1_500 - 200);
    expect(Date.now() - failingSince).toBeLessThan(5_000);
    expect(log).toEqual(['solo+', 'solo-']);
    sim.sim.faults.failNext(0);
    await eventually(async () => e.isLeader(), 'leading again once the API answers');
  });
});
