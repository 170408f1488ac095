// Builds the Worker on task queue `incidents`: the prebuilt workflow bundle when there is one
// (production start, no webpack at boot), else the workflow sources (tests, development).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/schema';
import { TASK_QUEUE } from '../workflows/definitions';
import { createActivities, type ActivityDeps } from './activities';

export const WORKFLOW_BUNDLE_PATH = join(__dirname, 'workflow-bundle.js');
/** The deployment name workers report with their build id (docs/upgrades.md). */
export const WORKER_DEPLOYMENT_NAME = 'k8s-incident-flow';

export interface IncidentWorkerOptions extends Partial<Omit<ActivityDeps, 'config'>> {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  config: Config | (() => Config);
  /** Force building from sources even if a bundle exists. */
  fromSources?: boolean;
  /** Load this prebuilt bundle (tests bundle the current sources once per run). */
  workflowBundlePath?: string;
  /** Build id reported to Temporal: package.json's version unless given (tests tell old and new workers apart). */
  buildId?: string;
}

export async function createIncidentWorker(opts: IncidentWorkerOptions): Promise<Worker> {
  const config = typeof opts.config === 'function' ? opts.config : () => opts.config as Config;
  const tuning = config().worker;
  const bundle = opts.workflowBundlePath ?? (!opts.fromSources && existsSync(WORKFLOW_BUNDLE_PATH) ? WORKFLOW_BUNDLE_PATH : undefined);
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? config().temporal.taskQueue ?? TASK_QUEUE,
    ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ config, platforms: opts.platforms, diagnostics: opts.diagnostics, pagers: opts.pagers, eventSinks: opts.eventSinks, postmortemStore: opts.postmortemStore, lifecycleLog: opts.lifecycleLog }),
    // Let in-flight activities finish on SIGTERM before the pod goes away.
    shutdownGraceTime: '20s',
    // Reports the build id on every workflow task and in the `BuildIds` search attribute, which shows
    // which releases open incidents still have history from; no version routing (docs/upgrades.md).
    workerDeploymentOptions: { useWorkerVersioning: false, version: { deploymentName: WORKER_DEPLOYMENT_NAME, buildId: opts.buildId ?? packageVersion() } },
    ...(tuning && {
      maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
      maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions,
      maxCachedWorkflows: tuning.maxCachedWorkflows,
      maxConcurrentWorkflowTaskPolls: tuning.workflowTaskPollers,
      maxConcurrentActivityTaskPolls: tuning.activityTaskPollers,
    }),
  });
}

/** The version in the nearest package.json above this file (worker/ in sources, dist/worker/ built). */
function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return String(JSON.parse(readFileSync(file, 'utf8')).version);
  }
  throw new Error(`no package.json above ${__dirname}: the worker reports its version as build id`);
}
