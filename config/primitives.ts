// Small schema pieces shared by config/schema.ts and the per-integration schema files (which
// cannot import schema.ts: it imports them).
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration';

/** A secret is never written in the file: it names an environment variable or a mounted file. */
export const secretRef = z
  .object({
    fromEnv: z.string().min(1).optional().describe('Name of the environment variable holding the secret'),
    fromFile: z.string().min(1).optional().describe('Path of a file holding the secret (e.g. a mounted Secret)'),
  })
  .strict()
  .refine((s) => (s.fromEnv ? 1 : 0) + (s.fromFile ? 1 : 0) === 1, {
    message: 'a secret needs exactly one of "fromEnv" (variable name) or "fromFile" (path)',
  });

/**
 * Past 2^53 ms (285,000 years) a sum of digits is no longer exact, and a long enough one is Infinity,
 * which a workflow timer refuses: the incident would fail at its first escalation, not at load.
 */
const tooLong = (value: string) => `"${value}" is longer than any timer can wait; write a duration such as "30d"`;

/** "90s", "5m", "1h30m", "2d" -> milliseconds. */
export const duration = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined || !Number.isSafeInteger(ms)) {
    ctx.addIssue({ code: 'custom', message: ms === undefined ? `expected a duration like "30s", "5m" or "1h30m", got "${value}"` : tooLong(value) });
    return z.NEVER;
  }
  return ms;
});

/** A duration in [min, max] milliseconds (max optional), for timeouts. */
export function durationWithin(min: number, max?: number) {
  return z.string().transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms !== undefined && !Number.isSafeInteger(ms)) {
      ctx.addIssue({ code: 'custom', message: tooLong(value) });
      return z.NEVER;
    }
    if (ms === undefined || ms < min || (max !== undefined && ms > max)) {
      const range = max === undefined ? `of at least ${formatDuration(min)}` : `between "${formatDuration(min)}" and "${formatDuration(max)}"`;
      ctx.addIssue({ code: 'custom', message: `expected a duration ${range}, like "10s", got "${value}"` });
      return z.NEVER;
    }
    return ms;
  });
}

export const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as "Europe/Berlin" or "UTC"' },
);

/** Date.parse rolls impossible calendar times over (2026-02-30 is taken as March 2, T24:00 as the next day): they must be refused, not moved. */
export function calendarExists(s: string): boolean {
  const [y, mo, d, h, mi, sec] = (/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(s) ?? []).slice(1).map((x) => Number(x ?? 0));
  const t = new Date(0);
  t.setUTCFullYear(y!, mo! - 1, d);
  t.setUTCHours(h!, mi, sec);
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo! - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === sec;
}

const SIZE_UNITS: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9 };

/** A memory size as Kubernetes writes it ("1Gi", "768Mi", "1G") -> bytes. */
export const memorySize = z.string().transform((value, ctx) => {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)$/.exec(value.trim());
  const bytes = m ? Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!]!) : NaN;
  if (!(bytes > 0)) {
    ctx.addIssue({ code: 'custom', message: `expected a memory size like "1Gi" or "768Mi" (as in the pod's resources.limits.memory), got "${value}"` });
    return z.NEVER;
  }
  return bytes;
});
