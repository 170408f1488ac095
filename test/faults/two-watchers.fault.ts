// Fault 7, two watcher PROCESSES on one cluster with leader election: one leader by Lease; the leader
// is SIGKILLed while the cluster keeps breaking; the standby takes over and reports the new problem.
// End to end through the worker to the fake Slack: every problem one incident, one alert, one page,
// though both replicas watched the same objects. (test/integration/watcher/leader.test.ts times the
// takeover itself from the signals; this case counts what reached chat.) Time to recover: from the
// kill to the alert of the problem that appeared right after it.
import { scenarios } from '../../simcluster';
import { incidentWorkflowId } from '../../workflows/definitions';
import { eventually } from '../helpers/eventually';
import { alertedAndPaged, expectNothingLostOrDuplicated, reportFigures, routeToFaultSlack, slackTally, startWatcherProcess, writeProcessConfig } from '../helpers/faults';
import { QUIET, startFaultCluster, type FaultCluster } from '../helpers/faults-cluster';
import { killAllWorkerProcesses } from '../helpers/worker-process';
import { fastWatch, Resources, runsOf } from '../integration/watcher/helpers';

const LEASE = { leaseDuration: '3s', renewDeadline: '2s', retryPeriod: '500ms' };
const res = new Resources();
let fc: FaultCluster;
let configFile: string;

beforeAll(async () => {
  fc = await startFaultCluster(res, 'ha', fastWatch({ leaderElection: { enabled: true, ...LEASE } }));
  configFile = writeProcessConfig(res.dir, fc.env.address, (raw) => {
    routeToFaultSlack(raw, fc.slack, res.dir, QUIET);
    raw.clusters = fc.clusters;
  });
  res.add(() => killAllWorkerProcesses());
}, 120_000);

afterAll(() => res.cleanup());

const leaderFlag = async (url: string) => ((await (await fetch(`${url}/healthz`)).json()) as { leader: boolean }).leader;

describe('two watcher processes on one cluster', () => {
  it('make one incident per problem, and the standby reports what breaks after the leader is killed', async () => {
    scenarios.crashLoopRollout(fc.cluster.sim, { replicas: 4 });
    const procs = ['alpha', 'beta'].map((name) => startWatcherProcess(configFile, 'ha', name));
    const urls = await Promise.all(procs.map(async (p) => (await p.ready)[1]!));
    const leaderIndex = await eventually(async () => {
      const flags = await Promise.all(urls.map(leaderFlag));
      return flags.filter(Boolean).length === 1 ? flags.indexOf(true) + 1 : undefined;
    }, 'exactly one leader');
    const crash = incidentWorkflowId('ha', 'deployment:shop:checkout:crashloopbackoff');
    await eventually(() => alertedAndPaged(fc.slack, crash), 'the crash loop alerted', 30_000);

    await procs[leaderIndex - 1]!.kill('SIGKILL');
    const killedAt = Date.now();
    scenarios.oomKilled(fc.cluster.sim);
    const oom = incidentWorkflowId('ha', 'deployment:payments:ledger-worker:oomkilled');
    await eventually(() => alertedAndPaged(fc.slack, oom), 'the OOM incident from the standby', 30_000);
    const recoverMs = Date.now() - killedAt;
    expect(await leaderFlag(urls[2 - leaderIndex]!)).toBe(true);
    await new Promise((r) => setTimeout(r, 3_000)); // the new leader's resync re-reports the crash loop: no new alert

    const runs = await eventually(async () => {
      const r = await runsOf(fc.env.client, 'ha');
      return r.length >= 2 ? r : undefined;
    }, 'both incidents in visibility');
    expect(runs.map((r) => r.workflowId).sort()).toEqual([crash, oom].sort());
    const t = slackTally(fc.slack);
    const figures = { incidents: 2, lost: [crash, oom].filter((i) => !t.alerted.has(i)).length, duplicatePages: t.duplicatePages, duplicateMessages: t.duplicateMessages, recoverMs };
    reportFigures('two watchers (lease), leader SIGKILLed', figures);
    expectNothingLostOrDuplicated(figures);
  }, 180_000);
});
