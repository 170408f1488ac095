// Label and field selectors with the grammar and refusals of the real API server
// (k8s.io/apimachinery/pkg/labels and fields), so a selector the real server rejects fails here too.
import type { KubeObject } from './types';

export type LabelRequirement =
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] };

export type FieldRequirement = { field: string; op: '=' | '!='; value: string };

export class SelectorError extends Error {}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkKey(key: string): string {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    throw new SelectorError(`unable to parse requirement: invalid label key "${key}": prefix part must be a lowercase RFC 1123 subdomain`);
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    throw new SelectorError(
      `unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return key;
}

function checkValue(key: string, value: string): string {
  if (value !== '' && (value.length > 63 || !NAME.test(value))) {
    throw new SelectorError(
      `unable to parse requirement: values[0][${key}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return value;
}

/** Splits on commas outside parentheses: `a in (x,y),b` -> [`a in (x,y)`, `b`]. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

export function parseLabelSelector(selector: string | undefined): LabelRequirement[] {
  if (selector === undefined || selector.trim() === '') return [];
  return splitTop(selector).map((raw) => {
    const s = raw.trim();
    if (s === '') throw new SelectorError(`unable to parse requirement: found '', expected: identifier (in "${selector}")`);
    let m = /^!\s*(\S+)$/.exec(s);
    if (m) return { key: checkKey(m[1]!), op: '!exists' };
    m = /^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(s);
    if (m) return { key: checkKey(m[1]!), op: m[2] === '!=' ? '!=' : '=', value: checkValue(m[1]!, m[3]!) };
    m = /^([^\s=!(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(s);
    if (m) {
      const key = checkKey(m[1]!);
      const values = m[3]!.split(',').map((v) => v.trim());
      if (m[3]!.trim() === '') throw new SelectorError(`unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`);
      return { key, op: m[2] as 'in' | 'notin', values: values.map((v) => checkValue(key, v)) };
    }
    m = /^([^\s=!(),]+)$/.exec(s);
    if (m) return { key: checkKey(m[1]!), op: 'exists' };
    throw new SelectorError(`unable to parse requirement: unexpected syntax in "${s}" (expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b))`);
  });
}

export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
        return has && v === r.value;
      case '!=':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
    }
  });
}

/** Splits on a separator not escaped with a backslash (field selector values may escape `,` `=` `!`). */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

/** Parses a field selector; `supported` lists the labels the resource allows (others are refused). */
export function parseFieldSelector(selector: string | undefined, supported: readonly string[]): FieldRequirement[] {
  if (selector === undefined || selector.trim() === '') return [];
  return splitUnescaped(selector, ',').map((raw) => {
    const s = raw.trim();
    const m = /^([^=!\s]+)\s*(==|=|!=)(.*)$/.exec(s);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${s}'`);
    const field = m[1]!;
    if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]!) };
  });
}

/** The string value of a dotted field; `source` on events means source.component, as on the real server. */
export function fieldValue(obj: KubeObject, field: string): string {
  const path = field === 'source' ? 'source.component' : field;
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return field === 'spec.unschedulable' ? 'false' : '';
  return String(cur);
}

export function matchesFields(reqs: FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}
