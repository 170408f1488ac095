// The only file that knows botbuilder: the CloudAdapter authenticates each request Teams sends
// (a Bot Framework JWT, checked against the configured OpenID metadata, issuer, app id and the
// activity's serviceUrl) and runs the turn; replies go back through the Bot Connector with the
// bot's own token. Moving to the Microsoft 365 Agents SDK means rewriting this file only: the
// handler sees a plain activity and a reply function.
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationError, ServiceClientCredentialsFactory } from 'botframework-connector';
import type { TeamsConfig } from '../config';
import { teamsLoginUrl, teamsTokenClient } from '../shared/auth';
import type { TokenClient } from '../shared/connector';
import type { TeamsActivity, TeamsTurnHandler } from './handler';

type Credentials = Awaited<ReturnType<ServiceClientCredentialsFactory['createCredentials']>>;

/**
 * App credentials from the config. Tokens come from our client-credentials client, which (unlike
 * botbuilder's MSAL-based one) honours a configured non-HTTPS login URL such as a test fake.
 */
class ConfiguredCredentials extends ServiceClientCredentialsFactory {
  constructor(
    private readonly t: TeamsConfig,
    private readonly tokens: TokenClient,
  ) {
    super();
  }
  async isValidAppId(appId: string): Promise<boolean> {
    return !!this.t.appId && appId === this.t.appId;
  }
  async isAuthenticationDisabled(): Promise<boolean> {
    return this.t.allowUnauthenticated;
  }
  async createCredentials(): Promise<Credentials> {
    const tokens = this.tokens;
    return {
      async signRequest(request) {
        const token = await tokens.getToken();
        if (token) request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    };
  }
}

class TeamsCloudAdapter extends CloudAdapter {
  run(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
  }
}

export interface BotResponse {
  status: number;
  body?: unknown;
}

export interface TeamsBot {
  /** Authenticates and processes one request body from Teams; never throws. */
  process(body: unknown, authorization: string | undefined): Promise<BotResponse>;
}

const isAuthFailure = (err: unknown) =>
  err instanceof AuthenticationError || ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'].includes((err as Error)?.name);

export function createTeamsBot(t: TeamsConfig, password: string | undefined, handler: TeamsTurnHandler, log: { error(obj: object, msg: string): void }): TeamsBot {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: t.appId ?? '',
    MicrosoftAppTenantId: t.tenantId ?? '',
    ToBotFromChannelOpenIdMetadataUrl: t.endpoints.openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: t.endpoints.tokenIssuer,
    ToChannelFromBotLoginUrl: teamsLoginUrl(t),
    ToChannelFromBotOAuthScope: t.endpoints.oauthScope,
    // The emulator path stays pointed at the same metadata: nothing else may sign for this bot.
    ToBotFromEmulatorOpenIdMetadataUrl: t.endpoints.openIdMetadataUrl,
    // The user-token service (OAuth sign-in cards); unused, the bot never signs users in.
    OAuthUrl: t.endpoints.oauthScope,
    ValidateAuthority: true,
  };
  const auth = new ConfigurationBotFrameworkAuthentication(options, new ConfiguredCredentials(t, teamsTokenClient(t, password)));
  const adapter = new TeamsCloudAdapter(auth);

  return {
    async process(body, authorization) {
      if (!body || typeof body !== 'object' || typeof (body as { type?: unknown }).type !== 'string')
        return { status: 400, body: { error: { code: 'bad_activity', message: 'The body must be a Bot Framework activity (JSON with a "type").' } } };
      const activity = body as Activity;
      try {
        const invoke = await adapter.run(authorization ?? '', activity, async (context) => {
          const result = await handler(context.activity as unknown as TeamsActivity, {
            reply: async (reply) => {
              await context.sendActivity(reply as Partial<Activity>);
            },
            thread: async (rootId, reply) => {
              // Teams addresses a channel thread as `<channel>;messageid=<root>`; sent as is, not as a reply to this activity.
              const a = context.activity;
              const conversation = { ...a.conversation, id: `${a.conversation.id.split(';')[0]};messageid=${rootId}` };
              await context.adapter.sendActivities(context, [{ ...(reply as Partial<Activity>), serviceUrl: a.serviceUrl, channelId: a.channelId, conversation, from: a.recipient, recipient: a.from }]);
            },
          });
          if (result) await context.sendActivity({ type: 'invokeResponse', value: { status: result.status, body: result.body } });
        });
        return invoke ? { status: invoke.status, body: invoke.body } : { status: 200 };
      } catch (err) {
        if (isAuthFailure(err)) return { status: 401, body: { error: { code: 'unauthorized', message: 'The request does not carry a valid Bot Framework token for this bot.' } } };
        // Name and message only: client errors can carry the request, Authorization header included.
        log.error({ error: { name: (err as Error)?.name, message: (err as Error)?.message, statusCode: (err as { statusCode?: number })?.statusCode } }, 'Teams activity failed');
        return { status: 500, body: { error: { code: 'internal_error', message: 'The bot failed to handle the activity; its log has the details.' } } };
      }
    },
  };
}
