// What every postmortem store offers (the file store by default, Elasticsearch when configured):
// create-once under the postmortem id, read, search, and edits that never lose a concurrent edit.
import type { PostmortemDoc } from './compile';

export interface StoredPostmortem {
  id: string;
  /** Where it landed: a file path or the document URL. */
  location: string;
  /** False when it already existed (a retried store): the first write stands, its version unchanged. */
  created: boolean;
  version?: number;
}

export interface PostmortemSummary {
  id: string;
  title: string;
  cluster: string;
  severity: string;
  resolvedAt: string;
  namespace?: string;
  openedAt?: string;
}

export interface PostmortemFilter {
  cluster?: string;
  namespace?: string;
  severity?: string;
  /** Postmortems of incidents still open at or after this time (resolvedAt >= since). */
  since?: string;
  /** ... and opened at or before this time (openedAt <= until). */
  until?: string;
  limit?: number;
}

export const DEFAULT_POSTMORTEM_LIMIT = 50;
export const MAX_POSTMORTEM_LIMIT = 200;

/** May be called more than once (after a conflict), always with the newest document. */
export type PostmortemChange = (doc: PostmortemDoc) => PostmortemDoc | undefined | Promise<PostmortemDoc | undefined>;

export interface PostmortemStore {
  put(doc: PostmortemDoc, markdown: string): Promise<StoredPostmortem>;
  get(id: string): Promise<{ json: PostmortemDoc; markdown: string } | undefined>;
  /** Newest resolution first. */
  list(filter?: PostmortemFilter): Promise<PostmortemSummary[]>;
  /**
   * Read, change, write back only if nobody wrote in between (else read again and reapply, a few
   * times). `change` returns the new document, or undefined to leave it as it is.
   */
  edit(id: string, change: PostmortemChange): Promise<{ doc: PostmortemDoc; version?: number } | undefined>;
  close?(): Promise<void>;
}

export function summaryOf(d: Partial<PostmortemDoc> & Pick<PostmortemDoc, 'id'>): PostmortemSummary {
  return {
    id: d.id,
    title: d.title ?? d.id,
    cluster: d.cluster ?? '',
    severity: d.severity ?? '',
    resolvedAt: d.resolvedAt ?? '',
    ...(d.namespace ? { namespace: d.namespace } : {}),
    ...(d.openedAt ? { openedAt: d.openedAt } : {}),
  };
}

/** The filter as a predicate, for stores that scan (the file store); Elasticsearch queries instead. */
export function matchesFilter(s: PostmortemSummary, f: PostmortemFilter): boolean {
  if (f.cluster !== undefined && s.cluster !== f.cluster) return false;
  if (f.namespace !== undefined && s.namespace !== f.namespace) return false;
  if (f.severity !== undefined && s.severity !== f.severity) return false;
  if (f.since !== undefined && !(Date.parse(s.resolvedAt) >= Date.parse(f.since))) return false;
  if (f.until !== undefined && !(Date.parse(s.openedAt ?? s.resolvedAt) <= Date.parse(f.until))) return false;
  return true;
}

export const limitOf = (f: PostmortemFilter | undefined): number => Math.min(Math.max(f?.limit ?? DEFAULT_POSTMORTEM_LIMIT, 1), MAX_POSTMORTEM_LIMIT);
