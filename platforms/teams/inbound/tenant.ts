// Tenant pinning: a Bot Framework token proves Teams sent the activity to this bot, not that it
// comes from this organization's tenant (a multi-tenant bot can be installed anywhere), and roster
// ids mean people only inside the configured tenant. Pinned whenever a tenant is configured;
// without one the api warns at start (see routes.ts).
import type { Config } from '../../../config/schema';

interface TenantCarrier {
  conversation?: { tenantId?: string };
  channelData?: { tenant?: { id?: string } };
}

/** platforms.teams.tenantId plus the tenants named by configured channels. Empty = not pinned. */
export function pinnedTenants(config: Config): Set<string> {
  const t = config.platforms.teams;
  const set = new Set<string>();
  if (t?.tenantId) set.add(t.tenantId);
  for (const c of Object.values(t?.channels ?? {})) if (c.tenantId) set.add(c.tenantId);
  return set;
}

/** Teams sends the tenant on the conversation and in channelData; both must agree with the pin. */
export function tenantOf(activity: TenantCarrier): string | undefined {
  return activity.conversation?.tenantId ?? activity.channelData?.tenant?.id;
}

export function tenantRefusal(pinned: Set<string>, activity: TenantCarrier): string | undefined {
  if (!pinned.size) return undefined;
  const seen = [activity.conversation?.tenantId, activity.channelData?.tenant?.id].filter((x): x is string => !!x);
  if (seen.length && seen.every((t) => pinned.has(t))) return undefined;
  const from = seen.length ? `tenant ${seen.find((t) => !pinned.has(t))}` : 'no tenant';
  return `This bot serves Microsoft Teams tenant ${[...pinned].join(', ')} only; this request came from ${from}, so nothing was changed.`;
}
