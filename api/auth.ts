// Bearer tokens for REST and anomaly intake. Secrets are read once at start (environment or mounted
// file, never the config file) and kept only as SHA-256 digests; a presented token is hashed and
// compared against every digest with timingSafeEqual, so neither the match nor its position leaks
// through timing.
import { hash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/schema';
import { readSecret } from '../config/load';
import type { Actor } from '../workflows/definitions';
import { narrowByToken } from '../workflows/policy/scope';
import { actorForPerson, findPerson } from './identity';

export interface Principal {
  actor: Actor;
  /** Name of the token used (never its value), for logs and `via`. */
  tokenName: string;
  /** True for tokens not bound to a person: they may read and send anomalies, not act on incidents. */
  service: boolean;
}

export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}

interface Entry {
  digest: Buffer;
  principal: Principal;
}

// One-shot hash: about half the cost of createHash per request (it runs on every authenticated call).
const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

export class TokenAuthenticator {
  private constructor(private readonly entries: Entry[]) {}

  /** Reads every configured token secret; throws naming the token and the source, never a value. */
  static fromConfig(config: Config, env: NodeJS.ProcessEnv = process.env): TokenAuthenticator {
    const entries: Entry[] = [];
    const seen = new Map<string, string>();
    for (const t of config.api.tokens) {
      let value: string;
      try {
        value = readSecret(t.token, env);
      } catch (err) {
        throw new AuthConfigError(`api.tokens "${t.name}": ${(err as Error).message}`);
      }
      if (value.length < 16) throw new AuthConfigError(`api.tokens "${t.name}": the token is shorter than 16 characters; use a long random value (e.g. openssl rand -hex 32)`);
      const d = digest(value);
      const hex = d.toString('hex');
      if (seen.has(hex)) throw new AuthConfigError(`api.tokens "${t.name}" has the same secret as "${seen.get(hex)}"; give each token its own secret`);
      seen.set(hex, t.name);
      const via = `api:${t.name}`;
      let principal: Principal;
      if (t.person) {
        const person = findPerson(config, t.person);
        if (!person) throw new AuthConfigError(`api.tokens "${t.name}": unknown person "${t.person}"`);
        const actor = actorForPerson(person, via);
        principal = { actor: t.grants ? { ...actor, ...narrowByToken(actor, t.grants) } : actor, tokenName: t.name, service: false };
      } else {
        principal = { actor: { personId: null, roles: [...(t.roles ?? [])], via, display: `${t.name} (service token)` }, tokenName: t.name, service: true };
      }
      entries.push({ digest: d, principal });
    }
    return new TokenAuthenticator(entries);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal for an `Authorization` header value, or undefined when missing or unknown. */
  authenticate(header: string | undefined): Principal | undefined {
    const m = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    if (!m) return undefined;
    const presented = digest(m[1]!);
    let found: Principal | undefined;
    // No early exit: every comparison runs whatever matches.
    for (const e of this.entries) {
      if (timingSafeEqual(presented, e.digest) && !found) found = e.principal;
    }
    return found;
  }
}
