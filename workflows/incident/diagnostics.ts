// Read-only diagnostics for the anomaly kind, once per incident (a continued run keeps the report):
// the digest goes into the alert thread, the full sections into the postmortem. Since
// fewer-tasks-per-incident one activity does both (activities/diagnostics/digest.ts).
import * as wf from '@temporalio/workflow';
import { incidentKey, type Anomaly, type DiagnosticsReport, type MessageRef } from '../definitions';
import { PATCH } from '../versioning';
import { nowIso } from '../clock';
import { addTimeline } from '../state';
import { failureMessage, type IncidentRun } from './context';
import { chat, diagnostics } from './proxies';

/** Starts diagnostics unless this incident has them; `run.diagnosed` turns true when they are done. */
export function startDiagnostics(run: IncidentRun): Promise<void> {
  const diagnosing = run.s.diagnostics ? Promise.resolve() : runDiagnostics(run);
  run.diagnosed = !!run.s.diagnostics;
  void diagnosing.then(() => (run.diagnosed = true));
  return diagnosing;
}

async function runDiagnostics(run: IncidentRun): Promise<void> {
  const { s } = run;
  const anomaly: Anomaly = {
    cluster: s.cluster, fingerprint: s.fingerprint, kind: s.kind, severity: s.severity, resource: s.resource,
    owner: s.owner, reason: s.reason, message: s.message, labels: s.labels, observedAt: s.occurrences.lastSeen,
  };
  const key = `${incidentKey(s)}/diagnostics`;
  // Replies the digest activity could not send: retried alone; all of them when it failed.
  let unsent: { ref: MessageRef; error?: string; retryable: boolean }[];
  if (wf.patched(PATCH.fewerTasksPerIncident)) {
    try {
      const r = await diagnostics.diagnoseAndReply({ anomaly, refs: s.messages, key, incidentId: s.id });
      s.diagnostics = r.report;
      unsent = r.unsent;
    } catch (err) {
      s.diagnostics = unavailable(err);
      unsent = s.messages.map((ref) => ({ ref, retryable: true }));
    }
  } else {
    try {
      s.diagnostics = await diagnostics.runDiagnostics(anomaly);
    } catch (err) {
      s.diagnostics = unavailable(err);
    }
    unsent = s.messages.map((ref) => ({ ref, retryable: true }));
  }
  addTimeline(s, { at: nowIso(), type: 'diagnostics', actor: 'system', text: s.diagnostics.digest, data: { available: s.diagnostics.available } });
  const failed = (why: string) => addTimeline(s, { at: nowIso(), type: 'alert-failed', actor: 'system', text: `Posting diagnostics failed: ${why}` });
  for (const { ref, error, retryable } of unsent) {
    if (!retryable) {
      failed(error ?? 'refused');
      continue;
    }
    try {
      await chat.replyInThread({ ref, key, text: `Diagnostics: ${s.diagnostics.digest}`, incidentId: s.id });
    } catch (err) {
      failed(failureMessage(err));
    }
  }
  run.changed();
}

const unavailable = (err: unknown): DiagnosticsReport => ({ available: false, digest: `Diagnostics failed: ${failureMessage(err)}`, sections: [] });
