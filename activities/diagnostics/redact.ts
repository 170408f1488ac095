// Redaction of secret-looking text before anything read from a cluster reaches chat, history or a
// postmortem. Logs and object dumps carry credentials by accident (a connection string in a crash
// message, a token in a debug line); we would rather hide a harmless value than post a live one.
// Order matters: whole blocks (PEM keys) first, then well-known token shapes, then key=value pairs.

export const REDACTED = '[REDACTED]';

/** Words that make a key (env var, JSON field, header, query parameter) sensitive. */
// Bounded affixes keep matching linear on long unbroken words (a 100 kB log line of base64).
const SENSITIVE_KEY =
  '[A-Za-z0-9_.-]{0,40}?(?:passw(?:or)?d|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?key|key[_-]?data|client[_-]?secret|credentials?|session[_-]?id|cookie|auth[_-]?key|signature|sas[_-]?key|conn(?:ection)?[_-]?string)[A-Za-z0-9_.-]{0,40}';

/** Keys that name where a secret lives or describe it (secretName, tokenPath), not the secret itself. */
const REFERENCE_KEY = /(name|names|ref|namespace|path|file|filename|dir|mount|count|length|ttl|type|expiry|expires|expiration)$/i;

interface Rule {
  re: RegExp;
  to: string | ((...m: string[]) => string);
}

const RULES: Rule[] = [
  // PEM private keys, also when cut off by a tail or a size cap before the END line.
  { re: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, to: '[REDACTED PRIVATE KEY]' },
  // The rest of a key whose BEGIN line was cut off by a log tail: base64 lines before an END line.
  { re: /(?:^|\n)(?:[A-Za-z0-9+/=]{16,}\r?\n)+-----END [A-Z0-9 ]*PRIVATE KEY-----/g, to: (m) => `${m.startsWith('\n') ? '\n' : ''}[REDACTED PRIVATE KEY]` },
  // HTTP authorization headers in any casing, keeping the scheme so the reader knows what it was.
  {
    re: /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|digest|token|negotiate|aws4-hmac-sha256|apikey)\s+)?[^\s"',;]+/gi,
    to: (_m, name, sep, scheme) => `${name}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  },
  { re: /\b(bearer)\s+[A-Za-z0-9._~+/-]{8,}=*/gi, to: (_m, b) => `${b} ${REDACTED}` },
  // JSON Web Tokens (header.payload.signature, base64url).
  { re: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, to: '[REDACTED JWT]' },
  // Credentials inside URLs: scheme://user:password@host keeps the user, hides the password.
  { re: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]*):([^\s@/'"]+)@/gi, to: (_m, scheme, user) => `${scheme}${user}:${REDACTED}@` },
  // Cloud and SaaS token shapes that are recognisable without a key name.
  { re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\b/g, to: '[REDACTED AWS KEY]' },
  { re: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, to: '[REDACTED TOKEN]' },
  { re: /\bgithub_pat_[A-Za-z0-9_]{30,}\b/g, to: '[REDACTED TOKEN]' },
  { re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, to: '[REDACTED TOKEN]' },
  { re: /\bAIza[0-9A-Za-z_-]{35}\b/g, to: '[REDACTED TOKEN]' },
  { re: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, to: '[REDACTED TOKEN]' },
  { re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, to: '[REDACTED TOKEN]' },
  // JSON / YAML-ish "key": "value" with a sensitive key.
  {
    re: new RegExp(`(["'])(${SENSITIVE_KEY})\\1(\\s*:\\s*)"((?:[^"\\\\]|\\\\.)*)"`, 'gi'),
    to: (m, q, key, sep, value) => (keep(value) || REFERENCE_KEY.test(key) ? m : `${q}${key}${q}${sep}"${REDACTED}"`),
  },
  // key=value, key: value, --key value-less forms in logs, env dumps and query strings.
  {
    re: new RegExp(`(^|[^A-Za-z0-9_.-])(${SENSITIVE_KEY})(["']?\\s*[=:]\\s*)(<[^>\\n]*>|"[^"]*"|'[^']*'|[^\\s,;&"'}\\])]+)`, 'gim'),
    to: (m, pre, key, sep, value) => (keep(value) || REFERENCE_KEY.test(key) ? m : `${pre}${key}${sep}${REDACTED}`),
  },
];

/** Values that are already safe: our own markers and references to where a secret lives. */
function keep(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '');
  return v === '' || v.startsWith('[REDACTED') || v.startsWith('<from secret') || v.startsWith('<set to the key') || /^(?:true|false|null|none|\*+)$/i.test(v);
}

/** Replaces secret-looking substrings with markers. Idempotent: redacting twice changes nothing. */
export function redact(text: string): string {
  let out = text;
  for (const rule of RULES) out = out.replace(rule.re, rule.to as (substring: string, ...args: any[]) => string);
  return out;
}

/** Whether a name (env var, header, key) reads like it holds a secret. */
export function isSensitiveName(name: string): boolean {
  return new RegExp(`^${SENSITIVE_KEY}$`, 'i').test(name);
}

/**
 * Cuts text to at most `max` characters (on a line boundary when one is near) and says so, so a
 * reader never mistakes a capped dump for the whole thing.
 */
export function capText(text: string, max: number, what = 'output'): string {
  if (text.length <= max) return text;
  const note = `\n… (${what} truncated: showing ${max} of ${text.length} characters)`;
  let cut = text.slice(0, Math.max(0, max - note.length));
  const nl = cut.lastIndexOf('\n');
  if (nl > cut.length * 0.8) cut = cut.slice(0, nl);
  return cut + note;
}

/** Keeps the last `max` characters (logs: the end is what matters), noting what was dropped. */
export function capTail(text: string, max: number, what = 'log'): string {
  if (text.length <= max) return text;
  const note = `… (${what} truncated: showing the last ${max} of ${text.length} characters)\n`;
  let cut = text.slice(text.length - Math.max(0, max - note.length));
  const nl = cut.indexOf('\n');
  if (nl >= 0 && nl < cut.length * 0.2) cut = cut.slice(nl + 1);
  return note + cut;
}
