// Alertmanager-style matchers for silences and maintenance windows (issue 14 item 3):
// `{namespace="shop", kind=~"Pod|Deployment", severity!="info"}`. Pure: parsed once where people
// type them (api, config), evaluated in the worker's routing lookup. Regexes are anchored like
// Alertmanager's (`=~"Pod"` does not match "PodX"); an absent field is the empty string, so
// `team!="x"` matches anomalies without that label and `team=""` matches only those.
import type { Anomaly } from '../definitions';

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** Field names besides labels: the anomaly's own fields. Any other name is a label. */
export const MATCHER_FIELDS = ['cluster', 'namespace', 'kind', 'severity', 'owner', 'ownerKind', 'resource', 'resourceKind'] as const;
const MAX_MATCHER_LENGTH = 2_000;

/**
 * Parses `{a="b", c=~"d|e"}` (the braces are optional, values may be unquoted when they contain no
 * comma, brace or space). Throws an Error whose message says what to fix.
 */
export function parseMatchers(text: string): Matcher[] {
  if (typeof text !== 'string') throw new Error('a matcher is text like {namespace="shop", kind=~"Pod|Deployment"}');
  if (text.length > MAX_MATCHER_LENGTH) throw new Error(`the matcher is longer than ${MAX_MATCHER_LENGTH} characters`);
  let body = text.trim();
  if (body.startsWith('{') !== body.endsWith('}')) throw new Error(`unbalanced braces in matcher ${text}: write {namespace="shop"}`);
  if (body.startsWith('{')) body = body.slice(1, -1);
  const out: Matcher[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < body.length && /\s/.test(body[i]!)) i++;
  };
  while (true) {
    skipSpace();
    if (i >= body.length) break;
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_./-]*/.exec(body.slice(i));
    if (!nameMatch) throw new Error(`expected a field or label name at "${body.slice(i, i + 20)}" in matcher ${text}`);
    const name = nameMatch[0];
    i += name.length;
    skipSpace();
    const opMatch = /^(=~|!~|!=|=)/.exec(body.slice(i));
    if (!opMatch) throw new Error(`expected =, !=, =~ or !~ after "${name}" in matcher ${text}`);
    const op = opMatch[0] as MatchOp;
    i += op.length;
    skipSpace();
    let value: string;
    if (body[i] === '"') {
      i++;
      value = '';
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\' && i + 1 < body.length) i++;
        value += body[i];
        i++;
      }
      if (body[i] !== '"') throw new Error(`unterminated quote in the value of "${name}" in matcher ${text}`);
      i++;
    } else {
      const m = /^[^,\s{}"]*/.exec(body.slice(i))!;
      value = m[0];
      i += value.length;
    }
    if (op === '=~' || op === '!~') compile(name, value);
    out.push({ name, op, value });
    skipSpace();
    if (i >= body.length) break;
    if (body[i] !== ',') throw new Error(`expected "," between matchers at "${body.slice(i, i + 20)}" in matcher ${text}`);
    i++;
  }
  if (out.length === 0) throw new Error('the matcher is empty: name at least one field, e.g. {namespace="shop"} (a silence of everything is refused)');
  // A matcher that accepts the empty string for every field would silence everything.
  if (out.every((m) => matchOne(m, ''))) throw new Error(`matcher ${text} matches every alert: add a positive condition such as {namespace="shop"}`);
  return out;
}

function compile(name: string, pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new Error(`the regular expression for "${name}" is invalid: ${(err as Error).message}`);
  }
}

function matchOne(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return compile(m.name, m.value).test(value);
    case '!~':
      return !compile(m.name, m.value).test(value);
  }
}

/** The value a matcher name sees on an anomaly; '' when absent (Alertmanager's rule). */
export function fieldValue(a: Pick<Anomaly, 'cluster' | 'kind' | 'severity' | 'resource' | 'owner' | 'labels'>, name: string): string {
  switch (name) {
    case 'cluster':
      return a.cluster;
    case 'namespace':
      return a.resource.namespace ?? a.owner?.namespace ?? '';
    case 'kind':
      return a.kind;
    case 'severity':
      return a.severity;
    case 'owner':
      return a.owner?.name ?? '';
    case 'ownerKind':
      return a.owner?.kind ?? '';
    case 'resource':
      return a.resource.name;
    case 'resourceKind':
      return a.resource.kind;
    default:
      return a.labels[name] ?? '';
  }
}

/** True when every matcher accepts the anomaly. */
export function matchesAll(matchers: Matcher[], a: Parameters<typeof fieldValue>[0]): boolean {
  return matchers.every((m) => matchOne(m, fieldValue(a, m.name)));
}

/** Canonical text, e.g. `{namespace="shop", kind=~"Pod|Deployment"}` (shown in chat and lists). */
export function formatMatchers(matchers: Matcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ')}}`;
}

/** The value a matcher pins a field to with `=`, if any (authorization scopes by it). */
export function pinnedValue(matchers: Matcher[], name: string): string | undefined {
  return matchers.find((m) => m.name === name && m.op === '=')?.value;
}
