// Every /kubectl command is audited in Temporal: a signal-with-start to the cluster's audit
// workflow (`audit/<cluster>`), which records it and feeds the event sinks. One RPC, sent while the
// command runs, so it adds no latency; a failure never withholds the answer, it is reported in the
// reply (`audited: false`) and in the api log.
import type { Client } from '@temporalio/client';
import { AUDIT_WORKFLOW_TYPE, auditSignal, auditWorkflowId, type AuditEntry } from '../../workflows/audit-definitions';
import type { kubectlAuditWorkflow } from '../../workflows/audit';

export interface AuditDeps {
  client: Client;
  taskQueue: string;
  log?: { warn(obj: object, msg: string): void };
}

export async function audit(deps: AuditDeps, cluster: string | undefined, entry: AuditEntry): Promise<boolean> {
  try {
    await deps.client.workflow.signalWithStart<typeof kubectlAuditWorkflow, [AuditEntry]>(AUDIT_WORKFLOW_TYPE, {
      workflowId: auditWorkflowId(cluster),
      taskQueue: deps.taskQueue,
      args: [{ cluster: cluster ?? '' }],
      signal: auditSignal,
      signalArgs: [entry],
    });
    return true;
  } catch (err) {
    deps.log?.warn({ err: (err as Error).message, cluster, command: entry.command }, 'could not audit a /kubectl command');
    return false;
  }
}
