// How a receiver checks a webhook: Stripe's scheme. `Webhook-Signature: t=<unix seconds>,v1=<hex>`
// where hex = HMAC-SHA256(secret, "<t>.<raw body>"). Self-contained (node:crypto only) so receivers
// can copy this file; docs/webhooks.md shows the same recipe with openssl.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Older signatures are refused, so a captured request cannot be replayed later. */
export const DEFAULT_TOLERANCE_S = 300;

/** The header value for `body` signed at `t` (unix seconds). */
export function webhookSignature(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

export type VerifyResult = { ok: true; t: number } | { ok: false; reason: string };

/**
 * Checks the header against the raw body as received (before any JSON parsing: re-serialising
 * changes the bytes). Accepts any of several v1 values (a sender rotating its secret sends two).
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  header: string | undefined,
  secret: string,
  opts: { toleranceS?: number; nowS?: number } = {},
): VerifyResult {
  if (!header) return { ok: false, reason: 'no Webhook-Signature header' };
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const v1 = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!);
  if (!Number.isInteger(t) || v1.length === 0) return { ok: false, reason: 'malformed Webhook-Signature header: expected t=<unix seconds>,v1=<hex>' };
  const now = opts.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (opts.toleranceS ?? DEFAULT_TOLERANCE_S)) return { ok: false, reason: `timestamp ${t} is outside the tolerance (now ${now})` };
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  const match = v1.some((hex) => {
    const got = Buffer.from(hex, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
  return match ? { ok: true, t } : { ok: false, reason: 'signature does not match the body' };
}
