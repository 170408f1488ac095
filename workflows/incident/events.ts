// Publishes new timeline entries to the event sinks (archive, pager mirror) in order, in batches of
// up to 100; the start index makes every entry's id stable, so a retried batch is a no-op for the sinks.
import * as wf from '@temporalio/workflow';
import { incidentKey } from '../definitions';
import { nowIso } from '../clock';
import { addTimeline } from '../state';
import { failureMessage, type IncidentRun } from './context';
import { events } from './proxies';

/** Runs until the run stops and every entry is published (or refused). */
export async function publishEvents(run: IncidentRun): Promise<void> {
  const { s } = run;
  for (;;) {
    await wf.condition(() => s.timeline.length > (s.publishedUpTo ?? 0) || run.stopping);
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
