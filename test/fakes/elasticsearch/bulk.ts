// _bulk for the fake: NDJSON action/source pairs (index, create, delete), terminated by a newline,
// answered per item ({create: {status, _id, ...}} or {create: {status, error}}) with `errors` set
// when any item failed. Tests inject per-item failures (e.g. one 429) through BulkItemFault.
import type { Cluster } from './cluster';
import { EsError, errors } from './errors';
import type { LoggedRequest } from './server';

/** Decides a failure for one item, or undefined to process it normally. */
export type BulkItemFault = (item: { action: string; index: string; id: string | undefined }) => EsError | undefined;

const ACTIONS = ['index', 'create', 'delete', 'update'] as const;

export function bulk(cluster: Cluster, text: string, defaultIndex: string | undefined, fault: BulkItemFault | undefined, log: LoggedRequest): Record<string, unknown> {
  if (text.length === 0) throw errors.validation(['no requests added']);
  if (!text.endsWith('\n')) throw errors.illegalArgument('The bulk request must be terminated by a newline [\\n]');
  const lines = text.split('\n');
  lines.pop();
  const items: Record<string, unknown>[] = [];
  log.bulkIds = [];
  for (let i = 0; i < lines.length; i++) {
    let action: Record<string, any>;
    try {
      action = JSON.parse(lines[i]!);
    } catch {
      throw errors.illegalArgument(`Malformed action/metadata line [${i + 1}], expected START_OBJECT but found [VALUE_STRING]`);
    }
    const [kind, meta] = Object.entries(action)[0] ?? [];
    if (!kind || !(ACTIONS as readonly string[]).includes(kind))
      throw errors.illegalArgument(`Malformed action/metadata line [${i + 1}], expected field [create], [delete], [index] or [update] but found [${kind}]`);
    if (kind === 'update') throw errors.illegalArgument('the fake does not implement bulk update; use index with if_seq_no');
    const index = (meta?._index as string | undefined) ?? defaultIndex;
    const id = meta?._id as string | undefined;
    log.bulkIds.push(id ?? '');
    let source: unknown;
    if (kind !== 'delete') {
      i += 1;
      if (i >= lines.length) throw errors.illegalArgument(`The bulk request must be terminated by a newline [\\n]`);
      try {
        source = JSON.parse(lines[i]!);
      } catch {
        items.push({ [kind]: itemError(index ?? '', id, errors.documentParsing(`[1:1] failed to parse`)) });
        continue;
      }
    }
    if (!index) {
      items.push({ [kind]: itemError('', id, errors.validation(['index is missing'])) });
      continue;
    }
    const injected = fault?.({ action: kind, index, id });
    if (injected) {
      items.push({ [kind]: itemError(index, id, injected) });
      continue;
    }
    try {
      const r =
        kind === 'delete'
          ? cluster.remove(index, id ?? '', { ifSeqNo: meta?.if_seq_no, ifPrimaryTerm: meta?.if_primary_term })
          : cluster.write(index, id ?? `bulk-${Date.now().toString(36)}-${i}`, source, { opType: kind === 'create' ? 'create' : 'index', ifSeqNo: meta?.if_seq_no, ifPrimaryTerm: meta?.if_primary_term });
      items.push({ [kind]: { _index: r.index, _id: r.id, _version: r.version, result: r.result, _shards: { total: 2, successful: 1, failed: 0 }, _seq_no: r.seqNo, _primary_term: r.primaryTerm, status: r.status } });
    } catch (err) {
      if (!(err instanceof EsError)) throw err;
      items.push({ [kind]: itemError(index, id, err) });
    }
  }
  return { errors: items.some((it) => Object.values(it).some((v) => 'error' in (v as object))), took: 1, items };
}

function itemError(index: string, id: string | undefined, e: EsError): Record<string, unknown> {
  return { _index: index, ...(id ? { _id: id } : {}), status: e.status, error: e.inner() };
}
