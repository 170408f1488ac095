// Postmortem reads, shared by REST (bearer token) and the local chat page (read-only proxy). The
// store is the worker's file store under <dataDir>/postmortems; behind an interface so another
// store (Elasticsearch) can serve the same routes.
import type { FastifyReply } from 'fastify';
import { ApiError } from './errors';

export interface PostmortemSummary {
  id: string;
  title: string;
  cluster: string;
  severity: string;
  resolvedAt: string;
}

export interface PostmortemReader {
  get(id: string): Promise<{ json: unknown; markdown: string } | undefined>;
  list(): Promise<PostmortemSummary[]>;
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

export async function listPostmortems(store: PostmortemReader): Promise<{ postmortems: PostmortemSummary[] }> {
  return { postmortems: await store.list() };
}

/** Markdown when the client prefers it (Accept: text/markdown or text/plain), JSON otherwise. */
export async function sendPostmortem(store: PostmortemReader, id: string, accept: string | undefined, reply: FastifyReply): Promise<unknown> {
  checkPostmortemId(id);
  const doc = await store.get(id);
  if (!doc) throw new PostmortemNotFoundError(id);
  if (accept && /text\/(markdown|plain)/.test(accept) && !/application\/json/.test(accept)) {
    return reply.type('text/markdown; charset=utf-8').send(doc.markdown);
  }
  return reply.type('application/json; charset=utf-8').send(doc.json);
}
