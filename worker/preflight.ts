// Checks, before polling, what would otherwise fail every workflow task later: the custom search
// attributes the incident workflow upserts must exist in the namespace. Also advice on settings
// that work but leave a known gap open.
import type { Connection } from '@temporalio/client';
import type { Config } from '../config/schema';
import { SEARCH_ATTRIBUTE_NAMES } from '../workflows/definitions';

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
      'Teams: a worker that dies after Teams accepted a card and before the answer arrived will post it again on retry; set platforms.teams.graph.enabled (README "Microsoft Teams") so the retry finds it',
    );
  return out;
}
