// The fake's data: composable index templates, indices (auto-created from templates like the real
// action.auto_create_index), data streams with backing indices, documents with _version/_seq_no/
// _primary_term, near-real-time search (writes are searchable after a refresh), and mapping checks
// that reject what Elasticsearch rejects (bad dates and numbers, strict dynamic mappings).
import { EsError, errors } from './errors';

export interface Mapping {
  dynamic?: boolean | 'strict' | 'true' | 'false';
  properties?: Record<string, FieldMapping>;
}
export interface FieldMapping extends Mapping {
  type?: string;
  enabled?: boolean;
  index?: boolean;
  fields?: Record<string, FieldMapping>;
}

export interface IndexTemplate {
  index_patterns: string[];
  template?: { settings?: Record<string, unknown>; mappings?: Mapping };
  data_stream?: Record<string, unknown>;
  priority?: number;
  _meta?: Record<string, unknown>;
}

export interface Doc {
  id: string;
  source: Record<string, unknown>;
  version: number;
  seqNo: number;
  primaryTerm: number;
}

export class Index {
  readonly docs = new Map<string, Doc>();
  /** What search sees: a copy taken at the last refresh. */
  searchable: Doc[] = [];
  seqNo = -1;
  readonly primaryTerm = 1;
  constructor(
    readonly name: string,
    readonly mappings: Mapping,
    readonly settings: Record<string, unknown>,
    readonly dataStream?: string,
  ) {}

  refresh(): void {
    this.searchable = [...this.docs.values()].map((d) => ({ ...d }));
  }
}

export interface WriteResult {
  index: string;
  id: string;
  version: number;
  seqNo: number;
  primaryTerm: number;
  result: 'created' | 'updated' | 'deleted' | 'not_found';
  status: number;
}

export function validIndexName(name: string): void {
  if (name !== name.toLowerCase()) throw errors.invalidIndexName(name, 'must be lowercase');
  if (/^[_\-+]/.test(name)) throw errors.invalidIndexName(name, 'must not start with \'_\', \'-\', or \'+\'');
  if (/[\\/*?"<>| ,#:]/.test(name)) throw errors.invalidIndexName(name, 'must not contain the following characters [\'\\\', \'/\', \'*\', \'?\', \'"\', \'<\', \'>\', \'|\', \' \', \',\']');
}

const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

export class Cluster {
  readonly templates = new Map<string, IndexTemplate>();
  readonly indices = new Map<string, Index>();
  readonly dataStreams = new Map<string, { name: string; indices: string[]; template: string }>();

  putTemplate(name: string, body: IndexTemplate): void {
    const problems: string[] = [];
    if (!Array.isArray(body?.index_patterns) || body.index_patterns.length === 0) problems.push('index patterns are missing');
    if (problems.length) throw errors.validation(problems);
    checkMapping(body.template?.mappings ?? {}, '');
    this.templates.set(name, body);
  }

  /** The highest-priority template whose patterns match the name, like composable templates. */
  templateFor(name: string): { name: string; template: IndexTemplate } | undefined {
    const matching = [...this.templates].filter(([, t]) => t.index_patterns.some((p) => glob(p).test(name)));
    matching.sort((a, b) => (b[1].priority ?? 0) - (a[1].priority ?? 0));
    const best = matching[0];
    return best && { name: best[0], template: best[1] };
  }

  createIndex(name: string, body: { mappings?: Mapping; settings?: Record<string, unknown> } = {}): Index {
    validIndexName(name);
    if (this.indices.has(name) || this.dataStreams.has(name)) throw errors.indexExists(name);
    const t = this.templateFor(name);
    if (t?.template.data_stream && !name.startsWith('.ds-'))
      throw errors.illegalArgument(`cannot create index with name [${name}], because it matches with template [${t.name}] that creates data streams only, use create data stream api instead`);
    const mappings = body.mappings ?? t?.template.template?.mappings ?? {};
    checkMapping(mappings, '');
    const idx = new Index(name, mappings, { ...(t?.template.template?.settings ?? {}), ...(body.settings ?? {}) });
    this.indices.set(name, idx);
    return idx;
  }

  createDataStream(name: string, now = new Date()): Index {
    validIndexName(name);
    if (this.dataStreams.has(name) || this.indices.has(name)) throw errors.illegalArgument(`data_stream [${name}] already exists`);
    const t = this.templateFor(name);
    if (!t?.template.data_stream) throw errors.illegalArgument(`no matching index template found for data stream [${name}]`);
    const day = now.toISOString().slice(0, 10).replace(/-/g, '.');
    const backing = `.ds-${name}-${day}-000001`;
    const base = t.template.template?.mappings ?? {};
    const mappings: Mapping = { ...base, properties: { '@timestamp': { type: 'date' }, ...(base.properties ?? {}) } };
    const idx = new Index(backing, mappings, t.template.template?.settings ?? {}, name);
    this.indices.set(backing, idx);
    this.dataStreams.set(name, { name, indices: [backing], template: t.name });
    return idx;
  }

  /** The index a write to `name` goes to, creating it (or its data stream) like auto-create does. */
  writeTarget(name: string, opType: 'index' | 'create'): Index {
    const ds = this.dataStreams.get(name);
    if (ds) {
      if (opType !== 'create') throw errors.illegalArgument('only write ops with an op_type of create are allowed in data streams');
      return this.indices.get(ds.indices.at(-1)!)!;
    }
    const existing = this.indices.get(name);
    if (existing) return existing;
    validIndexName(name);
    if (this.templateFor(name)?.template.data_stream) {
      if (opType !== 'create') throw errors.illegalArgument('only write ops with an op_type of create are allowed in data streams');
      return this.createDataStream(name);
    }
    return this.createIndex(name);
  }

  /** Indices a read of `name` covers (a data stream reads all its backing indices). */
  resolve(name: string, ignoreUnavailable = false): Index[] {
    if (name === '_all' || name === '*') return [...this.indices.values()];
    const out: Index[] = [];
    for (const part of name.split(',')) {
      const ds = this.dataStreams.get(part);
      if (ds) out.push(...ds.indices.map((i) => this.indices.get(i)!));
      else if (part.includes('*')) out.push(...[...this.indices.values()].filter((i) => glob(part).test(i.name) || (i.dataStream && glob(part).test(i.dataStream))));
      else if (this.indices.has(part)) out.push(this.indices.get(part)!);
      else if (!ignoreUnavailable) throw errors.indexNotFound(part);
    }
    return out;
  }

  write(name: string, id: string, source: unknown, opts: { opType: 'index' | 'create'; ifSeqNo?: number; ifPrimaryTerm?: number }): WriteResult {
    if (!source || typeof source !== 'object' || Array.isArray(source)) throw errors.parsing('request body is required');
    const idx = this.writeTarget(name, opts.opType);
    const existing = idx.docs.get(id);
    if (opts.opType === 'create' && existing) throw errors.created(idx.name, id, existing.version);
    if (opts.ifSeqNo !== undefined) {
      const want = { seqNo: opts.ifSeqNo, term: opts.ifPrimaryTerm ?? 0 };
      if (!existing || existing.seqNo !== want.seqNo || existing.primaryTerm !== want.term)
        throw errors.seqNoConflict(idx.name, id, want, existing && { seqNo: existing.seqNo, term: existing.primaryTerm });
    }
    if (idx.dataStream && typeof (source as Record<string, unknown>)['@timestamp'] === 'undefined')
      throw errors.documentParsing('[1:1] failed to parse: data stream timestamp field [@timestamp] is missing', { type: 'illegal_argument_exception', reason: 'data stream timestamp field [@timestamp] is missing' });
    checkDocument(idx.mappings, source as Record<string, unknown>, id);
    idx.seqNo += 1;
    const doc: Doc = { id, source: structuredClone(source as Record<string, unknown>), version: (existing?.version ?? 0) + 1, seqNo: idx.seqNo, primaryTerm: idx.primaryTerm };
    idx.docs.set(id, doc);
    return { index: idx.name, id, version: doc.version, seqNo: doc.seqNo, primaryTerm: doc.primaryTerm, result: existing ? 'updated' : 'created', status: existing ? 200 : 201 };
  }

  remove(name: string, id: string, opts: { ifSeqNo?: number; ifPrimaryTerm?: number } = {}): WriteResult {
    const idx = this.indices.get(name);
    if (!idx) throw errors.indexNotFound(name);
    const existing = idx.docs.get(id);
    if (opts.ifSeqNo !== undefined) {
      const want = { seqNo: opts.ifSeqNo, term: opts.ifPrimaryTerm ?? 0 };
      if (!existing || existing.seqNo !== want.seqNo || existing.primaryTerm !== want.term)
        throw errors.seqNoConflict(idx.name, id, want, existing && { seqNo: existing.seqNo, term: existing.primaryTerm });
    }
    idx.seqNo += 1;
    if (!existing) return { index: idx.name, id, version: 1, seqNo: idx.seqNo, primaryTerm: idx.primaryTerm, result: 'not_found', status: 404 };
    idx.docs.delete(id);
    return { index: idx.name, id, version: existing.version + 1, seqNo: idx.seqNo, primaryTerm: idx.primaryTerm, result: 'deleted', status: 200 };
  }

  refreshAll(): void {
    for (const i of this.indices.values()) i.refresh();
  }

  /** The periodic refresh: skips indices whose refresh_interval is -1 (refresh on request only). */
  autoRefresh(): void {
    for (const i of this.indices.values()) {
      const nested = (i.settings.index as Record<string, unknown> | undefined)?.refresh_interval;
      const every = i.settings.refresh_interval ?? i.settings['index.refresh_interval'] ?? nested;
      if (String(every) !== '-1') i.refresh();
    }
  }
}

const FIELD_TYPES = new Set(['keyword', 'text', 'date', 'long', 'integer', 'short', 'byte', 'double', 'float', 'boolean', 'object', 'nested', 'flattened', 'match_only_text', 'wildcard', 'constant_keyword', 'ip']);

function checkMapping(m: Mapping, path: string): void {
  for (const [name, f] of Object.entries(m.properties ?? {})) {
    const type = f.type ?? (f.properties ? 'object' : undefined);
    if (type === undefined) throw new EsError(400, 'mapper_parsing_exception', `No type specified for field [${path}${name}]`);
    if (!FIELD_TYPES.has(type)) throw new EsError(400, 'mapper_parsing_exception', `No handler for type [${type}] declared on field [${path}${name}]`);
    if (f.properties) checkMapping(f, `${path}${name}.`);
  }
}

const isDate = (v: unknown) => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && Number.isFinite(Date.parse(v)));

/** Rejects values the mapping cannot take, like document parsing in Elasticsearch. */
function checkDocument(m: Mapping, source: Record<string, unknown>, id: string, path = ''): void {
  const strict = m.dynamic === 'strict';
  for (const [key, raw] of Object.entries(source)) {
    const field = m.properties?.[key];
    if (!field) {
      if (strict) throw errors.strictDynamic(key, path ? path.slice(0, -1) : '_doc');
      continue;
    }
    const type = field.type ?? 'object';
    if (field.enabled === false || raw === null) continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (v === null) continue;
      const bad = (expected: string) =>
        errors.documentParsing(
          `[1:2] failed to parse field [${path}${key}] of type [${type}] in document with id '${id}'. Preview of field's value: '${typeof v === 'object' ? JSON.stringify(v) : String(v)}'`,
          { type: 'illegal_argument_exception', reason: expected },
        );
      if (type === 'object' || type === 'nested') {
        if (typeof v !== 'object') throw errors.documentParsing(`[1:2] object mapping for [${path}${key}] tried to parse field [${key}] as object, but found a concrete value`);
        checkDocument(field, v as Record<string, unknown>, id, `${path}${key}.`);
      } else if (typeof v === 'object' && type !== 'flattened') {
        throw bad(`Can't get text on a START_OBJECT`);
      } else if (type === 'date' && !isDate(v)) {
        throw bad(`failed to parse date field [${String(v)}] with format [strict_date_optional_time||epoch_millis]`);
      } else if (['long', 'integer', 'short', 'byte', 'double', 'float'].includes(type) && !(typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))))) {
        throw bad(`For input string: "${String(v)}"`);
      } else if (['long', 'integer', 'short', 'byte'].includes(type) && !Number.isInteger(Number(v))) {
        throw bad(`Value [${String(v)}] has a decimal part`);
      } else if (type === 'boolean' && typeof v !== 'boolean' && v !== 'true' && v !== 'false') {
        throw bad(`Failed to parse value [${String(v)}] as only [true] or [false] are allowed.`);
      }
    }
  }
}

/** The mapping of a dotted field path, for search and sort. */
export function fieldMapping(m: Mapping, path: string): FieldMapping | undefined {
  let cur: FieldMapping | undefined = m as FieldMapping;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next: FieldMapping | undefined = cur?.properties?.[part];
    if (!next && cur?.fields && i === parts.length - 1) return cur.fields[part];
    cur = next;
    if (!cur) return undefined;
  }
  return cur;
}
