// The api's side of the `silences` workflow (workflows/silences.ts): start it once (an already
// running one is fine), then create/remove by Update and list by query. Shared by REST and the
// chat commands so both answer alike. A validator rejection (malformed matcher or duration) is a
// 400 naming what to fix; authorization refusals come back as `refused` results.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { TASK_QUEUE } from '../workflows/definitions';
import {
  createSilenceUpdate,
  removeSilenceUpdate,
  silencesQuery,
  SILENCES_WORKFLOW_ID,
  SILENCES_WORKFLOW_TYPE,
  type CreateSilenceInput,
  type RemoveSilenceInput,
  type Silence,
  type SilenceResult,
} from '../workflows/silences-definitions';
import { ApiError } from './errors';
import { mapTemporalError } from './incidents';

/** Starts the silences workflow unless it runs already. */
export async function ensureSilencesWorkflow(client: Client, taskQueue = TASK_QUEUE): Promise<void> {
  try {
    await client.workflow.start(SILENCES_WORKFLOW_TYPE, { workflowId: SILENCES_WORKFLOW_ID, taskQueue, args: [{}] });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) mapTemporalError(err, undefined, 'start the silences workflow');
  }
}

async function update(client: Client, doing: string, run: () => Promise<SilenceResult>): Promise<SilenceResult> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new ApiError(400, 'invalid_silence', `Cannot ${doing}: ${err.cause?.message ?? err.message}`);
    mapTemporalError(err, undefined, doing);
  }
}

export async function createSilence(client: Client, input: CreateSilenceInput, taskQueue = TASK_QUEUE): Promise<SilenceResult> {
  await ensureSilencesWorkflow(client, taskQueue);
  return update(client, 'create the silence', () => client.workflow.getHandle(SILENCES_WORKFLOW_ID).executeUpdate(createSilenceUpdate, { args: [input] }));
}

export async function removeSilence(client: Client, input: RemoveSilenceInput): Promise<SilenceResult> {
  return update(client, 'remove the silence', async () => {
    try {
      return await client.workflow.getHandle(SILENCES_WORKFLOW_ID).executeUpdate(removeSilenceUpdate, { args: [input] });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { outcome: 'already', message: `There is no active silence ${input.id}: no silence was ever created.` };
      throw err;
    }
  });
}

/** The active silences; none when the workflow was never started. */
export async function listSilences(client: Client): Promise<Silence[]> {
  try {
    return await client.workflow.getHandle(SILENCES_WORKFLOW_ID).query(silencesQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    mapTemporalError(err, undefined, 'list the silences');
  }
}
