import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import crypto from 'node:crypto';
import { AuthConfigError, TokenAuthenticator } from '../../../api/auth';
import { apiTestConfig } from './fixtures';

const OPS = 'ops-token-0123456789abcdef';
const ALICE = 'alice-token-0123456789abcdef';

const config = apiTestConfig((raw) => {
  raw.api.tokens = [
    { name: 'ops', token: { fromEnv: 'T_OPS' }, roles: ['admin'] },
    { name: 'alice-cli', token: { fromEnv: 'T_ALICE' }, person: 'alice' },
  ];
});
const env = { T_OPS: OPS, T_ALICE: ALICE };

describe('bearer token authentication', () => {
  const auth = TokenAuthenticator.fromConfig(config, env);

  it('maps a token bound to a person to that person and their roster roles', () => {
    const p = auth.authenticate(`Bearer ${ALICE}`);
    expect(p).toEqual({ tokenName: 'alice-cli', service: false, actor: { personId: 'alice', roles: ['responder'], via: 'api:alice-cli', display: 'Alice Liddell' } });
  });

  it('maps a token without a person to a service identity with the token roles', () => {
    const p = auth.authenticate(`bearer  ${OPS}`);
    expect(p).toMatchObject({ tokenName: 'ops', service: true, actor: { personId: null, roles: ['admin'], via: 'api:ops' } });
  });

  it('rejects invalid and missing tokens', () => {
    expect(auth.authenticate(`Bearer ${OPS}x`)).toBeUndefined();
    expect(auth.authenticate(`Bearer ${OPS.slice(0, -1)}`)).toBeUndefined();
    expect(auth.authenticate(undefined)).toBeUndefined();
    expect(auth.authenticate('')).toBeUndefined();
    expect(auth.authenticate(`Basic ${OPS}`)).toBeUndefined();
    expect(auth.authenticate(OPS)).toBeUndefined();
  });

  it('compares every configured token in constant time, whichever matches', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      auth.authenticate(`Bearer ${OPS}`);
      expect(spy).toHaveBeenCalledTimes(2);
      spy.mockClear();
      auth.authenticate('Bearer short');
      // Hashing first makes every comparison the same length, so timingSafeEqual never throws.
      expect(spy).toHaveBeenCalledTimes(2);
      for (const [a, b] of spy.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
    } finally {
      spy.mockRestore();
    }
  });

  it('reads token secrets from mounted files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-test-'));
    try {
      writeFileSync(join(dir, 'token'), `${OPS}\n`);
      const c = apiTestConfig((raw) => (raw.api.tokens = [{ name: 'file', token: { fromFile: join(dir, 'token') } }]));
      expect(TokenAuthenticator.fromConfig(c, {}).authenticate(`Bearer ${OPS}`)?.tokenName).toBe('file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails at start naming the token and variable when a secret is missing, never a value', () => {
    expect(() => TokenAuthenticator.fromConfig(config, { T_OPS: OPS })).toThrow(new AuthConfigError('api.tokens "alice-cli": secret environment variable T_ALICE is not set'));
  });

  it('refuses short and shared secrets at start', () => {
    expect(() => TokenAuthenticator.fromConfig(config, { T_OPS: 'short', T_ALICE: ALICE })).toThrow(/"ops": the token is shorter than 16 characters/);
    let message = '';
    try {
      TokenAuthenticator.fromConfig(config, { T_OPS: OPS, T_ALICE: OPS });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/"alice-cli" has the same secret as "ops"/);
    expect(message).not.toContain(OPS);
  });
});

describe('tokens with grants', () => {
  it('carries the person grants, and narrows a token to where both the person and the token may act', () => {
    const scoped = apiTestConfig((raw) => {
      raw.people[2].grants = [{ roles: ['admin'], clusters: ['dev'] }];
      raw.api.tokens = [
        { name: 'carol-cli', token: { fromEnv: 'T_CAROL' }, person: 'carol' },
        { name: 'carol-ci', token: { fromEnv: 'T_CI' }, person: 'carol', grants: [{ roles: ['responder'], clusters: ['dev'], namespaces: ['shop'] }] },
      ];
    });
    const auth = TokenAuthenticator.fromConfig(scoped, { T_CAROL: ALICE, T_CI: OPS });
    expect(auth.authenticate(`Bearer ${ALICE}`)?.actor).toMatchObject({ roles: ['responder', 'admin'], grants: [{ roles: ['admin'], clusters: ['dev'] }] });
    expect(auth.authenticate(`Bearer ${OPS}`)?.actor).toMatchObject({ personId: 'carol', roles: [], grants: [{ roles: ['responder'], clusters: ['dev'], namespaces: ['shop'] }] });
  });
});
