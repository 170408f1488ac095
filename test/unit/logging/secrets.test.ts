// Which values the logs scrub (logging/secrets.ts): every fromEnv/fromFile reference in the config.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSecrets, secretScrubber } from '../../../logging/secrets';
import { testConfig } from '../../helpers/config';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'log-secrets-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the secrets a config resolves', () => {
  it('collects every reference wherever it sits, from the environment and from files, trimmed', () => {
    writeFileSync(join(dir, 'key'), 'temporal-key-123\n');
    const config = testConfig((raw) => {
      raw.temporal.apiKey = { fromFile: join(dir, 'key') };
      raw.temporal.tls = false;
      raw.api.tokens = [
        { name: 'ops', token: { fromEnv: 'T_OPS' }, roles: ['admin'] },
        { name: 'alice', token: { fromEnv: 'T_ALICE' }, person: 'alice' },
      ];
    });
    rmSync(config.dataDir, { recursive: true, force: true });
    expect(configSecrets(config, { T_OPS: 'ops-token-aaaa', T_ALICE: 'alice-token-bbbb' }).sort()).toEqual(['alice-token-bbbb', 'ops-token-aaaa', 'temporal-key-123']);
  });

  it('skips references that do not resolve: the part of the process that needs them reports it', () => {
    expect(configSecrets({ a: { fromEnv: 'UNSET_VAR' }, b: { fromFile: join(dir, 'missing') }, c: [{ fromEnv: 'SET' }] }, { SET: 'value-123456' })).toEqual(['value-123456']);
  });

  it('leaves objects that merely have a fromEnv key among others alone', () => {
    expect(configSecrets({ notARef: { fromEnv: 'SET', other: 1 } }, { SET: 'value-123456' })).toEqual([]);
  });
});

describe('the scrubber', () => {
  it('replaces the longest secret first, so a secret that contains another leaves no tail', () => {
    const scrub = secretScrubber(['abcdef', 'abcdefghij']);
    expect(scrub('x abcdefghij y abcdef')).toBe('x [redacted] y [redacted]');
  });

  it('treats regular expression characters in a secret literally', () => {
    expect(secretScrubber(['a.b*c+d?'])('a.b*c+d? aXbbcd')).toBe('[redacted] aXbbcd');
  });
});
