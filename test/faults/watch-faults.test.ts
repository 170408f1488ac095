// Fault 6, the Kubernetes API misbehaves under the watcher (in `make test` too): 410 Gone on reconnect,
// dropped streams and 5xx answers from the (simulated) API server, each while a new problem appears. End to
// end through the worker to the fake Slack: every problem becomes one alerted and paged incident, none
// twice. test/integration/watcher/robustness.test.ts checks the watcher's side of each fault (signals
// and metrics, no worker); this case runs them as a sequence with figures. Time to recover: the
// longest wait from a fault to the alert of what appeared during it.
import { scenarios } from '../../simcluster';
import { incidentWorkflowId } from '../../workflows/definitions';
import type { RunningWatcher } from '../../watcher/run';
import { eventually } from '../helpers/eventually';
import { alertedAndPaged, expectNothingLostOrDuplicated, reportFigures, slackTally } from '../helpers/faults';
import { startFaultCluster, type FaultCluster } from '../helpers/faults-cluster';
import { fastWatch, Resources } from '../integration/watcher/helpers';

const id = (fp: string) => incidentWorkflowId('shaky', fp);
const res = new Resources();
let fc: FaultCluster;
let watcher: RunningWatcher;

beforeAll(async () => {
  fc = await startFaultCluster(res, 'shaky', fastWatch());
  watcher = await res.watcher(fc.config, 'shaky', fc.env.client);
}, 120_000);

afterAll(() => res.cleanup());

const metric = (name: string) => watcher.metrics.get(name) ?? 0;
/** Ten built-in resources and the three built-in custom resources: a fault must hit every stream. */
const allWatching = () => eventually(() => fc.cluster.sim.openWatches() >= 13, 'every informer watching again');

describe('watch 410 Gone, dropped streams and API server 5xx', () => {
  it('alert every problem that appeared during a fault exactly once', async () => {
    scenarios.crashLoopRollout(fc.cluster.sim, { replicas: 3 });
    const crash = id('deployment:shop:checkout:crashloopbackoff');
    await eventually(() => alertedAndPaged(fc.slack, crash), 'the crash loop alerted', 30_000);

    const faults: { name: string; inject: () => void; appear: () => void; incident: string; counter: string }[] = [
      {
        name: '410 Gone',
        // Silent streams, a change, and a compaction: the reconnect from the old resourceVersion gets 410.
        inject: () => fc.cluster.sim.faults.halfOpenWatches(),
        appear: () => (scenarios.imageTypo(fc.cluster.sim), fc.cluster.sim.faults.compact()),
        incident: id('deployment:shop:frontend:imagepullbackoff'),
        counter: 'watcher_watch_gone_total',
      },
      { name: 'dropped streams', inject: () => fc.cluster.sim.faults.dropWatches(), appear: () => scenarios.oomKilled(fc.cluster.sim), incident: id('deployment:payments:ledger-worker:oomkilled'), counter: 'watcher_watch_closed_total' },
      {
        name: 'API server 5xx',
        inject: () => (fc.cluster.sim.faults.failNext(8, 503), fc.cluster.sim.faults.dropWatches()),
        appear: () => scenarios.failedJob(fc.cluster.sim),
        incident: id('job:reports:nightly-report:jobfailed'),
        counter: 'watcher_informer_errors_total',
      },
    ];
    let recoverMs = 0;
    for (const f of faults) {
      await allWatching();
      const before = metric(f.counter);
      const at = Date.now();
      f.inject();
      f.appear();
      await eventually(() => alertedAndPaged(fc.slack, f.incident), `the incident that appeared during ${f.name}`, 60_000);
      recoverMs = Math.max(recoverMs, Date.now() - at);
      expect({ fault: f.name, hit: metric(f.counter) > before }).toEqual({ fault: f.name, hit: true });
    }
    await new Promise((r) => setTimeout(r, 3_000)); // relists and resyncs re-evaluate everything: no repeats

    const incidents = [crash, ...faults.map((f) => f.incident)];
    const t = slackTally(fc.slack);
    const figures = {
      incidents: incidents.length,
      lost: incidents.filter((i) => !t.alerted.has(i)).length,
      duplicatePages: t.duplicatePages,
      duplicateMessages: t.duplicateMessages,
      recoverMs,
    };
    reportFigures('watch 410, stream drops, apiserver 5xx', figures);
    expectNothingLostOrDuplicated(figures);
    expect([...t.alerted].sort()).toEqual([...incidents].sort());
  }, 300_000);
});
