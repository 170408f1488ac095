// Every secret the config resolves (tokens, signing secrets, API keys, passwords: each `fromEnv` /
// `fromFile` reference anywhere in it) is scrubbed from every log line, whichever field or message
// carries it. Free-form text from outside (SDK and library messages) also goes through the
// pattern-based redaction of activities/diagnostics/redact.ts (logging/temporal.ts, logging/process.ts).
import { readSecret } from '../config/load';

export const SCRUBBED = '[redacted]';
/** Shorter values are not scrubbed: replacing "ops" everywhere would garble lines, not protect. */
export const MIN_SECRET_LENGTH = 6;

const isRef = (v: unknown): v is { fromEnv?: string; fromFile?: string } => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && ((keys[0] === 'fromEnv' && typeof (v as { fromEnv: unknown }).fromEnv === 'string') || (keys[0] === 'fromFile' && typeof (v as { fromFile: unknown }).fromFile === 'string'));
};

/** The values of every secret reference in `config` that resolves now (unreadable ones are skipped: the part that needs them says so). */
export function configSecrets(config: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 20 || !v || typeof v !== 'object') return;
    if (isRef(v)) {
      try {
        const value = readSecret(v, env);
        if (value) found.add(value);
      } catch {
        // not set or unreadable: nothing to hide
      }
      return;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) walk(child, depth + 1);
  };
  walk(config, 0);
  return [...found];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that replaces every secret in a serialized JSON line, as written and as JSON escapes
 * it (a secret with a quote or backslash appears escaped inside a string), longest first.
 */
export function secretScrubber(secrets: Iterable<string>): (line: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  if (forms.size === 0) return (line) => line;
  const re = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g');
  return (line) => line.replace(re, SCRUBBED);
}
