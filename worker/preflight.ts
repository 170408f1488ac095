// Checks, before polling, what would otherwise fail every workflow task later: the custom search
// attributes the incident workflow upserts must exist in the namespace, and the chat platforms'
// tokens must work with the scopes they need. Also advice on settings that work but leave a known
// gap open.
import type { Connection } from '@temporalio/client';
import type { Config } from '../config/schema';
import { SEARCH_ATTRIBUTE_NAMES } from '../workflows/definitions';
import { outboundAdvice, outboundStartupChecks } from '../platforms/outbound';

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
  return outboundAdvice(config);
}

/**
 * Start-up checks of the enabled chat platforms (each platform's outbound side, platforms/outbound.ts): `fatal` says why the worker must not start, `notes` what works with a gap.
 */
export async function chatStartupChecks(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<{ fatal: string[]; notes: string[] }> {
  return outboundStartupChecks(config, env);
}
