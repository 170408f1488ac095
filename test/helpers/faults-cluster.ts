// For the watcher fault cases: a real Temporal dev server, the fake Slack, one simulated cluster and
// the real worker posting there, every piece registered with `res` (stopped by res.cleanup()).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Config } from '../../config/schema';
import type { Resources, TestCluster } from '../integration/watcher/helpers';
import { testConfig } from './config';
import { routeToFaultSlack, startFaultSlack, type FaultSlack } from './faults';
import { runTestWorker, startDevServer } from './temporal';

export interface FaultCluster {
  env: TestWorkflowEnvironment;
  slack: FaultSlack;
  cluster: TestCluster;
  /** The config of the worker (and of in-process watchers). */
  config: Config;
  /** The config's clusters[] entry, for process configs. */
  clusters: Record<string, unknown>[];
}

/** Escalation is not the point of these cases: level 1 waits an hour. */
export const QUIET = { level1: '1h', level2: '1h' };

export async function startFaultCluster(res: Resources, name: string, watch: Record<string, unknown>): Promise<FaultCluster> {
  const env = await startDevServer();
  res.add(() => env.teardown());
  const slack = await startFaultSlack();
  res.add(() => slack.fake.stop());
  const cluster = await res.cluster(name);
  const clusters = [{ name, kubeconfig: cluster.kubeconfig, watch }];
  const config = testConfig((raw) => {
    routeToFaultSlack(raw, slack, raw.dataDir, QUIET);
    raw.clusters = clusters;
  });
  const worker = await runTestWorker(env, { config });
  res.add(() => worker.stop());
  return { env, slack, cluster, config, clusters };
}
