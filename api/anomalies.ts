// Anomaly intake over REST: one anomaly per POST (what most senders do) or a batch of many with a
// result per item (relays and storms). A batch's anomalies of one incident are folded into one
// signal; both routes go through one coalescer per process, so anomalies of one incident share a
// signal whichever route brought them. Every item is validated and audited like a single POST, and
// counts as accepted only once Temporal took the signal that carries it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema';
import { incidentWorkflowId, type Anomaly } from '../workflows/definitions';
import type { Client } from '@temporalio/client';
import { parseAnomaly, type FieldError } from '../intake/schema';
import { coalescedAnomalySignal, mergeAnomalies, type SignalAnomalyResult } from '../intake/signal';
import { unknownClusterProblem } from '../intake/clusters';
import { incidentFields } from '../logging/fields';
import { auditCompletedRequest } from '../logging/http';
import { ApiError, ValidationError } from './errors';
import { mapTemporalError } from './incidents';

/** Most anomalies one batch may carry: enough to fold a storm, small enough to answer in one trip. */
export const MAX_BATCH_ITEMS = 500;
/** A batch's body limit: 500 typical anomalies are ~250 KiB; leaves room for long messages and labels. */
export const BATCH_BODY_LIMIT = 4 * 1024 * 1024;

export interface AnomalyRouteDeps {
  config: Config;
  client: Client;
}

export type ItemResult =
  | { index: number; status: 202; incidentId: string; runId?: string }
  | { index: number; status: number; error: { code: string; message: string; fields?: FieldError[] } };

/** Validated and admitted (known cluster), or the error the caller gets for it. */
function admit(config: Config, raw: unknown, what: string): { ok: true; anomaly: Anomaly } | { ok: false; error: ApiError } {
  const parsed = parseAnomaly(raw);
  if (!parsed.ok) return { ok: false, error: new ValidationError('invalid_anomaly', `${what} is invalid: fix the fields listed and resend.`, parsed.fields) };
  const unknown = unknownClusterProblem(config, parsed.anomaly.cluster);
  if (unknown) return { ok: false, error: new ValidationError('unknown_cluster', `No incident was opened: ${unknown}.`, [{ path: 'cluster', message: unknown }]) };
  return { ok: true, anomaly: parsed.anomaly };
}

/** The ApiError a failed signal becomes (Temporal down, timeout), as the single route answers it; undefined if unexpected. */
function signalError(err: unknown): ApiError | undefined {
  try {
    mapTemporalError(err, undefined, 'record the anomaly');
  } catch (mapped) {
    if (mapped instanceof ApiError) return mapped;
  }
  return undefined;
}

/** Checks the batch envelope; throws an error for the whole request (nothing was sent). */
function batchItems(body: unknown): unknown[] {
  const shape = `Send {"anomalies": [ ... ]} with 1 to ${MAX_BATCH_ITEMS} anomalies, each shaped as for POST /api/anomalies.`;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('invalid_batch', `The body must be a JSON object. ${shape}`, [{ path: '', message: 'the body must be a JSON object' }]);
  const extra = Object.keys(body).filter((k) => k !== 'anomalies');
  if (extra.length) throw new ValidationError('invalid_batch', `The batch has unknown fields. ${shape}`, extra.map((k) => ({ path: k, message: `unknown field "${k}": check the spelling` })));
  const items = (body as { anomalies?: unknown }).anomalies;
  if (!Array.isArray(items)) throw new ValidationError('invalid_batch', `"anomalies" must be an array. ${shape}`, [{ path: 'anomalies', message: items === undefined ? 'is required' : 'anomalies must be an array' }]);
  if (items.length === 0) throw new ValidationError('invalid_batch', `The batch is empty. ${shape}`, [{ path: 'anomalies', message: 'must hold at least one anomaly' }]);
  if (items.length > MAX_BATCH_ITEMS)
    throw new ApiError(413, 'batch_too_large', `The batch has ${items.length} anomalies; at most ${MAX_BATCH_ITEMS} per request: split it into several batches. Nothing was recorded.`);
  return items;
}

export function registerAnomalyRoutes(api: FastifyInstance, deps: AnomalyRouteDeps): void {
  // One coalescer for both routes (intake/coalesce.ts): concurrent anomalies of an incident share a signal-with-start.
  const signalAnomaly = coalescedAnomalySignal(deps.client, { taskQueue: deps.config.temporal.taskQueue });
  const via = (req: FastifyRequest) => req.principal!.actor.via;

  api.post('/api/anomalies', async (req, reply) => {
    const admitted = admit(deps.config, req.body, 'The anomaly');
    if (!admitted.ok) throw admitted.error;
    const signaled = await signalAnomaly(admitted.anomaly).catch((err: unknown) => mapTemporalError(err, undefined, 'record the anomaly'));
    // The audit line is also the request's line (status, duration, request id): one line per accepted anomaly.
    auditCompletedRequest(req, reply.code(202), { ...incidentFields(signaled.workflowId, signaled.runId), via: via(req) }, 'anomaly accepted');
    return reply.send({ incidentId: signaled.workflowId, runId: signaled.runId });
  });

  api.post('/api/anomalies/batch', { bodyLimit: BATCH_BODY_LIMIT }, async (req, reply) => {
    const items = batchItems(req.body);
    const results: (ItemResult & { signaled?: SignalAnomalyResult })[] = new Array(items.length);
    // The batch's anomalies of one incident, folded in order into as few signals as the count limit allows.
    const groups = new Map<string, { anomaly: Anomaly; indexes: number[] }[]>();
    items.forEach((raw, index) => {
      const admitted = admit(deps.config, raw, `Anomaly ${index}`);
      if (!admitted.ok) return void (results[index] = { index, status: admitted.error.status, ...admitted.error.toBody() });
      const a = admitted.anomaly;
      const key = incidentWorkflowId(a.cluster, a.fingerprint);
      const list = groups.get(key) ?? [];
      groups.set(key, list);
      const last = list[list.length - 1];
      const merged = last && mergeAnomalies(last.anomaly, a);
      if (last && merged) {
        last.anomaly = merged;
        last.indexes.push(index);
      } else list.push({ anomaly: a, indexes: [index] });
    });
    // Every group goes to the coalescer at once, so it also shares signals with single POSTs and other batches.
    await Promise.all(
      [...groups.values()].flat().map(async ({ anomaly, indexes }) => {
        try {
          const signaled = await signalAnomaly(anomaly);
          for (const index of indexes) results[index] = { index, status: 202, incidentId: signaled.workflowId, runId: signaled.runId, signaled };
        } catch (err) {
          const e = signalError(err);
          if (!e) req.log.error({ err, indexes }, 'unexpected error in a batch');
          else if (e.status >= 500) req.log.warn({ code: e.code, msg: e.message, indexes }, 'batch items failed');
          const answer = e ?? new ApiError(500, 'internal_error', `Recording anomalies ${indexes.join(', ')} failed inside the api (request ${req.id}); its log has the details. Resend them.`);
          for (const index of indexes) results[index] = { index, status: answer.status, ...answer.toBody() };
        }
      }),
    );
    // The audit trail: one line per incident and run the batch reached, with how many of its items.
    const perIncident = new Map<string, { workflowId: string; runId?: string; anomalies: number }>();
    for (const r of results) {
      if (!r.signaled) continue;
      const key = `${r.signaled.workflowId}#${r.signaled.runId ?? ''}`;
      const seen = perIncident.get(key);
      if (seen) seen.anomalies++;
      else perIncident.set(key, { ...r.signaled, anomalies: 1 });
    }
    for (const p of perIncident.values()) req.log.info({ ...incidentFields(p.workflowId, p.runId), via: via(req), anomalies: p.anomalies }, 'anomalies accepted');
    const accepted = results.filter((r) => r.status === 202).length;
    if (accepted < results.length) req.log.info({ via: via(req), accepted, rejected: results.length - accepted }, 'batch partly rejected');
    // 202 only when every item was taken; 207 tells a client that checks the status alone to read the results.
    return reply.code(accepted === results.length ? 202 : 207).send({
      accepted,
      rejected: results.length - accepted,
      results: results.map(({ signaled: _omit, ...r }) => r),
    });
  });
}
