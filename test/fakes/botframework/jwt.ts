// RS256 JWTs with node:crypto only: the fake Bot Framework signs the tokens "Teams" sends to the bot
// with a key it publishes in its JWKS, exactly as login.botframework.com does; tests forge tokens
// with a key nobody published.
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newSigningKey(kid = randomBytes(8).toString('hex')): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function signJwt(key: SigningKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid, x5t: key.kid, ...header }));
  const body = b64url(JSON.stringify(claims));
  const signer = createSign('RSA-SHA256');
  signer.update(`${head}.${body}`);
  return `${head}.${body}.${signer.sign(key.privateKey).toString('base64url')}`;
}

/** The public key as a JWKS entry (n and e are base64url, as in login.botframework.com's keys). */
export function jwk(key: SigningKey, endorsements: string[]): Record<string, unknown> {
  const exported = key.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n: exported.n, e: exported.e, endorsements };
}
