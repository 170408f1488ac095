// The verification recipe receivers are told to use (docs/webhooks.md): the Node function shipped
// in activities/webhooks/verify.ts and the shell one with openssl, run as documented.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyWebhook, webhookSignature } from '../../../../activities/webhooks/verify';

const SECRET = 'whsec_unit_0123456789abcdef';
const body = JSON.stringify({ id: 'incident/prod/x@2026-12-05T10:00:00.000Z#0', type: 'incident.triggered', data: { text: 'CrashLoopBackOff' } });
const now = Math.floor(Date.now() / 1000);

describe('verifyWebhook', () => {
  it('accepts a body signed with the secret within five minutes', () => {
    expect(verifyWebhook(body, webhookSignature(SECRET, now - 299, body), SECRET)).toEqual({ ok: true, t: now - 299 });
    expect(verifyWebhook(Buffer.from(body), webhookSignature(SECRET, now, body), SECRET)).toMatchObject({ ok: true });
  });

  it('refuses a tampered body, a different secret and a re-serialised body', () => {
    const sig = webhookSignature(SECRET, now, body);
    expect(verifyWebhook(body.replace('triggered', 'resolved'), sig, SECRET)).toEqual({ ok: false, reason: 'signature does not match the body' });
    expect(verifyWebhook(body, sig, 'another-secret')).toMatchObject({ ok: false });
    expect(verifyWebhook(JSON.stringify(JSON.parse(body), null, 2), sig, SECRET)).toMatchObject({ ok: false });
  });

  it('refuses a replay older than five minutes and a timestamp changed after signing', () => {
    expect(verifyWebhook(body, webhookSignature(SECRET, now - 301, body), SECRET)).toMatchObject({ ok: false, reason: expect.stringContaining('outside the tolerance') });
    const moved = webhookSignature(SECRET, now - 600, body).replace(`t=${now - 600}`, `t=${now}`);
    expect(verifyWebhook(body, moved, SECRET)).toEqual({ ok: false, reason: 'signature does not match the body' });
  });

  it('refuses a missing or malformed header and accepts any one of several v1 values', () => {
    expect(verifyWebhook(body, undefined, SECRET)).toEqual({ ok: false, reason: 'no Webhook-Signature header' });
    expect(verifyWebhook(body, 'v1=abc', SECRET)).toMatchObject({ ok: false, reason: expect.stringContaining('malformed') });
    expect(verifyWebhook(body, `t=${now},v1=zz`, SECRET)).toMatchObject({ ok: false });
    const good = webhookSignature(SECRET, now, body).split('v1=')[1];
    expect(verifyWebhook(body, `t=${now},v1=${'0'.repeat(64)},v1=${good}`, SECRET)).toMatchObject({ ok: true });
  });

  it('matches the HMAC-SHA256 of "<t>.<body>" that openssl computes (the documented shell recipe)', () => {
    const page = readFileSync(join(__dirname, '../../../../docs/webhooks.md'), 'utf8');
    const recipe = /```sh\n(t=\$\(printf[\s\S]*?)```/.exec(page)?.[1];
    expect(recipe).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'webhook-verify-'));
    try {
      const run = (content: string, sig: string) => {
        writeFileSync(join(dir, 'body.json'), content);
        return execFileSync('sh', ['-c', recipe!], { cwd: dir, env: { PATH: process.env.PATH, SIG: sig, WEBHOOK_SECRET: SECRET }, encoding: 'utf8' }).trim();
      };
      const sig = webhookSignature(SECRET, now, body);
      expect(run(body, sig)).toBe('valid');
      expect(run(body.replace('triggered', 'resolved'), sig)).toBe('INVALID');
      expect(run(body, webhookSignature(SECRET, now - 400, body))).toBe('INVALID');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
