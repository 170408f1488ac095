// Checks, before polling, what would otherwise fail every workflow task later: the custom search
// attributes the incident workflow upserts must exist in the namespace.
import type { Connection } from '@temporalio/client';
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
