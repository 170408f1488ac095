// A new incident's diagnostics and their digest in every alert thread, in one activity: one
// activity and one workflow task in its history instead of two of each (issue 11: a burst is paid
// per history event). A reply that fails here is handed back, never thrown, so a chat hiccup does
// not rerun the diagnostics: the workflow retries that one reply with the chat activity's policy.
import { ApplicationFailure } from '@temporalio/common';
import type { Anomaly, DiagnosticsReport, MessageRef } from '../../workflows/definitions';
import type { ThreadReplyInput } from '../chat';

export interface DiagnoseAndReplyInput {
  anomaly: Anomaly;
  /** The alert messages whose threads get the digest. */
  refs: MessageRef[];
  /** Idempotency key of the digest reply (the same in every thread). */
  key: string;
  incidentId: string;
}

export interface UnsentReply {
  ref: MessageRef;
  error: string;
  /** False for permanent failures (no such channel, no permission): retrying cannot help. */
  retryable: boolean;
}

export interface DiagnoseAndReplyResult {
  report: DiagnosticsReport;
  unsent: UnsentReply[];
}

/** The text of the digest reply; the chat activity renders it fixed-width on every platform. */
export const digestReplyText = (report: DiagnosticsReport): string => `Diagnostics: ${report.digest}`;

export function createDigestActivities(
  runDiagnostics: (anomaly: Anomaly) => Promise<DiagnosticsReport>,
  replyInThread: (input: ThreadReplyInput) => Promise<void>,
) {
  return {
    async diagnoseAndReply({ anomaly, refs, key, incidentId }: DiagnoseAndReplyInput): Promise<DiagnoseAndReplyResult> {
      const report = await runDiagnostics(anomaly); // a failure here retries the whole, as runDiagnostics alone did
      const unsent: UnsentReply[] = [];
      for (const ref of refs) {
        try {
          await replyInThread({ ref, key, text: digestReplyText(report), incidentId });
        } catch (err) {
          unsent.push({ ref, error: (err as Error).message ?? String(err), retryable: !(err instanceof ApplicationFailure && err.nonRetryable) });
        }
      }
      return { report, unsent };
    },
  };
}
export type DigestActivities = ReturnType<typeof createDigestActivities>;
