// Property tests of credential redaction: secrets named the way people really name them (prefixes,
// suffixes, abbreviations, every case style, glued words), in every shape they appear in logs,
// env dumps, describe output, JSON, flags and query strings, never survive; ordinary diagnostics do.
import fc from 'fast-check';
import { redact } from '../../../activities/diagnostics/redact';
import { isSensitiveName } from '../../../activities/diagnostics/secret-names';
import { assertProperty } from '../../helpers/property';

const PREFIXES = ['db', 'x', 'mysql', 'root', 'app', 'smtp', 'redis', 'github', 'aws', 'stripe', 'pg', 'ldap', 'admin', 'service'];
/** Core words as multi-word names (joined per case style). */
const CORES: string[][] = [
  ['password'], ['passwd'], ['pwd'], ['pw'], ['pass'], ['passphrase'], ['secret'], ['token'], ['credentials'], ['creds'],
  ['api', 'key'], ['apikey'], ['access', 'key'], ['private', 'key'], ['client', 'secret'], ['auth', 'token'],
  ['connection', 'string'], ['session', 'id'], ['signing', 'key'], ['encryption', 'key'], ['secret', 'access', 'key'],
];
/** Cores still recognisable when glued into one word (dbpassword, MYSQLPWD, xapikey). */
const GLUABLE = new Set(['password', 'passwd', 'pwd', 'pw', 'pass', 'passphrase', 'secret', 'token', 'credentials', 'apikey']);
const SUFFIXES = [[], ['value'], ['v2'], ['1'], ['prod'], ['base']];

type Style = 'UPPER_SNAKE' | 'lower_snake' | 'kebab' | 'camel' | 'dotted' | 'glued' | 'GLUED';
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
function join(words: string[], style: Style): string {
  switch (style) {
    case 'UPPER_SNAKE': return words.join('_').toUpperCase();
    case 'lower_snake': return words.join('_');
    case 'kebab': return words.join('-');
    case 'camel': return words[0] + words.slice(1).map(cap).join('');
    case 'dotted': return words.join('.');
    case 'glued': return words.join('');
    case 'GLUED': return words.join('').toUpperCase();
  }
}

const sensitiveKey = fc
  .record({
    prefix: fc.array(fc.constantFrom(...PREFIXES), { maxLength: 2 }),
    core: fc.constantFrom(...CORES),
    suffix: fc.constantFrom(...SUFFIXES),
    style: fc.constantFrom<Style>('UPPER_SNAKE', 'lower_snake', 'kebab', 'camel', 'dotted', 'glued', 'GLUED'),
  })
  .filter(({ core, suffix, style }) => !style.toLowerCase().startsWith('glued') || (core.length === 1 && GLUABLE.has(core[0]!) && suffix.length === 0))
  // Glued `pw` needs two letters before it (DBPW, ROOTPW): `apw`-like words are host names, by design.
  .filter(({ prefix, core, style }) => !style.toLowerCase().startsWith('glued') || core[0] !== 'pw' || prefix.join('').length >= 2)
  .map(({ prefix, core, suffix, style }) => join([...prefix, ...core, ...suffix], style));

/** A secret value: no spaces or separators, not one of the values kept on purpose (true, ***). */
const secretValue = fc
  .string({ unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%^*+/~_-'), minLength: 8, maxLength: 32 })
  .filter((v) => !/^\*+$/.test(v) && /[A-Za-z0-9]/.test(v));

/** The shell's PWD/OLDPWD with a path is the working directory, kept by design (redact.ts). */
const shellPwd = (k: string, v: string) => /^(old)?pwd$/i.test(k) && v.startsWith('/');

/** Where a key and its value show up. */
const SHAPES: ((k: string, v: string) => string)[] = [
  (k, v) => `${k}=${v}`,
  (k, v) => `${k}: ${v}`,
  (k, v) => `Environment:\n      ${k}:  ${v}\n      LOG_LEVEL:  info`,
  (k, v) => `"${k}": "${v}"`,
  (k, v) => `{"${k}":"${v}","retries":3}`,
  (k, v) => `--${k}=${v}`,
  (k, v) => `GET /callback?state=1&${k}=${v}&next=2 HTTP/1.1`,
  (k, v) => `export ${k}="${v}"`,
  (k, v) => `${k}='${v}'`,
  (k, v) => `${k} = ${v}`,
  (k, v) => `level=info msg="connecting" ${k}=${v} host=db`,
];

// Cases per property in `make test` (FC_RUNS overrides; test/helpers/property.ts fixes the seed).
const RUNS = { runs: 150 };

describe('redaction properties', () => {
  it('recognises every generated secret name', () => {
    assertProperty(fc.property(sensitiveKey, (k) => isSensitiveName(k)), RUNS);
  });

  it('never lets a value under a secret-looking name through, in any shape', () => {
    assertProperty(
      fc.property(sensitiveKey, secretValue, fc.constantFrom(...SHAPES), (k, v, shape) => {
        fc.pre(!shellPwd(k, v));
        const out = redact(shape(k, v));
        return !out.includes(v) && out.includes('[REDACTED');
      }),
      RUNS,
    );
  });

  it('hides a multi-word value on a describe-style env line', () => {
    assertProperty(
      fc.property(sensitiveKey, fc.array(secretValue, { minLength: 2, maxLength: 4 }), (k, words) => {
        fc.pre(!shellPwd(k, words[0]!));
        const out = redact(`    Environment:\n      ${k}:  ${words.join(' ')}\n`);
        return words.every((w) => !out.includes(w));
      }),
      RUNS,
    );
  });

  it('hides the password of any connection string and keeps its user and host', () => {
    const ident = fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/);
    assertProperty(
      fc.property(fc.constantFrom('postgres', 'mysql', 'mongodb+srv', 'amqp', 'redis', 'https'), ident, secretValue.filter((v) => !/[/@]/.test(v)), ident, (scheme, user, pass, host) => {
        const out = redact(`dial ${scheme}://${user}:${pass}@${host}.svc:5432/db failed`);
        return !out.includes(pass) && out.includes(`${scheme}://${user}:[REDACTED]@${host}.svc:5432/db`);
      }),
      RUNS,
    );
  });

  it('hides generated (high-entropy) values even under an ordinary name', () => {
    const base62 = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
    const generated = fc
      .tuple(fc.constantFrom(...'0123456789'), fc.uniqueArray(fc.constantFrom(...base62), { minLength: 23, maxLength: 40 }))
      .map(([d, rest]) => d + rest.join(''))
      .filter((v) => /[a-z]/.test(v) && /[A-Z]/.test(v));
    assertProperty(
      fc.property(fc.constantFrom('SESSION_SALT', 'SIGNUP_CODE', 'x-custom', 'config', 'value', 'STRIPE'), generated, fc.constantFrom(...SHAPES), (k, v, shape) => !redact(shape(k, v)).includes(v)),
      RUNS,
    );
  });

  it('leaves ordinary settings, ids, digests and names readable', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
    const ordinary = fc.oneof(
      fc.tuple(fc.constantFrom('LOG_LEVEL', 'PORT', 'HOST', 'REPLICAS', 'NODE_NAME', 'BYPASS_CACHE', 'COMPASS_URL', 'PASSENGER_LIMIT', 'secretName', 'tokenPath', 'DB_PASSWORD_FILE'), word),
      fc.tuple(fc.constantFrom('Container ID', 'Image ID', 'UID', 'Controlled By'), fc.oneof(fc.uuid(), fc.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/), fc.stringMatching(/^ReplicaSet\/checkout-[0-9a-f]{4,10}$/))),
    );
    assertProperty(
      fc.property(ordinary, fc.constantFrom<(k: string, v: string) => string>((k, v) => `${k}=${v}`, (k, v) => `  ${k}:  ${v}`, (k, v) => `"${k}": "${v}"`), ([k, v], shape) => redact(shape(k, v)) === shape(k, v)),
      RUNS,
    );
  });

  it('is idempotent on any text, including generated secrets', () => {
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.tuple(sensitiveKey, secretValue, fc.constantFrom(...SHAPES)).map(([k, v, s]) => s(k, v)));
    assertProperty(
      fc.property(text, (t) => {
        const once = redact(t);
        return redact(once) === once;
      }),
      { runs: 300 },
    );
  });
});
