// Slack request signatures: accepted exactly when Slack's recipe matches and the request is fresh.
import { MAX_REQUEST_AGE_SECONDS, expectedSignature, verifySlackSignature } from '../../../../platforms/slack/inbound/verify';
import { slackSignature } from '../../../fakes/slack/inbound';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fack&text=';
const now = 1_700_000_000_000;
const ts = String(now / 1000);

describe('Slack signature verification', () => {
  it('accepts v0= HMAC-SHA256 of "v0:<timestamp>:<body>" under the signing secret', () => {
    expect(expectedSignature(secret, ts, body)).toBe(slackSignature(secret, Number(ts), body));
    expect(verifySlackSignature({ signingSecret: secret, signature: expectedSignature(secret, ts, body), timestamp: ts, rawBody: body, nowMs: now })).toEqual({ ok: true });
  });

  it('refuses a signature made with another secret, over another body, or truncated', () => {
    const good = expectedSignature(secret, ts, body);
    for (const signature of [expectedSignature('other-secret', ts, body), expectedSignature(secret, ts, `${body}&x=1`), good.slice(0, -1), 'v0=', good.replace('v0=', 'v1=')]) {
      expect(verifySlackSignature({ signingSecret: secret, signature, timestamp: ts, rawBody: body, nowMs: now })).toEqual({ ok: false, reason: expect.stringMatching(/does not match/) });
    }
  });

  it('refuses requests older (or newer) than five minutes even when correctly signed', () => {
    for (const skew of [MAX_REQUEST_AGE_SECONDS + 1, -(MAX_REQUEST_AGE_SECONDS + 1)]) {
      const t = String(now / 1000 - skew);
      expect(verifySlackSignature({ signingSecret: secret, signature: expectedSignature(secret, t, body), timestamp: t, rawBody: body, nowMs: now })).toEqual({ ok: false, reason: expect.stringMatching(/five minutes/) });
    }
    const edge = String(now / 1000 - MAX_REQUEST_AGE_SECONDS);
    expect(verifySlackSignature({ signingSecret: secret, signature: expectedSignature(secret, edge, body), timestamp: edge, rawBody: body, nowMs: now }).ok).toBe(true);
  });

  it('refuses requests without the headers or with a timestamp that is not a number', () => {
    expect(verifySlackSignature({ signingSecret: secret, signature: undefined, timestamp: ts, rawBody: body, nowMs: now }).ok).toBe(false);
    expect(verifySlackSignature({ signingSecret: secret, signature: 'v0=abc', timestamp: undefined, rawBody: body, nowMs: now }).ok).toBe(false);
    expect(verifySlackSignature({ signingSecret: secret, signature: 'v0=abc', timestamp: '1e9', rawBody: body, nowMs: now })).toEqual({ ok: false, reason: expect.stringMatching(/not a number/) });
  });
});
