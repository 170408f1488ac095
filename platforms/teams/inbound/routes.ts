// POST /teams/messages: the bot's messaging endpoint (set it in the Azure Bot registration). Every
// request must carry a Bot Framework JWT for this app; only `allowUnauthenticated: true` turns the
// check off, for local development with the Bot Framework Emulator, and says so loudly at start.
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../../config/schema';
import { readSecret } from '../../../config/load';
import { createTeamsBot } from './bot';
import { createTeamsHandler } from './handler';
import type { InboundPlatform } from '../../seams';

export const TEAMS_MESSAGES_PATH = '/teams/messages';

export interface TeamsRouteDeps {
  config: Config;
  client: Client;
  /** Where the app password secret is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export function registerTeams(app: FastifyInstance, deps: TeamsRouteDeps): void {
  const t = deps.config.platforms.teams;
  if (!t?.enabled) return;
  // Read at start: a missing secret must stop the api, naming the variable or file.
  const password = t.appPassword ? readSecret(t.appPassword, deps.env ?? process.env) : undefined;
  if (t.allowUnauthenticated) {
    const warning =
      `WARNING: platforms.teams.allowUnauthenticated is true: ${TEAMS_MESSAGES_PATH} accepts requests WITHOUT a Bot Framework token, ` +
      'so anyone who can reach it can act as any Teams user. Use this for local development only.';
    app.log.warn(warning);
    process.stderr.write(`\n${'!'.repeat(100)}\n${warning}\n${'!'.repeat(100)}\n\n`);
  }
  if (!t.tenantId && !t.allowUnauthenticated)
    app.log.warn(
      'platforms.teams.tenantId is not set: Teams activities from any tenant that installs the bot are accepted. Set it to pin the bot to your tenant.',
    );
  const bot = createTeamsBot(t, password, createTeamsHandler({ config: deps.config, client: deps.client, log: app.log }), app.log);
  app.post(TEAMS_MESSAGES_PATH, async (req, reply) => {
    const result = await bot.process(req.body, req.headers.authorization);
    return result.body === undefined ? reply.code(result.status).send() : reply.code(result.status).send(result.body);
  });
}

export const teamsInbound: InboundPlatform = { register: (app, deps) => registerTeams(app, deps) };
