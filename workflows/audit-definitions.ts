// The /kubectl audit trail's contract: one long-lived workflow per cluster (`audit/<cluster>`),
// fed by signal-with-start from the api, so every command (run or refused, in an incident thread or
// not) is recorded in Temporal, the only store, and published to the event sinks (the archive).
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const AUDIT_WORKFLOW_TYPE = 'kubectlAuditWorkflow';
/** Commands refused before any cluster was known (not enabled in the channel, unparsable). */
export const NO_CLUSTER = '(none)';

/** `audit/<cluster>`; `audit/(none)` for commands that never reached a cluster. */
export function auditWorkflowId(cluster: string | undefined): string {
  return `audit/${cluster ?? NO_CLUSTER}`;
}

export interface AuditEntry {
  /** ISO time the api saw the command. */
  at: string;
  /** Roster person id, or the platform identity when the user is not on the roster. */
  actor: string;
  /** e.g. `slack:U123`, `local:alice`. */
  via: string;
  platform: string;
  channel?: string;
  /** The command line as typed, redacted and cut to one line. */
  command: string;
  outcome: 'ran' | 'refused';
  /** Why it was refused, or e.g. "12 rows". */
  detail: string;
  namespace?: string;
  incidentId?: string;
}

export interface AuditInput {
  cluster: string;
  /** Carried across continue-as-new: the trail's identity and where publishing stands. */
  startedAt?: string;
  published?: number;
  recent?: AuditEntry[];
  pending?: AuditEntry[];
  /** Times the trail continued as new. */
  generation?: number;
  /** History events after which a run continues as new (tests set it low). */
  historyLimit?: number;
}

export interface AuditView {
  cluster: string;
  startedAt: string;
  /** Entries published to the event sinks since the trail started. */
  published: number;
  /** Entries not yet published. */
  pending: number;
  /** The newest entries (at most RECENT_KEPT), oldest first. */
  recent: AuditEntry[];
  generation: number;
}

export const auditSignal = defineSignal<[AuditEntry]>('audit');
export const auditQuery = defineQuery<AuditView>('audit');
