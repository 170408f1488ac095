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

/** The occurrence signals one workflow received, as the `count` each carried (in order). */
export async function occurrenceCounts(client: Client, workflowId: string): Promise<number[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.eventType === SIGNALED && e.workflowExecutionSignaledEventAttributes?.signalName === occurrenceSignal.name)
    .map((e) => defaultPayloadConverter.fromPayload<Anomaly>(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!).count ?? 1);
}
