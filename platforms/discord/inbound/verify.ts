// Discord interaction signatures, checked as Discord documents them: X-Signature-Ed25519 is the hex
// Ed25519 signature of (X-Signature-Timestamp + raw body) under the application's public key. On
// top of that a timestamp more than five minutes away from now is refused, so a captured request
// cannot be replayed later. Node's crypto verifies Ed25519 itself; no library is needed.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

export type Verification = { ok: true } | { ok: false; reason: string };

export interface SignedInteraction {
  publicKey: KeyObject;
  /** X-Signature-Ed25519 (128 hex characters) */
  signature: string | undefined;
  /** X-Signature-Timestamp (seconds since the epoch) */
  timestamp: string | undefined;
  /** The body exactly as it arrived. */
  rawBody: Buffer;
  nowMs?: number;
}

/** The application's public key (64 hex characters, as the Developer Portal shows it) as a KeyObject. */
export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('the Discord public key must be 64 hex characters');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') }, format: 'jwk' });
}

export function verifyDiscordSignature(req: SignedInteraction): Verification {
  const { signature, timestamp } = req;
  if (!signature || !timestamp) return { ok: false, reason: 'missing X-Signature-Ed25519 or X-Signature-Timestamp header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Signature-Timestamp is not a number of seconds' };
  if (!/^[0-9a-fA-F]{128}$/.test(signature)) return { ok: false, reason: 'X-Signature-Ed25519 is not a hex Ed25519 signature' };
  const ageSeconds = Math.abs((req.nowMs ?? Date.now()) / 1000 - Number(timestamp));
  if (ageSeconds > MAX_REQUEST_AGE_SECONDS) return { ok: false, reason: 'the request timestamp is more than five minutes away from now (replayed request or clock skew)' };
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), req.rawBody]);
  let valid = false;
  try {
    valid = verify(null, signed, req.publicKey, Buffer.from(signature, 'hex'));
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: 'the signature does not match (wrong public key or altered body)' };
}
