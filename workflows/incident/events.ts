// Publishes new timeline entries to the event sinks (archive, pager mirror) in order, in batches of
// up to 100; the start index makes every entry's id stable, so a retried batch is a no-op for the sinks.
import * as wf from '@temporalio/workflow';
import { incidentKey } from '../definitions';
import { PATCH } from '../versioning';
import { nowIso } from '../clock';
import { addTimeline } from '../state';
import { failureMessage, type IncidentRun } from './context';
import { events } from './proxies';

/**
 * Runs until the run stops and every entry is published (or refused). Since fewer-tasks-per-incident
 * a batch goes with each alert update (the updater's debounced beat, at once for a person's action)
 * instead of one per change: a new incident's first minute is one batch, not four.
 */
export async function publishEvents(run: IncidentRun): Promise<void> {
  const { s } = run;
  const withAlertUpdates = wf.patched(PATCH.fewerTasksPerIncident);
  let beat = run.flushes; // the updater's beat at the last batch: entries added since wait for the next
  for (;;) {
    await wf.condition(() => (s.timeline.length > (s.publishedUpTo ?? 0) && (!withAlertUpdates || run.flushes !== beat)) || run.stopping);
    beat = run.flushes;
    const from = s.publishedUpTo ?? 0;
    if (s.timeline.length <= from) return;
    const entries = s.timeline.slice(from, from + 100);
    run.publishing = true;
    try {
      await events.publishEvents({
        incident: { id: s.id, key: incidentKey(s), cluster: s.cluster, namespace: s.namespace, severity: s.severity, kind: s.kind, status: s.status, resource: s.owner ?? s.resource },
        startIndex: from,
        entries,
      });
      s.publishedUpTo = from + entries.length;
    } catch (err) {
      // Only permanent failures get here (retries are unlimited): record them and move on, past
      // the note itself too, so a sink that always refuses cannot loop on its own failure note.
      addTimeline(s, { at: nowIso(), type: 'note', actor: 'system', text: `Event sinks refused entries ${from}-${from + entries.length - 1}: ${failureMessage(err)}` });
      s.publishedUpTo = s.timeline.length;
    } finally {
      run.publishing = false;
    }
  }
}
