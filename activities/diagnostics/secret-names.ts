// Which names hold secrets, and which values look like one whatever their name. People abbreviate
// (DB_PASS, PGPW, SMTP_PWD), glue words (mysqlRootPassword, APITOKEN) and add prefixes and suffixes
// (X_API_KEY, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY), so names are split into words and judged word by
// word: short abbreviations count only as whole words or word endings, so BYPASS or PWR_LEVEL stay.

/** Whole words that make a name sensitive. */
const WORDS = new Set([
  'pass', 'passwd', 'password', 'passwords', 'passwrd', 'pwd', 'pw', 'psw', 'pswd', 'passphrase', 'htpasswd',
  'secret', 'secrets', 'token', 'tokens', 'cred', 'creds', 'credential', 'credentials', 'auth', 'apikey',
  'privatekey', 'secretkey', 'accesskey', 'cookie', 'cookies', 'sessionid', 'signature', 'salt', 'dsn',
  'connstr', 'connectionstring', 'sas', 'otp', 'mfa', 'totp',
]);

/** Stems that make a glued word sensitive wherever they stand in it (PGPASSWORD, apitoken). */
const STEMS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'credential', 'apikey', 'privatekey', 'accesskey', 'secretkey'];

/** Endings that make a glued word sensitive (DBPASS, MYSQLPWD, ROOTPW), minus ordinary words. */
const ENDINGS = ['pass', 'pwd', 'pw', 'passwd', 'pswd'];
const ORDINARY = new Set(['bypass', 'compass', 'surpass', 'overpass', 'underpass', 'trespass', 'encompass', 'firstpass', 'multipass', 'onepass']);

/** Two adjacent words that together name a secret (API_KEY, client-secret, SESSION_ID). */
const PAIRS: [string, string][] = [
  ['api', 'key'], ['access', 'key'], ['private', 'key'], ['client', 'key'], ['auth', 'key'], ['sas', 'key'], ['master', 'key'],
  ['encryption', 'key'], ['signing', 'key'], ['secret', 'key'], ['license', 'key'], ['key', 'data'], ['session', 'id'],
  ['conn', 'string'], ['connection', 'string'], ['conn', 'str'],
];

/** Names that say where a secret lives or describe it (secretName, tokenPath), not the secret itself. */
const REFERENCE = /(name|names|ref|namespace|path|file|filename|dir|mount|count|length|ttl|type|expiry|expires|expiration|enabled|version)$/i;

/** Splits `mysqlRootPassword`, `X-Api-Key`, `--db-pass`, `spring.datasource.password` into words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .replace(/([A-Za-z])([0-9])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function sensitiveWord(w: string): boolean {
  if (WORDS.has(w) || STEMS.some((s) => w.includes(s))) return true;
  // Letters before the ending: two for `pw` (dbpw, but not a host like `apw`), one for the longer
  // endings (xpwd, xpass), whose ordinary words are listed in ORDINARY.
  return !ORDINARY.has(w) && ENDINGS.some((e) => w.length >= e.length + (e.length >= 3 ? 1 : 2) && w.endsWith(e));
}

/** Whether a name (env var, header, JSON key, flag, query parameter) reads like it holds a secret. */
export function isSensitiveName(name: string): boolean {
  if (REFERENCE.test(name)) return false;
  const words = nameWords(name);
  if (words.some(sensitiveWord)) return true;
  return words.some((w, i) => PAIRS.some(([a, b]) => w === a && words[i + 1] === b));
}

/** Lowercase with digits, a CamelCase word (maybe numbered), or empty. */
const WORDLIKE = /^(?:[a-z0-9]*|[A-Z]?[a-z]+(?:[A-Z][a-z]+)*[0-9]*)$/;

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/**
 * A value that looks generated rather than written: long, mixed-case letters and digits, high
 * entropy. Hex ids, UUIDs and digests (container ids, pod UIDs, image digests), paths, URLs and
 * dotted or dashed names stay readable: diagnostics need them and they are not credentials.
 */
export function looksLikeSecretValue(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '');
  if (v.length < 20 || v.length > 1024) return false;
  if (/^[0-9a-f-]+$/i.test(v) || /^sha(?:1|256|512):/i.test(v) || v.includes('://') || v.startsWith('/')) return false;
  // Made of words: `ReplicaSet/checkout-7d9f`, `com.example.PaymentService`, `node-pool-2`.
  if (v.split(/[/._:@=-]+/).every((part) => WORDLIKE.test(part))) return false;
  if (!/[a-z]/.test(v) || !/[A-Z]/.test(v) || !/[0-9]/.test(v)) return false;
  return entropy(v) >= 3.8;
}
