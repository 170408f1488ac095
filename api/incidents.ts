// Every read and write of an incident goes through here, for REST and for every chat platform, so
// an ack means the same thing (and fails the same way) wherever it comes from. Reads of one incident
// use the `state` query (strongly consistent); lists use visibility (lags by a moment); writes are
// Workflow Updates whose CommandResult is the answer.
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  INCIDENT_WORKFLOW_TYPE,
  STATUSES,
  SEVERITIES,
  acknowledgeUpdate,
  handoffUpdate,
  parseIncidentWorkflowId,
  resolveUpdate,
  searchAttributes,
  stateQuery,
  type Actor,
  type CommandResult,
  type HandoffInput,
  type IncidentAction,
  type IncidentResult,
  type IncidentState,
  type IncidentStatus,
  type Severity,
} from '../workflows/definitions';
import { ID_PART } from '../intake/schema';
import { ApiError, IncidentClosedError, IncidentNotFoundError, InvalidIncidentIdError, RefusedError, TemporalTimeoutError, TemporalUnavailableError } from './errors';
import { effectiveRoles, readableScopes, scopeRefusal } from '../workflows/policy';

/** How long a read or a write may wait on Temporal before the caller gets an answer. */
export const TIMEOUTS = { queryMs: 10_000, updateMs: 20_000, listMs: 10_000 } as const;

export const LIST_STATUSES = [...STATUSES, 'open'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export interface ListFilter {
  /** `open` = triggered or acknowledged. */
  status?: ListStatus;
  severity?: Severity;
  cluster?: string;
  namespace?: string;
  limit?: number;
}

export interface IncidentSummary {
  id: string;
  status: IncidentStatus | 'unknown';
  severity?: Severity;
  cluster?: string;
  namespace?: string;
  assignee?: string;
  startedAt: string;
  closedAt?: string;
  /** Temporal's execution status, e.g. RUNNING, COMPLETED, TERMINATED. */
  execution: string;
  /** One id has one run per occurrence of the problem: a recurrence after a resolve is a new run. */
  runId: string;
  /** When this run's incident opened (its start; for a closed run, the time the workflow recorded). */
  openedAt: string;
  /** Who resolved this run, and its postmortem: from the closed run's result. */
  resolvedBy?: string;
  postmortemId?: string;
}

export const MAX_LIST_LIMIT = 200;
export const DEFAULT_LIST_LIMIT = 50;

/** Visibility query string literal: double-quoted with `\` and `"` escaped. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The part of a list query that keeps a person with grants to what they may read (undefined: no
 * limit; null: nothing at all). A grant's clusters and namespaces must both match.
 */
export function readScopeClause(actor: Pick<Actor, 'roles' | 'grants'> | undefined): string | null | undefined {
  const scopes = actor ? readableScopes(actor) : 'all';
  if (scopes === 'all') return undefined;
  if (!scopes.length) return null;
  const inList = (name: string, values: string[]) => `${name} IN (${values.map(quote).join(', ')})`;
  return `(${scopes
    .map((g) => [g.clusters && inList(searchAttributes.cluster.name, g.clusters), g.namespaces && inList(searchAttributes.namespace.name, g.namespaces)].filter(Boolean).join(' AND '))
    .map((c) => `(${c})`)
    .join(' OR ')})`;
}

/** Throws a 403 naming the missing scope when a person with grants may not read this incident. */
export function checkReadable(actor: Actor | undefined, state: { cluster: string; namespace?: string; resource?: { namespace?: string } }): void {
  if (!actor || readableScopes(actor) === 'all') return;
  const scope = { cluster: state.cluster, namespace: state.namespace ?? state.resource?.namespace };
  if (!effectiveRoles(actor, scope).length) throw new RefusedError(scopeRefusal(actor, scope, 'read incidents of'));
}

export function listQuery(filter: ListFilter, scope?: string): string {
  const parts = [`WorkflowType = ${quote(INCIDENT_WORKFLOW_TYPE)}`];
  if (scope) parts.push(scope);
  if (filter.status === 'open') parts.push(`${searchAttributes.status.name} IN (${quote('triggered')}, ${quote('acknowledged')})`);
  else if (filter.status) parts.push(`${searchAttributes.status.name} = ${quote(filter.status)}`);
  if (filter.severity) parts.push(`${searchAttributes.severity.name} = ${quote(filter.severity)}`);
  if (filter.cluster) parts.push(`${searchAttributes.cluster.name} = ${quote(filter.cluster)}`);
  if (filter.namespace) parts.push(`${searchAttributes.namespace.name} = ${quote(filter.namespace)}`);
  // A continued-as-new run is the same incident going on: only the run that carries it is listed.
  parts.push(`ExecutionStatus != ${quote('ContinuedAsNew')}`);
  // No ORDER BY: SQL visibility rejects it; its default order (open first, newest first) suits us.
  return parts.join(' AND ');
}

/** Throws InvalidIncidentIdError for strings that cannot be incident ids (before asking Temporal). */
export function checkIncidentId(id: string): string {
  const parsed = parseIncidentWorkflowId(id);
  if (!parsed || !ID_PART.test(parsed.cluster) || !ID_PART.test(parsed.fingerprint) || id.length > 300) throw new InvalidIncidentIdError(id);
  return id;
}

/** Maps Temporal client errors to api errors; anything unknown is rethrown (a bug, logged as 500). */
export function mapTemporalError(err: unknown, id: string | undefined, doing: string): never {
  if (err instanceof ApiError) throw err;
  if (err instanceof WorkflowNotFoundError && id) throw new IncidentNotFoundError(id);
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
    throw new TemporalTimeoutError(`Temporal did not confirm the ${doing} in time: is the incident worker running? The action may still be applied; retrying is safe.`);
  if (err instanceof ServiceError) {
    const code = (err.cause as { code?: number } | undefined)?.code;
    if (code === 4) throw new TemporalTimeoutError(`Temporal did not answer the ${doing} in time: is the incident worker running? Try again in a moment.`);
    throw new TemporalUnavailableError(`Temporal could not ${doing} (${err.cause?.message ?? err.message}). Check that the Temporal server is reachable; see GET /readyz.`);
  }
  if (err instanceof Error && /UNAVAILABLE|ECONNREFUSED|Connection refused|No connection established/i.test(err.message))
    throw new TemporalUnavailableError(`Temporal is not reachable (${err.message}). Check the Temporal server; see GET /readyz.`);
  throw err;
}

/** Lists incidents; with `reader`, only those its grants reach (a person with grants reads what they may act on). */
export async function listIncidents(client: Client, filter: ListFilter, reader?: Actor): Promise<IncidentSummary[]> {
  const limit = Math.min(Math.max(filter.limit ?? DEFAULT_LIST_LIMIT, 1), MAX_LIST_LIMIT);
  const out: IncidentSummary[] = [];
  const scope = readScopeClause(reader);
  if (scope === null) return out;
  try {
    await client.withDeadline(Date.now() + TIMEOUTS.listMs, async () => {
      for await (const w of client.workflow.list({ query: listQuery(filter, scope), pageSize: limit })) {
        const sa = w.typedSearchAttributes;
        const status = sa.get(searchAttributes.status) as IncidentStatus | undefined;
        out.push({
          id: w.workflowId,
          status: status && (STATUSES as readonly string[]).includes(status) ? status : 'unknown',
          severity: narrow(sa.get(searchAttributes.severity), SEVERITIES),
          cluster: sa.get(searchAttributes.cluster),
          namespace: sa.get(searchAttributes.namespace),
          assignee: sa.get(searchAttributes.assignee),
          startedAt: w.startTime.toISOString(),
          closedAt: w.closeTime?.toISOString(),
          execution: w.status.name,
          runId: w.runId,
          openedAt: w.startTime.toISOString(),
        });
        if (out.length >= limit) break;
      }
      await Promise.all(out.filter((i) => i.execution === 'COMPLETED').map((i) => addRunResult(client, i)));
    });
  } catch (err) {
    mapTemporalError(err, undefined, 'list incidents');
  }
  return out;
}

/** Resolver, postmortem and opening time of a closed run, from its result (one history read). */
async function addRunResult(client: Client, item: IncidentSummary): Promise<void> {
  const r = (await client.workflow.getHandle(item.id, item.runId).result()) as IncidentResult | undefined;
  if (!r) return;
  if (r.openedAt) item.openedAt = r.openedAt;
  if (r.assignee && !item.assignee) item.assignee = r.assignee;
  if (r.resolvedBy) item.resolvedBy = r.resolvedBy;
  if (r.postmortemId) item.postmortemId = r.postmortemId;
}

function narrow<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** Temporal's execution status of the newest run, or undefined when there is no such workflow. */
async function executionStatus(client: Client, id: string): Promise<string | undefined> {
  try {
    const d = await client.withDeadline(Date.now() + TIMEOUTS.queryMs, () => client.workflow.getHandle(id).describe());
    return d.type === INCIDENT_WORKFLOW_TYPE ? d.status.name : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    mapTemporalError(err, id, 'look up the incident');
  }
}

/** The incident's state; with `reader`, a 403 when its grants do not reach the incident. */
export async function getIncident(client: Client, id: string, reader?: Actor): Promise<IncidentState> {
  checkIncidentId(id);
  try {
    const state = await client.withDeadline(Date.now() + TIMEOUTS.queryMs, () => client.workflow.getHandle(id).query(stateQuery));
    checkReadable(reader, state);
    return state;
  } catch (err) {
    if (err instanceof ServiceError) {
      // A closed run is answered by a worker replaying it; without one the query fails.
      const status = await executionStatus(client, id);
      if (status === undefined) throw new IncidentNotFoundError(id);
      if (status !== 'RUNNING')
        throw new TemporalUnavailableError(`Incident ${id} is closed (${status.toLowerCase()}) and no worker answered for it: start the incident worker to read its state.`);
    }
    mapTemporalError(err, id, 'read the incident');
  }
}

export type { IncidentAction }; // defined once in workflows/definitions
export const ACTION_VERB: Record<IncidentAction, string> = { ack: 'acknowledge', handoff: 'hand off', resolve: 'resolve' };

export type ActionInput =
  | { action: 'ack' }
  | { action: 'handoff'; to: string | null; toRequested: string; toAccess?: HandoffInput['toAccess']; note?: string }
  | { action: 'resolve'; summary: string };

/**
 * Runs one action as a Workflow Update and returns the workflow's CommandResult (done, already or
 * refused: refusals are recorded by the workflow in the timeline). Throws ApiErrors for unknown
 * or closed incidents and for Temporal trouble.
 */
export async function runAction(client: Client, id: string, actor: Actor, input: ActionInput): Promise<CommandResult> {
  return updateIncident(client, id, ACTION_VERB[input.action], (handle) => {
    switch (input.action) {
      case 'ack':
        return handle.executeUpdate(acknowledgeUpdate, { args: [{ actor }] });
      case 'handoff':
        return handle.executeUpdate(handoffUpdate, {
          args: [{ actor, to: input.to, toRequested: input.toRequested, ...(input.toAccess ? { toAccess: input.toAccess } : {}), ...(input.note ? { note: input.note } : {}) }],
        });
      case 'resolve':
        return handle.executeUpdate(resolveUpdate, { args: [{ actor, summary: input.summary }] });
    }
  });
}

/**
 * Runs one Workflow Update on the incident's newest run within TIMEOUTS.updateMs and maps what can
 * go wrong to ApiErrors; `doing` completes "The incident rejected the ..." (e.g. "acknowledge").
 */
export async function updateIncident(client: Client, id: string, doing: string, run: (handle: WorkflowHandle) => Promise<CommandResult>): Promise<CommandResult> {
  checkIncidentId(id);
  const handle = client.workflow.getHandle(id);
  try {
    return await client.withDeadline(Date.now() + TIMEOUTS.updateMs, () => run(handle));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      // "not found" covers both a missing workflow and a closed one; tell them apart for the caller.
      const status = await executionStatus(client, id);
      if (status === undefined) throw new IncidentNotFoundError(id);
      if (status !== 'RUNNING') throw new IncidentClosedError(id, status);
    }
    if (err instanceof WorkflowUpdateFailedError) {
      // The workflow's validator rejected a malformed call (it leaves no history); the api validates
      // first, so this means api and workflow disagree on the input: say what the workflow said.
      throw new ApiError(400, 'update_rejected', `The incident rejected the ${doing}: ${err.cause?.message ?? err.message}`);
    }
    mapTemporalError(err, id, doing);
  }
}
