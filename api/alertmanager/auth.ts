// Who may post Alertmanager notifications: what Alertmanager's http_config sends. A bearer token
// (`authorization: {credentials}`) is an api token (api.tokens, any of them may report anomalies);
// basic auth (`basic_auth: {username, password}`) is the pair under intake.alertmanager.basicAuth.
// The password is read once at start and kept as a digest, compared in constant time like tokens.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/schema';
import { readSecret } from '../../config/load';
import { AuthConfigError, type TokenAuthenticator } from '../auth';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The expected `user:password` digest, or undefined when basic auth is not configured. */
export function basicAuthDigest(config: Config, env: NodeJS.ProcessEnv): Buffer | undefined {
  const basic = config.intake.alertmanager.basicAuth;
  if (!basic) return undefined;
  let password: string;
  try {
    password = readSecret(basic.password, env);
  } catch (err) {
    throw new AuthConfigError(`intake.alertmanager.basicAuth.password: ${(err as Error).message}`);
  }
  if (password.length < 16) throw new AuthConfigError('intake.alertmanager.basicAuth.password is shorter than 16 characters; use a long random value (e.g. openssl rand -hex 32)');
  return digest(`${basic.username}:${password}`);
}

/** The caller's name for logs (never a secret), or undefined when the credentials are not accepted. */
export function alertmanagerCaller(header: string | undefined, tokens: TokenAuthenticator, basic: Buffer | undefined): string | undefined {
  if (!header) return undefined;
  const principal = tokens.authenticate(header);
  if (principal) return principal.actor.via;
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m || !basic) return undefined;
  const pair = Buffer.from(m[1]!, 'base64').toString('utf8');
  return timingSafeEqual(digest(pair), basic) ? `alertmanager:${pair.slice(0, pair.indexOf(':'))}` : undefined;
}

/** 401 in words that point at the Alertmanager receiver's http_config. */
export function alertmanagerAuthHook(tokens: TokenAuthenticator, basic: Buffer | undefined) {
  const accepted = basic
    ? 'an api token ("authorization: {credentials: <token>}" in the receiver\'s http_config) or the basic auth pair of intake.alertmanager.basicAuth'
    : 'an api token ("authorization: {credentials: <token>}" in the receiver\'s http_config; tokens are configured under api.tokens)';
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const caller = alertmanagerCaller(req.headers.authorization, tokens, basic);
    if (caller) {
      req.alertmanagerCaller = caller;
      return;
    }
    const realm = basic ? 'Bearer realm="k8s-incident-flow", Basic realm="k8s-incident-flow"' : 'Bearer realm="k8s-incident-flow"';
    const sent = req.headers.authorization ? 'The credentials sent are not accepted' : 'No credentials were sent';
    return reply.code(401).header('www-authenticate', realm).send({ error: { code: 'unauthorized', message: `${sent}: send ${accepted}.` } });
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    alertmanagerCaller?: string;
  }
}
