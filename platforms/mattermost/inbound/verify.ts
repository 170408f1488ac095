// Slash-command tokens. Mattermost gives each slash command its own token and sends it twice: in
// `Authorization: Token <token>` and in the form's `token` field. Every token presented must be one
// of the configured ones; each is hashed and compared against every configured digest with
// timingSafeEqual, so neither a match nor its position leaks through timing. Values are kept only
// as digests and never logged.
import { createHash, timingSafeEqual } from 'node:crypto';

export type Verification = { ok: true } | { ok: false; reason: string };

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export class CommandTokens {
  private readonly digests: Buffer[];

  constructor(tokens: string[]) {
    this.digests = tokens.map(digest);
  }

  /** `authorization` is the raw header; `formToken` the form's `token` field. */
  verify(authorization: string | undefined, formToken: string | undefined): Verification {
    const header = authorization === undefined ? undefined : /^Token\s+(\S+)$/i.exec(authorization)?.[1];
    if (authorization !== undefined && header === undefined) return { ok: false, reason: 'the Authorization header is not "Token <command token>"' };
    const presented = [header, formToken].filter((t): t is string => t !== undefined && t !== '');
    if (presented.length === 0) return { ok: false, reason: 'no command token was sent' };
    for (const token of presented) if (!this.known(token)) return { ok: false, reason: 'the command token is not one of platforms.mattermost.commandTokens' };
    return { ok: true };
  }

  private known(token: string): boolean {
    const d = digest(token);
    // Compare against all of them, so the time does not depend on which one matched.
    let found = false;
    for (const known of this.digests) found = timingSafeEqual(known, d) || found;
    return found;
  }
}
