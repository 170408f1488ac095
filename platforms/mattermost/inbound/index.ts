// Mattermost inside the api process: three routes the Mattermost server calls. POST
// /mattermost/command takes the slash commands (form posts carrying the command's token), POST
// /mattermost/actions the alert's buttons (JSON carrying the button's signed context) and POST
// /mattermost/dialogs the hand-off and resolve dialogs (JSON carrying the signed dialog state).
// Anything not authenticated gets 401 before anything is acted on. Secrets are read here, once,
// and a missing one stops the start naming the variable or file, never a value.
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../../config/schema';
import type { MattermostConfig } from '../config';
import { readSecret, formatPath } from '../../../config/load';
import type { SecretRef } from '../../../config/schema';
import { ACTIONS_PATH, COMMAND_PATH, DIALOGS_PATH } from '../shared/actions';
import { MattermostClient } from '../shared/client';
import { MattermostDirectory } from './directory';
import { createHandlers, type HttpAnswer } from './handlers';
import { CommandTokens } from './verify';
import type { InboundPlatform } from '../../seams';

export { ACTIONS_PATH, COMMAND_PATH, DIALOGS_PATH };

export interface MattermostDeps {
  config: Config;
  client: Client;
  env: NodeJS.ProcessEnv;
}

export class MattermostConfigError extends Error {
  override name = 'MattermostConfigError';
}

const BODY_LIMIT = 256 * 1024;

function secret(ref: SecretRef | undefined, path: (string | number)[], env: NodeJS.ProcessEnv): string {
  const where = formatPath(['platforms', 'mattermost', ...path]);
  if (!ref) throw new MattermostConfigError(`${where} is required when Mattermost is enabled`);
  try {
    return readSecret(ref, env);
  } catch (err) {
    throw new MattermostConfigError(`${where}: ${(err as Error).message}`);
  }
}

export function registerMattermost(app: FastifyInstance, deps: MattermostDeps): void {
  const cfg: MattermostConfig | undefined = deps.config.platforms.mattermost;
  if (!cfg?.enabled) return;
  if (!cfg.url) throw new MattermostConfigError('platforms.mattermost.url is required when Mattermost is enabled');
  const tokens = new CommandTokens(cfg.commandTokens.map((ref, i) => secret(ref, ['commandTokens', i], deps.env)));
  const client = new MattermostClient({ url: cfg.url, token: secret(cfg.botToken, ['botToken'], deps.env), timeoutMs: cfg.requestTimeout });
  const handlers = createHandlers({
    config: deps.config,
    temporal: deps.client,
    client,
    directory: new MattermostDirectory(deps.config, client, cfg.lookupUsersByEmail),
    actionSecret: secret(cfg.actionSecret, ['actionSecret'], deps.env),
    // Read per request: the address may be set after the config was loaded (e.g. once the api listens).
    dialogsUrl: () => `${(cfg.actionsUrl ?? deps.config.api.publicUrl ?? '').replace(/\/+$/, '')}${DIALOGS_PATH}`,
    log: app.log,
  });
  const send = (reply: { code(n: number): { send(b: unknown): unknown } }, a: HttpAnswer) => reply.code(a.status).send(a.body);
  if (!cfg.teamId) app.log.warn('platforms.mattermost.teamId is not set: commands and buttons from every team on the server are accepted. Set it to pin the integration to one team.');
  // Mattermost sends the team of the channel; direct messages have none (user ids are server-wide).
  const wrongTeam = (teamId: unknown, log: { warn(o: object, m: string): void }): string | undefined => {
    if (!cfg.teamId || typeof teamId !== 'string' || teamId === '' || teamId === cfg.teamId) return undefined;
    log.warn({ teamId }, 'refused a Mattermost request from another team');
    return `This integration serves Mattermost team ${cfg.teamId} only; this request came from team ${teamId}, so nothing was changed.`;
  };
  const body = (b: unknown): Record<string, unknown> => (b && typeof b === 'object' ? (b as Record<string, unknown>) : {});

  void app.register(async (scope) => {
    // Slash commands arrive form-encoded; the rest of the api has no form parser.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post(COMMAND_PATH, async (req, reply) => {
      const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
      const header = req.headers.authorization;
      const verified = tokens.verify(Array.isArray(header) ? header[0] : header, form.get('token') ?? undefined);
      if (!verified.ok) {
        req.log.warn({ reason: verified.reason }, 'refused a Mattermost slash command');
        return reply.code(401).send({ error: { code: 'invalid_command_token', message: `Mattermost command refused: ${verified.reason}.` } });
      }
      const refused = wrongTeam(form.get('team_id'), req.log);
      if (refused) return reply.send({ response_type: 'ephemeral', text: refused });
      return send(reply, await handlers.command(form));
    });
    scope.post(ACTIONS_PATH, async (req, reply) => {
      const refused = wrongTeam(body(req.body).team_id, req.log);
      return refused ? reply.send({ ephemeral_text: refused }) : send(reply, await handlers.action(req.body));
    });
    scope.post(DIALOGS_PATH, async (req, reply) => {
      const refused = wrongTeam(body(req.body).team_id, req.log);
      return refused ? reply.send({ error: refused }) : send(reply, await handlers.dialog(req.body));
    });
  });
}

export const mattermostInbound: InboundPlatform = { register: (app, deps) => registerMattermost(app, deps) };
