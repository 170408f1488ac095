// Builds the Worker on task queue `incidents`: the prebuilt workflow bundle when there is one
// (production start, no webpack at boot), else the workflow sources (tests, development).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import type { Config } from '../config/schema';
import { TASK_QUEUE } from '../workflows/definitions';
import { createActivities, type ActivityDeps } from './activities';
import { SilenceCache } from '../activities/config-lookups/silences-cache';
import { activeTracing, type Tracing } from '../telemetry/tracing';
import { workerTuningOptions } from './tuning';

export const WORKFLOW_BUNDLE_PATH = join(__dirname, 'workflow-bundle.js');
/** The same workflow code with the tracing interceptors baked in, loaded only when tracing is on. */
export const TRACED_WORKFLOW_BUNDLE_PATH = join(__dirname, 'workflow-bundle-traced.js');
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
  /** Tracing of this worker (default: the process's, telemetry/tracing.ts); null forces it off. */
  tracing?: Tracing | null;
  /** How long shutdown lets in-flight activities finish (default 20 s); tests that leave calls queued take less. */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
}

export async function createIncidentWorker(opts: IncidentWorkerOptions): Promise<Worker> {
  // The silences routing consults, re-read by query until this worker stops (docs/silences.md).
  const config = typeof opts.config === 'function' ? opts.config : () => opts.config as Config;
  const silences = opts.silences ?? new SilenceCache(new Client({ connection: opts.connection, namespace: opts.namespace }));
  const worker = await Worker.create(incidentWorkerOptions({ ...opts, silences }));
  if (silences instanceof SilenceCache) silences.start(config().silences.refreshInterval, () => ['STOPPING', 'DRAINING', 'DRAINED', 'STOPPED', 'FAILED'].includes(worker.getState()));
  return worker;
}

/** The Worker's options: bundle or sources, activities, tuning, and the tracing parts only when tracing is on. */
export function incidentWorkerOptions(opts: IncidentWorkerOptions): WorkerOptions {
  const config = typeof opts.config === 'function' ? opts.config : () => opts.config as Config;
  const tuning = config().worker;
  const tracing = opts.tracing === undefined ? activeTracing() : (opts.tracing ?? undefined);
  const bundle = workflowBundle(opts, !!tracing);
  return {
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? config().temporal.taskQueue ?? TASK_QUEUE,
    ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ config, platforms: opts.platforms, diagnostics: opts.diagnostics, pagers: opts.pagers, eventSinks: opts.eventSinks, postmortemStore: opts.postmortemStore, lifecycleLog: opts.lifecycleLog, silences: opts.silences }),
    // Off: no interceptors, no sinks (the plain bundle has none either).
    ...tracing?.workerOptions(!bundle),
    // Let in-flight activities finish on SIGTERM before the pod goes away.
    shutdownGraceTime: opts.shutdownGraceTime ?? '20s',
    // Reports the build id on every workflow task and in the `BuildIds` search attribute, which shows
    // which releases open incidents still have history from; no version routing (docs/upgrades.md).
    workerDeploymentOptions: { useWorkerVersioning: false, version: { deploymentName: WORKER_DEPLOYMENT_NAME, buildId: opts.buildId ?? packageVersion() } },
    ...(tuning && workerTuningOptions(tuning)),
  };
}

/** The prebuilt bundle to load, if any: the traced one when tracing is on (a plain bundle has no tracing interceptors). */
function workflowBundle(opts: IncidentWorkerOptions, traced: boolean): string | undefined {
  if (traced && opts.workflowBundlePath)
    throw new Error(`workflowBundlePath ${opts.workflowBundlePath} was bundled without the tracing interceptors: with tracing on, build with worker/bundle.ts (it writes ${TRACED_WORKFLOW_BUNDLE_PATH}) or pass fromSources`);
  const prebuilt = traced ? TRACED_WORKFLOW_BUNDLE_PATH : WORKFLOW_BUNDLE_PATH;
  return opts.workflowBundlePath ?? (!opts.fromSources && existsSync(prebuilt) ? prebuilt : undefined);
}

/** The version in the nearest package.json above this file (worker/ in sources, dist/worker/ built). */
function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return String(JSON.parse(readFileSync(file, 'utf8')).version);
  }
  throw new Error(`no package.json above ${__dirname}: the worker reports its version as build id`);
}
