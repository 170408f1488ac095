// Redaction of secret-looking text before anything read from a cluster reaches chat, history or a
// postmortem. Logs and object dumps carry credentials by accident (a connection string in a crash
// message, a token in a debug line); we would rather hide a harmless value than post a live one.
// Order matters: whole blocks (PEM keys) first, then well-known token shapes, then key=value pairs.

import { isSensitiveName, looksLikeSecretValue } from './secret-names';

export { isSensitiveName };

export const REDACTED = '[REDACTED]';

/** A key: env var, JSON field, header, flag or query parameter (bounded, so matching stays linear). */
const KEY = '[A-Za-z0-9_.-]{1,80}';

const PAIR = new RegExp(`(^|[^A-Za-z0-9_.-])(${KEY})(["']?[ \\t]*[=:][ \\t]*)(<[^>\\n]*>|"[^"\\n]*"|'[^'\\n]*'|[^\\s,;&"'}\\])]+)`, 'gm');

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
  // A describe-style line `  DB_PASS:  two words` hides the whole rest of the line.
  {
    re: new RegExp(`^([ \\t]*)(${KEY})(:[ \\t]+)(\\S[^\\n]*)$`, 'gm'),
    to: (m, indent, key, sep, value) => (isSensitiveName(key) && secretValue(key, value) ? `${indent}${key}${sep}${REDACTED}` : m),
  },
  // JSON / YAML-ish "key": "value".
  {
    re: /(["'])([^"'\n]{1,80})\1(\s*:\s*)"((?:[^"\\]|\\.)*)"/g,
    to: (m, q, key, sep, value) => (secretValue(key, value) ? `${q}${key}${q}${sep}"${REDACTED}"` : m),
  },
  // key=value, key: value in logs, env dumps, flags (--db-pass=x) and query strings. A kept pair
  // is searched again inside its value, so `a:b:password=x` cannot hide behind its first key.
  { re: PAIR, to: pair },
];

function secretValue(key: string, value: string): boolean {
  // The shell's PWD/OLDPWD hold the working directory; a password-PWD does not start with "/".
  if (keep(value) || (/^(?:old)?pwd$/i.test(key) && value.startsWith('/'))) return false;
  return isSensitiveName(key) || looksLikeSecretValue(value);
}

function pair(m: string, pre: string, key: string, sep: string, value: string): string {
  // `db.shop:5432/orders` is a host and port, not a key and its value.
  if (sep === ':' && key.includes('.') && /^\d{1,5}(?:\/|$)/.test(value)) return m;
  if (secretValue(key, value)) return `${pre}${key}${sep}${REDACTED}`;
  return value.length > 2 && /[=:]/.test(value) ? `${pre}${key}${sep}${value.replace(PAIR, pair)}` : m;
}

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
