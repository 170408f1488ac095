// Search for the fake: term, terms, range, match (keywords exact, text by lowercase tokens),
// match_all, exists, ids and bool (must/filter/should/must_not); sort, from/size, _source
// filtering, track_total_hits. Unknown queries and sorts on text fields fail as they do for real.
import { errors } from './errors';
import { fieldMapping, type Doc, type Index } from './cluster';

type Query = Record<string, any>;

/** All values at a dotted path; arrays of objects are flattened the way Elasticsearch indexes them. */
export function valuesAt(source: unknown, path: string): unknown[] {
  let cur: unknown[] = [source];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const v of cur) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item && typeof item === 'object' && part in (item as Record<string, unknown>)) next.push((item as Record<string, unknown>)[part]);
      }
    }
    cur = next;
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== null && v !== undefined);
}

const tokens = (v: unknown) => String(v).toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

function typeOf(idx: Index, field: string): string | undefined {
  const m = fieldMapping(idx.mappings, field);
  if (m) return m.type ?? 'object';
  // A multi-field such as title.keyword reads the parent's value.
  return undefined;
}

function sourcePath(idx: Index, field: string): string {
  const dot = field.lastIndexOf('.');
  if (dot > 0) {
    const parent = fieldMapping(idx.mappings, field.slice(0, dot));
    if (parent?.fields?.[field.slice(dot + 1)]) return field.slice(0, dot);
  }
  return field;
}

function comparable(type: string | undefined, v: unknown): number | string {
  if (type === 'date') {
    const t = typeof v === 'number' ? v : Date.parse(String(v));
    if (!Number.isFinite(t)) throw errors.parsing(`failed to parse date field [${String(v)}] with format [strict_date_optional_time||epoch_millis]`);
    return t;
  }
  if (type && ['long', 'integer', 'short', 'byte', 'double', 'float'].includes(type)) return Number(v);
  return String(v);
}

function single(q: Query, kind: string): [string, any] {
  const entries = Object.entries(q ?? {});
  if (entries.length !== 1) throw errors.parsing(`[${kind}] query doesn't support multiple fields, found [${entries.map(([k]) => k).join('] and [')}]`);
  return entries[0]!;
}

const KNOWN = new Set(['match_all', 'match_none', 'ids', 'exists', 'term', 'match', 'terms', 'range', 'bool']);

/** Parses the whole query up front, like Elasticsearch does, so a bad query fails even on an empty index. */
function validate(query: Query): void {
  const entries = Object.entries(query ?? {});
  if (entries.length !== 1) throw errors.parsing('[_na] query malformed, must start with start_object');
  const [kind, body] = entries[0]!;
  if (!KNOWN.has(kind)) throw errors.parsing(`unknown query [${kind}]`);
  if (kind === 'bool') {
    const unknown = Object.keys(body ?? {}).filter((k) => !['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost'].includes(k));
    if (unknown.length) throw errors.parsing(`[bool] query does not support [${unknown[0]}]`);
    for (const k of ['must', 'filter', 'should', 'must_not']) {
      const v = body?.[k];
      for (const q of v === undefined ? [] : Array.isArray(v) ? v : [v]) validate(q as Query);
    }
  }
}

function matches(idx: Index, doc: Doc, query: Query): boolean {
  const entries = Object.entries(query ?? {});
  if (entries.length !== 1) throw errors.parsing('[_na] query malformed, must start with start_object');
  const [kind, body] = entries[0]!;
  switch (kind) {
    case 'match_all':
      return true;
    case 'match_none':
      return false;
    case 'ids':
      return (body.values as string[]).includes(doc.id);
    case 'exists':
      return valuesAt(doc.source, sourcePath(idx, body.field)).length > 0;
    case 'term':
    case 'match': {
      const [field, spec] = single(body, kind);
      const value = spec !== null && typeof spec === 'object' ? (kind === 'term' ? spec.value : spec.query) : spec;
      const type = typeOf(idx, field);
      const values = valuesAt(doc.source, sourcePath(idx, field));
      if (type === 'text' || type === 'match_only_text') {
        const have = new Set(values.flatMap(tokens));
        return kind === 'term' ? have.has(String(value)) : tokens(value).some((t) => have.has(t));
      }
      return values.some((v) => comparable(type, v) === comparable(type, value));
    }
    case 'terms': {
      const [field, list] = single(Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'boost')), kind);
      if (!Array.isArray(list)) throw errors.parsing('[terms] query does not support [' + field + ']');
      const type = typeOf(idx, field);
      const values = valuesAt(doc.source, sourcePath(idx, field)).map((v) => comparable(type, v));
      return list.some((want) => values.includes(comparable(type, want)));
    }
    case 'range': {
      const [field, spec] = single(body, kind);
      const type = typeOf(idx, field);
      const unknown = Object.keys(spec).filter((k) => !['gt', 'gte', 'lt', 'lte', 'format', 'boost', 'time_zone'].includes(k));
      if (unknown.length) throw errors.parsing(`[range] query does not support [${unknown[0]}]`);
      return valuesAt(doc.source, sourcePath(idx, field)).some((raw) => {
        const v = comparable(type, raw);
        if (spec.gt !== undefined && !(v > comparable(type, spec.gt))) return false;
        if (spec.gte !== undefined && !(v >= comparable(type, spec.gte))) return false;
        if (spec.lt !== undefined && !(v < comparable(type, spec.lt))) return false;
        if (spec.lte !== undefined && !(v <= comparable(type, spec.lte))) return false;
        return true;
      });
    }
    case 'bool': {
      const list = (v: unknown): Query[] => (v === undefined ? [] : Array.isArray(v) ? v : [v as Query]);
      const must = [...list(body.must), ...list(body.filter)];
      if (!must.every((q) => matches(idx, doc, q))) return false;
      if (list(body.must_not).some((q) => matches(idx, doc, q))) return false;
      const should = list(body.should);
      if (should.length === 0) return true;
      const min = body.minimum_should_match ?? (must.length ? 0 : 1);
      return should.filter((q) => matches(idx, doc, q)).length >= Number(min);
    }
    default:
      throw errors.parsing(`unknown query [${kind}]`);
  }
}

type SortSpec = { field: string; order: 'asc' | 'desc' };

function sorts(raw: unknown): SortSpec[] {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((s) => {
    if (typeof s === 'string') {
      const [field, order] = s.split(':');
      return { field: field!, order: (order ?? (field === '_score' ? 'desc' : 'asc')) as 'asc' | 'desc' };
    }
    const [field, spec] = Object.entries(s as Record<string, any>)[0]!;
    return { field, order: (typeof spec === 'string' ? spec : (spec?.order ?? 'asc')) as 'asc' | 'desc' };
  });
}

export interface SearchBody {
  query?: Query;
  sort?: unknown;
  from?: number;
  size?: number;
  _source?: boolean | string[] | { includes?: string[]; excludes?: string[] };
  track_total_hits?: boolean | number;
}

export function search(indices: Index[], body: SearchBody, params: URLSearchParams): Record<string, unknown> {
  const known = ['query', 'sort', 'from', 'size', '_source', 'track_total_hits', 'timeout'];
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length) throw errors.parsing(`Unknown key for a START_OBJECT in [${unknown[0]}].`);
  const from = Number(params.get('from') ?? body.from ?? 0);
  const size = Number(params.get('size') ?? body.size ?? 10);
  if (from < 0) throw errors.illegalArgument(`[from] parameter cannot be negative but was [${from}]`);
  if (from + size > 10_000) throw errors.resultWindow(from + size);
  const specs = sorts(body.sort ?? params.get('sort')?.split(','));
  for (const s of specs) {
    if (s.field === '_score' || s.field === '_doc') continue;
    for (const idx of indices) {
      const type = typeOf(idx, s.field);
      if (type === 'text' || type === 'match_only_text')
        throw errors.illegalArgument(
          `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${s.field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
        );
      if (type === undefined) throw errors.illegalArgument(`No mapping found for [${s.field}] in order to sort on`);
    }
  }
  validate(body.query ?? { match_all: {} });
  const hits = indices.flatMap((idx) => idx.searchable.filter((d) => matches(idx, d, body.query ?? { match_all: {} })).map((d) => ({ idx, d })));
  const key = (idx: Index, d: Doc, s: SortSpec) => {
    const type = typeOf(idx, s.field);
    const values = valuesAt(d.source, sourcePath(idx, s.field)).map((v) => comparable(type, v));
    if (values.length === 0) return undefined;
    return values.reduce((a, b) => ((s.order === 'asc' ? b < a : b > a) ? b : a));
  };
  const realSorts = specs.filter((s) => s.field !== '_score' && s.field !== '_doc');
  if (realSorts.length) {
    hits.sort((a, b) => {
      for (const s of realSorts) {
        const x = key(a.idx, a.d, s);
        const y = key(b.idx, b.d, s);
        if (x === y) continue;
        if (x === undefined) return 1; // missing values last, as by default
        if (y === undefined) return -1;
        return (x < y ? -1 : 1) * (s.order === 'asc' ? 1 : -1);
      }
      return 0;
    });
  }
  const page = hits.slice(from, from + size);
  return {
    took: 1,
    timed_out: false,
    _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 },
    hits: {
      ...(body.track_total_hits === false ? {} : { total: { value: hits.length, relation: 'eq' } }),
      max_score: realSorts.length ? null : page.length ? 1 : null,
      hits: page.map(({ idx, d }) => ({
        _index: idx.name,
        _id: d.id,
        _score: realSorts.length ? null : 1,
        ...(body._source === false ? {} : { _source: project(d.source, body._source) }),
        ...(realSorts.length ? { sort: realSorts.map((s) => key(idx, d, s) ?? null) } : {}),
      })),
    },
  };
}

function project(source: Record<string, unknown>, spec: SearchBody['_source']): Record<string, unknown> {
  if (spec === undefined || spec === true) return source;
  const includes = Array.isArray(spec) ? spec : typeof spec === 'object' ? (spec.includes ?? []) : [];
  if (includes.length === 0) return source;
  return Object.fromEntries(Object.entries(source).filter(([k]) => includes.some((p) => p === k || p.startsWith(`${k}.`) || (p.endsWith('*') && k.startsWith(p.slice(0, -1))))));
}
