// Slack inside the api process: a Bolt app whose receiver is either this fastify server
// (http mode: POST /slack/events, signed requests) or a Socket Mode connection (socket mode: the
// api dials out with the app token, useful behind firewalls). Secrets are read here, once, and a
// missing one stops the start naming the variable or file, never a value.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { App, Receiver } from '@slack/bolt';
import { LogLevel, type Logger } from '@slack/web-api';
import type { Config } from '../../../config/schema';
import type { SlackConfig } from '../config';
import { readSecret } from '../../../config/load';
import { slackWebClient } from '../shared/client';
import { SlackDirectory } from './directory';
import { registerListeners } from './listeners';
import { FastifyReceiver, SLACK_EVENTS_PATH } from './receiver';
import { pinFrom, UNKNOWN_PIN, workspaceRefusal } from './workspace';
import type { InboundPlatform } from '../../seams';

export { SLACK_EVENTS_PATH };

export interface SlackDeps {
  config: Config;
  client: Client;
  env: NodeJS.ProcessEnv;
}

export class SlackConfigError extends Error {
  override name = 'SlackConfigError';
}

function secret(cfg: SlackConfig, key: 'botToken' | 'signingSecret' | 'appToken', env: NodeJS.ProcessEnv): string {
  const ref = cfg[key];
  if (!ref) throw new SlackConfigError(`platforms.slack.${key} is required in ${cfg.mode} mode`);
  try {
    return readSecret(ref, env);
  } catch (err) {
    throw new SlackConfigError(`platforms.slack.${key}: ${(err as Error).message}`);
  }
}

/** Bolt's logger interface over the api's logger; debug output (which may hold payloads) is dropped. */
function boltLogger(log: FastifyBaseLogger): Logger {
  let level = LogLevel.INFO;
  return {
    debug: () => undefined,
    info: (...m: unknown[]) => log.info({ slack: true }, m.map(String).join(' ')),
    warn: (...m: unknown[]) => log.warn({ slack: true }, m.map(String).join(' ')),
    error: (...m: unknown[]) => log.error({ slack: true }, m.map(String).join(' ')),
    setLevel: (l: LogLevel) => (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}

export async function registerSlack(app: FastifyInstance, deps: SlackDeps): Promise<void> {
  const cfg = deps.config.platforms.slack;
  if (!cfg?.enabled) return;
  const botToken = secret(cfg, 'botToken', deps.env);
  const web = slackWebClient(botToken, { slackApiUrl: cfg.slackApiUrl, timeoutMs: cfg.requestTimeout });
  const logger = boltLogger(app.log);
  // Bolt is loaded only when Slack is on: the api starts faster without it.
  const bolt = await import('@slack/bolt');

  // The bot's own identity, asked once (and again after a failure) instead of on every event.
  type BotIdentity = { botUserId?: string; botId?: string; teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean };
  let identity: Promise<BotIdentity> | undefined;
  const whoAmI = (): Promise<BotIdentity> => {
    identity ??= web.auth.test().then((r) => ({ botUserId: r.user_id, botId: r.bot_id, teamId: r.team_id, enterpriseId: r.enterprise_id, isEnterpriseInstall: r.is_enterprise_install }));
    return identity.catch((err: unknown) => {
      identity = undefined;
      throw err;
    });
  };
  const configured = { teamId: cfg.teamId, enterpriseId: cfg.enterpriseId };
  const pin = async () => pinFrom(configured, configured.teamId || configured.enterpriseId ? undefined : await whoAmI());

  let receiver: Receiver;
  if (cfg.mode === 'socket') {
    receiver = new bolt.SocketModeReceiver({ appToken: secret(cfg, 'appToken', deps.env), logger, installerOptions: { clientOptions: { slackApiUrl: cfg.slackApiUrl } } });
  } else {
    const http = new FastifyReceiver(secret(cfg, 'signingSecret', deps.env), app.log, pin);
    http.register(app);
    receiver = http;
  }

  // Bolt asks this for every request: the workspace pin is checked here too, which covers Socket
  // Mode (no HTTP receiver in front) and stands behind the receiver's check in http mode.
  const authorize = async (source: { teamId?: string; enterpriseId?: string }) => {
    const me = await whoAmI();
    const pinned = pinFrom(configured, me);
    const refused = pinned ? workspaceRefusal(pinned, { teamId: source.teamId, enterpriseId: source.enterpriseId }) : UNKNOWN_PIN;
    if (refused) {
      app.log.warn({ workspace: source, reason: refused }, 'refused a Slack request from another workspace');
      throw new Error(refused);
    }
    return { botToken, botUserId: me.botUserId, botId: me.botId, teamId: me.teamId };
  };

  const boltApp: App = new bolt.App({
    receiver,
    authorize,
    logger,
    clientOptions: { slackApiUrl: cfg.slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: cfg.requestTimeout },
  });
  boltApp.error(async (err) => {
    app.log.error({ err: { message: err.message, code: (err as { code?: string }).code } }, 'Slack listener failed');
  });
  registerListeners(boltApp, { config: deps.config, temporal: deps.client, web, directory: new SlackDirectory(deps.config, web, cfg.lookupUsersByEmail), log: app.log });

  if (cfg.mode === 'socket') app.addHook('onReady', async () => void (await boltApp.start()));
  app.addHook('onClose', async () => void (await boltApp.stop()));
}

export const slackInbound: InboundPlatform = { register: (app, deps) => registerSlack(app, deps) };
