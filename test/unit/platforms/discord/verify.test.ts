// Discord interaction signatures: accepted exactly when the Ed25519 signature of timestamp + raw body
// verifies under the application's public key and the request is fresh.
import { MAX_REQUEST_AGE_SECONDS, discordPublicKey, verifyDiscordSignature } from '../../../../platforms/discord/inbound/verify';
import { newKeyPair, signInteraction } from '../../../fakes/discord/client';

const app = newKeyPair();
const other = newKeyPair();
const publicKey = discordPublicKey(app.publicKeyHex);
const body = '{"type":3,"data":{"custom_id":"incident:ack:incident/prod/x"},"member":{"user":{"id":"123456789012345678"}}}';
const now = 1_700_000_000_000;
const ts = String(now / 1000);
const check = (signature: string | undefined, timestamp: string | undefined = ts, raw = body) =>
  verifyDiscordSignature({ publicKey, signature, timestamp, rawBody: Buffer.from(raw), nowMs: now });

describe('Discord signature verification', () => {
  it('accepts the Ed25519 signature of timestamp + raw body under the application public key', () => {
    expect(check(signInteraction(app.privateKey, ts, body))).toEqual({ ok: true });
  });

  it('refuses a forged signature: another key, another body, another timestamp, or a flipped bit', () => {
    const good = signInteraction(app.privateKey, ts, body);
    const flipped = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    for (const signature of [signInteraction(other.privateKey, ts, body), signInteraction(app.privateKey, ts, `${body} `), signInteraction(app.privateKey, String(now / 1000 - 1), body), flipped, '0'.repeat(128)])
      expect(check(signature)).toEqual({ ok: false, reason: expect.stringMatching(/does not match/) });
    expect(check(good, ts, body.replace('123456789012345678', '999999999999999999'))).toMatchObject({ ok: false });
  });

  it('refuses correctly signed requests older (or newer) than five minutes', () => {
    for (const skew of [MAX_REQUEST_AGE_SECONDS + 1, -(MAX_REQUEST_AGE_SECONDS + 1)]) {
      const t = String(now / 1000 - skew);
      expect(check(signInteraction(app.privateKey, t, body), t)).toEqual({ ok: false, reason: expect.stringMatching(/five minutes/) });
    }
    const edge = String(now / 1000 - MAX_REQUEST_AGE_SECONDS);
    expect(check(signInteraction(app.privateKey, edge, body), edge)).toEqual({ ok: true });
  });

  it('refuses requests without the headers, or with headers that are not a timestamp and a hex signature', () => {
    expect(check(undefined)).toEqual({ ok: false, reason: expect.stringMatching(/missing X-Signature-Ed25519/) });
    const noTimestamp = verifyDiscordSignature({ publicKey, signature: signInteraction(app.privateKey, ts, body), timestamp: undefined, rawBody: Buffer.from(body), nowMs: now });
    expect(noTimestamp).toEqual({ ok: false, reason: expect.stringMatching(/missing/) });
    expect(check(signInteraction(app.privateKey, ts, body), '1e9')).toEqual({ ok: false, reason: expect.stringMatching(/not a number/) });
    expect(check('zz'.repeat(64))).toEqual({ ok: false, reason: expect.stringMatching(/not a hex Ed25519 signature/) });
  });

  it('reads the public key as the Developer Portal shows it (64 hex characters) and nothing else', () => {
    expect(discordPublicKey(app.publicKeyHex.toUpperCase()).asymmetricKeyType).toBe('ed25519');
    expect(() => discordPublicKey('abc')).toThrow(/64 hex characters/);
  });
});
