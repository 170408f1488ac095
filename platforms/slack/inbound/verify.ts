// Slack request signatures, checked exactly as Slack documents them: the signature is "v0=" plus
// the hex HMAC-SHA256 of "v0:<timestamp>:<raw body>" under the app's signing secret; a timestamp
// more than five minutes away from now is refused so a captured request cannot be replayed later.
// The comparison hashes both sides first and uses timingSafeEqual, so it takes the same time
// whatever the presented signature is (and whatever its length).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

export type Verification = { ok: true } | { ok: false; reason: string };

export interface SignedRequest {
  signingSecret: string;
  /** X-Slack-Signature */
  signature: string | undefined;
  /** X-Slack-Request-Timestamp (seconds since the epoch) */
  timestamp: string | undefined;
  rawBody: string;
  nowMs?: number;
}

export function expectedSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex')}`;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function verifySlackSignature(req: SignedRequest): Verification {
  const { signature, timestamp } = req;
  if (!signature || !timestamp) return { ok: false, reason: 'missing X-Slack-Signature or X-Slack-Request-Timestamp header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not a number of seconds' };
  const ageSeconds = Math.abs((req.nowMs ?? Date.now()) / 1000 - Number(timestamp));
  if (ageSeconds > MAX_REQUEST_AGE_SECONDS) return { ok: false, reason: 'the request timestamp is more than five minutes away from now (replayed request or clock skew)' };
  const expected = expectedSignature(req.signingSecret, timestamp, req.rawBody);
  if (!timingSafeEqual(digest(expected), digest(signature))) return { ok: false, reason: 'the signature does not match (wrong signing secret or altered body)' };
  return { ok: true };
}
