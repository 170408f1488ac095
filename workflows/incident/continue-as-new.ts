// Long incidents continue as new with their state, so history stays bounded: once the history is
// too long (or the server suggests it), escalation and recovery return, and the run hands `s` to a
// fresh run when the alert updater, the publisher and every handler are idle.
import * as wf from '@temporalio/workflow';
import type { IncidentInput, IncidentResult } from '../definitions';
import type { IncidentRun } from './context';

/** History length after which a run continues as new (the server may suggest it earlier). */
export const DEFAULT_HISTORY_LIMIT = 5_000;

/** True when an open run with finished diagnostics should continue as new. */
export function shouldContinueAsNew(run: IncidentRun): boolean {
  return run.s.status !== 'resolved' && run.diagnosed && historyTooLong(run);
}

function historyTooLong(run: IncidentRun): boolean {
  return wf.workflowInfo().continueAsNewSuggested || wf.workflowInfo().historyLength > run.historyLimit;
}

/** Stops the updater and publisher, waits until all is idle, then continues as new (never returns). */
export async function continueAsNewWhenIdle(run: IncidentRun, input: IncidentInput, updater: Promise<void>, publisher: Promise<void>): Promise<IncidentResult> {
  run.stopping = true;
  await updater;
  await publisher;
  await wf.condition(() => wf.allHandlersFinished() && !run.updating && !run.publishing);
  // The limit the caller gave (not the default), so a test's low limit holds in every run.
  return await wf.continueAsNew<(input: IncidentInput) => Promise<IncidentResult>>({ resume: run.s, historyLimit: input.historyLimit });
}
