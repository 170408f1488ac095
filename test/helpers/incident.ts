// Opens an incident the way the api and the watcher do (intake/signal.ts) and returns its handle.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { signalAnomaly } from '../../intake/signal';
import { TASK_QUEUE, type Anomaly } from '../../workflows/definitions';
import type { incidentWorkflow } from '../../workflows/incident';

export async function openIncident(client: Client, a: Anomaly, opts: { historyLimit?: number } = {}): Promise<WorkflowHandle<typeof incidentWorkflow>> {
  const { workflowId } = await signalAnomaly(client, a, { taskQueue: TASK_QUEUE, ...opts });
  return client.workflow.getHandle<typeof incidentWorkflow>(workflowId);
}
