// Credentials as Alertmanager's http_config sends them: an api token as bearer, or the configured
// basic auth pair (its password read from a secret at start, refused when missing or short).
import { TokenAuthenticator } from '../../../../api/auth';
import { alertmanagerCaller, basicAuthDigest } from '../../../../api/alertmanager/auth';
import { testConfig } from '../../../helpers/config';

const TOKEN = 'a'.repeat(32);
const PASSWORD = 'p'.repeat(24);
const config = (basicAuth?: unknown) =>
  testConfig((raw) => {
    raw.api = { tokens: [{ name: 'prometheus', token: { fromEnv: 'AM_TOKEN' } }] };
    raw.intake = { acceptUnknownClusters: true, alertmanager: basicAuth ? { basicAuth } : {} };
  });
const env = { AM_TOKEN: TOKEN, AM_PASSWORD: PASSWORD, SHORT: 'short' };
const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

describe('who may post Alertmanager notifications', () => {
  const cfg = config({ username: 'alertmanager', password: { fromEnv: 'AM_PASSWORD' } });
  const tokens = TokenAuthenticator.fromConfig(cfg, env);
  const digest = basicAuthDigest(cfg, env);

  it('takes an api token as bearer and the configured basic auth pair, naming the caller without its secret', () => {
    expect(alertmanagerCaller(`Bearer ${TOKEN}`, tokens, digest)).toBe('api:prometheus');
    expect(alertmanagerCaller(basic(`alertmanager:${PASSWORD}`), tokens, digest)).toBe('alertmanager:alertmanager');
  });

  it('refuses no header, a wrong token, a wrong password, another user and a password with a colon appended', () => {
    for (const h of [undefined, '', `Bearer ${'b'.repeat(32)}`, basic(`alertmanager:${PASSWORD}x`), basic(`root:${PASSWORD}`), basic(`alertmanager:${PASSWORD}:`), `Digest ${TOKEN}`])
      expect(alertmanagerCaller(h, tokens, digest)).toBeUndefined();
  });

  it('refuses basic auth altogether when none is configured', () => {
    expect(basicAuthDigest(config(), env)).toBeUndefined();
    expect(alertmanagerCaller(basic(`alertmanager:${PASSWORD}`), tokens, undefined)).toBeUndefined();
  });

  it('stops the start naming the key when the password is missing or short', () => {
    expect(() => basicAuthDigest(config({ username: 'am', password: { fromEnv: 'NOT_SET' } }), env)).toThrow(
      'intake.alertmanager.basicAuth.password: secret environment variable NOT_SET is not set',
    );
    expect(() => basicAuthDigest(config({ username: 'am', password: { fromEnv: 'SHORT' } }), env)).toThrow(/shorter than 16 characters/);
  });
});
