// The bot's own tokens, as both sides need them: the worker to post through the Bot Connector,
// the api to answer (botbuilder's credentials) and to read the configured authority.
import { TEAMS_DEFAULTS, type TeamsConfig } from '../config';
import { TokenClient } from './connector';

/** The authority the bot's tokens come from: the configured one, else the tenant's, else Bot Framework's. */
export function teamsLoginUrl(t: TeamsConfig): string {
  return t.endpoints.loginUrl ?? `${TEAMS_DEFAULTS.loginBaseUrl}/${t.tenantId ?? 'botframework.com'}`;
}

export function teamsTokenClient(t: TeamsConfig, password?: string): TokenClient {
  return new TokenClient({ appId: t.appId, password, loginUrl: teamsLoginUrl(t), oauthScope: t.endpoints.oauthScope, timeoutMs: t.requestTimeout });
}
