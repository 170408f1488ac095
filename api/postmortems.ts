// Postmortem reads and searches, shared by REST (bearer token) and the local chat page (read-only
// proxy), over whichever store the config picks (files under <dataDir>/postmortems or
// Elasticsearch); and action items added after an incident closed, which edit its postmortem.
import type { FastifyReply } from 'fastify';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import { ID_PART, fieldErrors } from '../intake/schema';
import { SEVERITIES, actionItemUpdate, type Actor, type CommandResult } from '../workflows/definitions';
import { MAX_POSTMORTEM_LIMIT, type PostmortemFilter, type PostmortemStore, type PostmortemSummary } from '../activities/postmortem/store';
import type { PostmortemDoc } from '../activities/postmortem/compile';
import { markdownToHtml } from '../activities/postmortem/html';
import { ApiError, ValidationError } from './errors';
import { TIMEOUTS, checkIncidentId, checkReadable, getIncident, mapTemporalError } from './incidents';
import { effectiveRoles, readableScopes } from '../workflows/policy';

export type { PostmortemFilter, PostmortemSummary } from '../activities/postmortem/store';

export interface PostmortemReader {
  get(id: string): Promise<{ json: unknown; markdown: string } | undefined>;
  /** Newest resolution first; the filter is applied by the store (a query in Elasticsearch). */
  list(filter?: PostmortemFilter): Promise<PostmortemSummary[]>;
}

const instant = (field: string) =>
  z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:\d{2})$/.test(s) && Number.isFinite(Date.parse(s)), {
      message: `${field} must be an ISO-8601 time with a zone, e.g. 2026-03-01T00:00:00Z (write a "+" offset as %2B in the URL)`,
    });

const listQuerySchema = z
  .object({
    cluster: z.string().regex(ID_PART, 'cluster may only contain letters, digits, ".", "_", ":" and "-"').max(63).optional(),
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'namespace must be a Kubernetes namespace name').optional(),
    severity: z.enum(SEVERITIES, { error: `severity must be one of ${SEVERITIES.join(', ')}` }).optional(),
    since: instant('since').optional(),
    until: instant('until').optional(),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(MAX_POSTMORTEM_LIMIT, `limit is at most ${MAX_POSTMORTEM_LIMIT}`)
      .optional(),
  })
  .strict()
  .refine((q) => !q.since || !q.until || Date.parse(q.since) <= Date.parse(q.until), { message: 'since must not be after until', path: ['until'] });

/** `?cluster=&namespace=&severity=&since=&until=&limit=`, every problem reported at once. */
export function parsePostmortemQuery(query: unknown): PostmortemFilter {
  const parsed = listQuerySchema.safeParse(query ?? {});
  if (!parsed.success) throw new ValidationError('invalid_query', 'The query parameters are invalid: fix the fields listed and retry.', fieldErrors(parsed.error.issues));
  return parsed.data;
}

export class PostmortemNotFoundError extends ApiError {
  constructor(id: string) {
    super(404, 'postmortem_not_found', `No postmortem "${id}": it is written when the incident is resolved. List them with GET /api/postmortems.`);
    this.name = 'PostmortemNotFoundError';
  }
}

/** Postmortem ids are `<incident id>@<opened at>`; anything else (e.g. "..") is refused before touching files. */
export function checkPostmortemId(id: string): string {
  if (!/^[A-Za-z0-9._:@/+-]{1,400}$/.test(id) || id.split('/').some((p) => p === '..' || p === '.' || p === ''))
    throw new ApiError(400, 'invalid_postmortem_id', `"${id}" is not a postmortem id: postmortem ids look like incident/<cluster>/<fingerprint>@<opened at>; the incident's state names it (postmortemId).`);
  return id;
}

/** With `reader`, only postmortems of incidents its grants reach (filtered after the store's page, so a page may come back shorter). */
export async function listPostmortems(store: PostmortemReader, filter?: PostmortemFilter, reader?: Actor): Promise<{ postmortems: PostmortemSummary[] }> {
  const all = await store.list(filter).catch(storeUnavailable);
  return { postmortems: reader && readableScopes(reader) !== 'all' ? all.filter((p) => effectiveRoles(reader, { cluster: p.cluster, namespace: p.namespace }).length) : all };
}

/** The store's own failure (e.g. Elasticsearch down) becomes a 503 that says so; bugs stay 500s. */
function storeUnavailable(err: unknown): never {
  if (err instanceof ApplicationFailure) throw new ApiError(503, 'postmortem_store_unavailable', `The postmortem store did not answer: ${err.message}`);
  throw err;
}

/** HTML when a browser asks for it (Accept: text/html), Markdown for text/markdown or text/plain, JSON otherwise. */
export async function sendPostmortem(store: PostmortemReader, id: string, accept: string | undefined, reply: FastifyReply, reader?: Actor): Promise<unknown> {
  checkPostmortemId(id);
  const doc = await store.get(id).catch(storeUnavailable);
  if (!doc) throw new PostmortemNotFoundError(id);
  const { cluster, namespace } = doc.json as Partial<Pick<PostmortemDoc, 'cluster' | 'namespace'>>;
  checkReadable(reader, { cluster: cluster ?? '', namespace });
  if (accept && /text\/html/.test(accept) && !/application\/json/.test(accept)) {
    // A document of escaped text and tables: nothing in it may run or load anything.
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
      .header('x-content-type-options', 'nosniff')
      .send(postmortemPage(id, doc.markdown));
  }
  if (accept && /text\/(markdown|plain)/.test(accept) && !/application\/json/.test(accept)) {
    return reply.type('text/markdown; charset=utf-8').send(doc.markdown);
  }
  return reply.type('application/json; charset=utf-8').send(doc.json);
}

export type PostmortemEditor = PostmortemReader & { edit?: PostmortemStore['edit'] };
type Item = PostmortemDoc['actionItems'][number];

/** Adds a follow-up to a written postmortem; the store re-renders its Markdown. False when there is no such postmortem. */
export async function appendPostmortemActionItem(store: PostmortemEditor, id: string, item: Item): Promise<boolean> {
  if (!store.edit) return false;
  const edited = await store
    .edit(id, (doc) => ({ ...doc, actionItems: [...(doc.actionItems ?? []), item], reviewPrompts: doc.reviewPrompts.filter((p) => !p.startsWith('No action items were recorded')) }))
    .catch(storeUnavailable);
  return edited !== undefined;
}

/**
 * `/incident action <text>`: an open incident records it through its `actionItem` update (the
 * postmortem picks it up); a closed one gets it appended to its postmortem document instead.
 */
export async function recordActionItem(client: Client, id: string, actor: Actor, text: string, store: PostmortemEditor | undefined, names: Record<string, string>): Promise<CommandResult> {
  checkIncidentId(id);
  try {
    return await client.withDeadline(Date.now() + TIMEOUTS.updateMs, () => client.workflow.getHandle(id).executeUpdate(actionItemUpdate, { args: [{ actor, text }] }));
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new ApiError(400, 'update_rejected', `The incident rejected the action item: ${err.cause?.message ?? err.message}`);
    if (!(err instanceof WorkflowNotFoundError)) mapTemporalError(err, id, 'record the action item');
  }
  // Not running: closed (or never existed, which getIncident reports).
  const state = await getIncident(client, id);
  if (!actor.personId) return { outcome: 'refused', message: `You (${actor.via}) are not on the roster, so you cannot add action items.`, status: state.status };
  if (!state.postmortemId || !store) throw new ApiError(409, 'incident_closed', `Incident ${id} is closed${state.postmortemId ? '' : ' without a postmortem'}, so it takes no more action items.`);
  const item: Item = { text, by: actor.personId, byName: names[actor.personId] ?? actor.personId, at: new Date().toISOString() };
  if (!(await appendPostmortemActionItem(store, state.postmortemId, item))) throw new PostmortemNotFoundError(state.postmortemId);
  return { outcome: 'done', message: `Action item added to the postmortem of ${id}: ${text}`, status: state.status };
}

/** A whole HTML page around the rendered postmortem (the local chat page takes its <article>). */
export function postmortemPage(id: string, markdown: string): string {
  const title = id.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Postmortem ${title}</title></head>\n<body><article class="postmortem">\n${markdownToHtml(markdown)}</article></body></html>\n`;
}
