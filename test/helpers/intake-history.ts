// What the intake left in Temporal, read back for intake tests: whether an incident workflow
// exists, and the count carried by each occurrence signal it received (how far a storm was folded).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { occurrenceSignal, type Anomaly } from '../../workflows/definitions';

const SIGNALED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;

export async function workflowExists(client: Client, id: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(id).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * The occurrence signals an incident received, as the `count` each carried, oldest first: over its
 * current run and the runs it continued as new from (a quiet incident continues as new, and its
 * signals stay in the earlier run's history).
 */
export async function occurrenceCounts(client: Client, workflowId: string): Promise<number[]> {
  const runs: number[][] = [];
  for (let runId: string | undefined; ; ) {
    const { events } = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(
      (events ?? [])
        .filter((e) => e.eventType === SIGNALED && e.workflowExecutionSignaledEventAttributes?.signalName === occurrenceSignal.name)
        .map((e) => defaultPayloadConverter.fromPayload<Anomaly>(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!).count ?? 1),
    );
    runId = events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    if (!runId) return runs.flat();
  }
}
