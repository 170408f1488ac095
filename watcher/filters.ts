// Which objects the watcher may report on: namespace globs, a label selector, an opt-out
// annotation (on the object, its top owner or its namespace) and a minimum severity. Pure, so the
// rules are tested without a cluster.
import { severityRank, type Severity } from '../workflows/definitions';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * Parses a Kubernetes label selector (`app=web,tier!=db,env in (a,b),!legacy,team`).
 * Throws an Error whose message says what is wrong, for config validation.
 */
export function parseLabelSelector(text: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new Error(`unbalanced parentheses in label selector "${text}"`);
  parts.push(current);
  const out: Requirement[] = [];
  for (const raw of parts.map((p) => p.trim())) {
    if (raw === '') {
      if (text.trim() === '') continue;
      throw new Error(`empty requirement in label selector "${text}"`);
    }
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw);
    const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(raw);
    let req: Requirement;
    if (set) req = { key: set[1]!, op: set[2] as 'in' | 'notin', values: set[3]!.split(',').map((v) => v.trim()) };
    else if (eq) req = { key: eq[1]!, op: eq[2] === '!=' ? 'notin' : 'in', values: [eq[3]!] };
    else if (raw.startsWith('!')) req = { key: raw.slice(1).trim(), op: 'notexists' };
    else req = { key: raw, op: 'exists' };
    if (!KEY.test(req.key)) throw new Error(`"${req.key}" is not a valid label key in label selector "${text}"`);
    if ('values' in req) for (const v of req.values) if (!VALUE.test(v) || v.length > 63) throw new Error(`"${v}" is not a valid label value in label selector "${text}"`);
    out.push(req);
  }
  return out;
}

export function matchesSelector(reqs: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]!);
      case 'notin':
        return !has || !r.values.includes(l[r.key]!);
    }
  });
}

/** `*` matches any run of characters, `?` one character; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export interface FilterSettings {
  namespaces: { include: string[]; exclude: string[] };
  labelSelector?: string;
  ignoreAnnotation: string;
  minSeverity: Severity;
}

export interface Candidate {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerLabels?: Record<string, string>;
  ownerAnnotations?: Record<string, string>;
  namespaceAnnotations?: Record<string, string>;
  severity: Severity;
}

export type FilterVerdict = { ok: true } | { ok: false; why: 'namespace' | 'labels' | 'annotation' | 'severity' };

export function createFilter(s: FilterSettings): (c: Candidate) => FilterVerdict {
  const include = s.namespaces.include.map(globToRegExp);
  const exclude = s.namespaces.exclude.map(globToRegExp);
  const selector = s.labelSelector ? parseLabelSelector(s.labelSelector) : undefined;
  const ignored = (a?: Record<string, string>) => a?.[s.ignoreAnnotation]?.toLowerCase() === 'true';
  const min = severityRank(s.minSeverity);
  return (c) => {
    if (severityRank(c.severity) < min) return { ok: false, why: 'severity' };
    if (c.namespace !== undefined) {
      if (!include.some((r) => r.test(c.namespace!)) || exclude.some((r) => r.test(c.namespace!))) return { ok: false, why: 'namespace' };
      // The selector is about workloads; cluster-scoped objects (nodes) have labels of another kind.
      if (selector && !matchesSelector(selector, c.labels) && !(c.ownerLabels && matchesSelector(selector, c.ownerLabels))) return { ok: false, why: 'labels' };
    }
    if (ignored(c.annotations) || ignored(c.ownerAnnotations) || ignored(c.namespaceAnnotations)) return { ok: false, why: 'annotation' };
    return { ok: true };
  };
}
