// `worker.*` tuning as the SDK Worker's option names, in one place: the incident worker uses it,
// and the bench's raw worker takes the same mapping so both run with the same tuning.
import type { WorkerConfig } from '../config/schema-temporal';
import { autoCacheSize } from './memory';

export interface WorkerTuningOptions {
  maxConcurrentActivityTaskExecutions: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskPolls: number;
  maxConcurrentActivityTaskPolls: number;
}

export function workerTuningOptions(tuning: WorkerConfig): WorkerTuningOptions {
  return {
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions,
    // The worker process resolves `auto` from its memory limit before it gets here (main.ts); a worker
    // built without that plan (tests, tools) knows no limit.
    maxCachedWorkflows: tuning.maxCachedWorkflows === 'auto' ? autoCacheSize(undefined, false) : tuning.maxCachedWorkflows,
    maxConcurrentWorkflowTaskPolls: tuning.workflowTaskPollers,
    maxConcurrentActivityTaskPolls: tuning.activityTaskPollers,
  };
}
