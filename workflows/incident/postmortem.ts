// The end of a resolved incident: store the postmortem, link it in every alert thread, refresh the
// alert a last time, and append action items that arrive while the run drains.
import * as wf from '@temporalio/workflow';
import { incidentKey, type IncidentResult } from '../definitions';
import { nowIso } from '../clock';
import { addTimeline } from '../state';
import { failureMessage, type IncidentRun } from './context';
import { chat, postmortem } from './proxies';

/** Closes a resolved run once diagnostics, the alert updater and the publisher are done. */
export async function closeResolved(run: IncidentRun, diagnosing: Promise<void>, updater: Promise<void>, publisher: Promise<void>): Promise<IncidentResult> {
  const items = await writePostmortem(run, diagnosing);
  return await finishResolved(run, updater, publisher, items);
}

/**
 * Stores the postmortem (id = incident key: a later resolve of a flapping incident overwrites it
 * with the fuller story) and links it in every thread. Returns how many action items it holds.
 */
export async function writePostmortem(run: IncidentRun, diagnosing: Promise<void>): Promise<number> {
  const { s } = run;
  await diagnosing;
  let summary: string;
  const itemsInPostmortem = s.actionItems?.length ?? 0;
  // Each resolve of a reopened (flapping) incident links the updated postmortem once more.
  const replyKey = `${incidentKey(s)}/postmortem${s.flapCount ? `/flap${s.flapCount}` : ''}`;
  try {
    const stored = await postmortem.storePostmortem(s);
    s.postmortemId = stored.id;
    summary = stored.summary;
    addTimeline(s, { at: nowIso(), type: 'postmortem', actor: 'system', text: stored.summary, data: { id: stored.id } });
  } catch (err) {
    // Only permanent failures arrive here (the store retries without limit): the incident still
    // closes, and the thread says why there is no postmortem.
    summary = `The postmortem could not be stored: ${failureMessage(err)}`;
    addTimeline(s, { at: nowIso(), type: 'postmortem', actor: 'system', text: summary });
  }
  for (const ref of s.messages) {
    try {
      await chat.replyInThread({ ref, key: replyKey, text: `Resolved. ${summary}`, incidentId: s.id });
    } catch (err) {
      addTimeline(s, { at: nowIso(), type: 'alert-failed', actor: 'system', text: `Posting the postmortem link failed: ${failureMessage(err)}` });
    }
  }
  run.changed();
  return itemsInPostmortem;
}

/** Stops the updater and publisher, appends late action items, and ends the run. */
export async function finishResolved(run: IncidentRun, updater: Promise<void>, publisher: Promise<void>, itemsInPostmortem: number): Promise<IncidentResult> {
  const { s } = run;
  // `/incident action` can still arrive after the postmortem was compiled: append those to it.
  const appendLateActionItems = async () => {
    while (s.postmortemId && (s.actionItems?.length ?? 0) > itemsInPostmortem) {
      const items = s.actionItems!.slice(itemsInPostmortem);
      await postmortem.appendActionItems({ id: s.postmortemId, items });
      itemsInPostmortem += items.length;
    }
  };
  run.stopping = true;
  await updater;
  await publisher;
  await wf.condition(() => wf.allHandlersFinished());
  await appendLateActionItems();
  // Who held and who closed this run: the incident list tells runs of one id apart without a query.
  return { id: s.id, status: s.status, postmortemId: s.postmortemId, openedAt: s.openedAt, assignee: s.assignee, resolvedBy: s.resolvedBy };
}
