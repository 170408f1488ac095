// Read-only diagnostics for the anomaly kind, once per incident (a continued run keeps the report):
// the digest goes into the alert thread, the full sections into the postmortem.
import type { Anomaly } from '../definitions';
import { incidentKey } from '../definitions';
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
  try {
    s.diagnostics = await diagnostics.runDiagnostics(anomaly);
  } catch (err) {
    s.diagnostics = { available: false, digest: `Diagnostics failed: ${failureMessage(err)}`, sections: [] };
  }
  addTimeline(s, { at: nowIso(), type: 'diagnostics', actor: 'system', text: s.diagnostics.digest, data: { available: s.diagnostics.available } });
  for (const ref of s.messages) {
    try {
      await chat.replyInThread({ ref, key: `${incidentKey(s)}/diagnostics`, text: `Diagnostics: ${s.diagnostics.digest}`, incidentId: s.id });
    } catch (err) {
      addTimeline(s, { at: nowIso(), type: 'alert-failed', actor: 'system', text: `Posting diagnostics failed: ${failureMessage(err)}` });
    }
  }
  run.changed();
}
