// Workspace pinning: the signing secret proves a request comes from Slack for *this app*, not from
// *this workspace*. An app installed in a second workspace (or distributed) gets validly signed
// requests whose user ids mean other people, so every request must name the pinned workspace
// (team) and, on Enterprise Grid, the pinned organization. Pure, so each payload shape is tested.

export interface SlackWorkspace {
  teamId?: string;
  enterpriseId?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The workspace a request comes from, for slash commands (form), interactions and Events API bodies. */
export function workspaceOf(body: Record<string, any>): SlackWorkspace {
  const auth = Array.isArray(body.authorizations) ? (body.authorizations[0] as Record<string, unknown> | undefined) : undefined;
  return {
    teamId: str(body.team_id) ?? str(body.team?.id) ?? str(body.view?.team_id) ?? str(auth?.team_id) ?? str(body.user?.team_id),
    enterpriseId: str(body.enterprise_id) ?? str(body.enterprise?.id) ?? str(auth?.enterprise_id),
  };
}

/** Why a request from `seen` is refused under `pin`, or undefined when it may proceed. */
export function workspaceRefusal(pin: SlackWorkspace, seen: SlackWorkspace): string | undefined {
  if (pin.enterpriseId && seen.enterpriseId !== pin.enterpriseId)
    return `This app serves Slack organization ${pin.enterpriseId} only; this request came from ${seen.enterpriseId ? `organization ${seen.enterpriseId}` : 'outside any organization'}, so nothing was changed.`;
  if (pin.teamId && seen.teamId !== pin.teamId)
    return `This app serves Slack workspace ${pin.teamId} only; this request came from ${seen.teamId ? `workspace ${seen.teamId}` : 'no workspace'}, so nothing was changed.`;
  return undefined;
}

/**
 * The pin: what the config names (platforms.slack.teamId / enterpriseId), else the workspace the
 * bot token belongs to (auth.test), so an unpinned config is still safe. An org-wide install
 * pins the organization. Undefined when neither is known: callers then refuse (never fail open).
 */
export function pinFrom(configured: SlackWorkspace, bot?: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): SlackWorkspace | undefined {
  if (configured.teamId || configured.enterpriseId) return configured;
  if (bot?.isEnterpriseInstall && bot.enterpriseId) return { enterpriseId: bot.enterpriseId };
  if (bot?.teamId) return { teamId: bot.teamId, enterpriseId: bot.enterpriseId };
  return undefined;
}

export const UNKNOWN_PIN = 'The Slack workspace of this app could not be confirmed (auth.test failed), so nothing was changed; try again in a moment.';
