// Checks, before polling, what would otherwise fail every workflow task later: the custom search
// attributes the incident workflow upserts must exist in the namespace, and the chat platforms'
// tokens must work with the scopes they need. Also advice on settings that work but leave a known
// gap open.
import type { Connection } from '@temporalio/client';
import type { Config } from '../config/schema';
import { SEARCH_ATTRIBUTE_NAMES } from '../workflows/definitions';
import type { StartupCheck } from '../activities/chat/startup';
import { slackChatOptions } from '../platforms/slack/outbound/adapter';
import { checkSlackScopes } from '../platforms/slack/outbound/scopes';
import { mattermostChatOptions } from '../platforms/mattermost/outbound/adapter';
import { checkMattermostAccess } from '../platforms/mattermost/outbound/startup';

export async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(customAttributes ?? {}));
  return SEARCH_ATTRIBUTE_NAMES.filter((n) => !have.has(n));
}

export function missingSearchAttributesMessage(namespace: string, missing: string[]): string {
  const commands = missing.map((n) => `  temporal operator search-attribute create --namespace ${namespace} --name ${n} --type Keyword`);
  return [`Temporal namespace "${namespace}" lacks the search attributes ${missing.join(', ')}. Register them once, e.g.:`, ...commands].join('\n');
}

/** Advice printed at start for settings that work but leave a known gap open. */
export function startupAdvice(config: Config): string[] {
  const out: string[] = [];
  const teams = config.platforms.teams;
  if (teams?.enabled && !teams.graph.enabled)
    out.push(
      'Teams: a worker that dies after Teams accepted a card and before the answer arrived will post it again on retry; set platforms.teams.graph.enabled (docs/platforms/teams.md) so the retry finds it',
    );
  return out;
}

/** Channels the routing sends alerts to on one platform. */
function routedChannels(config: Config, platform: string): string[] {
  const routes = [...config.routing.rules, config.routing.default];
  return routes.flatMap((r) => r.channels.filter((c) => c.platform === platform).map((c) => c.channel));
}

/**
 * Start-up checks of the enabled chat platforms (one cheap call each, plus one per routed
 * Mattermost channel): `fatal` says why the worker must not start, `notes` what works with a gap.
 */
export async function chatStartupChecks(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<{ fatal: string[]; notes: string[] }> {
  const checks: StartupCheck[] = [];
  const slack = config.platforms.slack;
  if (slack?.enabled) {
    const dms = slack.lookupUsersByEmail || config.people.some((p) => !!p.chat?.slack);
    checks.push(await checkSlackScopes(slackChatOptions(slack, env), { dms, lookupUsersByEmail: slack.lookupUsersByEmail }));
  }
  const mattermost = config.platforms.mattermost;
  if (mattermost?.enabled) {
    const opts = mattermostChatOptions(mattermost, () => config, env);
    checks.push(await checkMattermostAccess(opts, routedChannels(config, 'mattermost')));
  }
  return { fatal: checks.flatMap((c) => (c.fatal ? [c.fatal] : [])), notes: checks.flatMap((c) => c.notes) };
}
