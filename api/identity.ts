// Who is acting. The platform (or the api token, or the local chat session) tells us the user; the
// roster in the config tells us which person that is. A name typed in a message is never identity:
// it is at most a handoff *target*, resolved here against the same roster.
import type { Config, Person } from '../config/schema';
import type { Actor, Grant, Role } from '../workflows/definitions';
import { PLATFORM_NAMES } from '../platforms/registry';

/** Where an actor comes from: a chat platform (platforms/registry.ts) or an api token. */
export const PLATFORMS = [...PLATFORM_NAMES, 'api'] as const;
export type Platform = (typeof PLATFORMS)[number];

export function findPerson(config: Config, personId: string): Person | undefined {
  return config.people.find((p) => p.id === personId);
}

/** The roster person behind a platform user; `api` identities are person ids. */
export function personForPlatformUser(config: Config, platform: Platform, platformUserId: string): Person | undefined {
  if (platform === 'api') return findPerson(config, platformUserId);
  return config.people.find((p) => p.chat[platform] !== undefined && p.chat[platform] === platformUserId);
}

export function actorForPerson(person: Person, via: string): Actor {
  // `grants` only when configured, so actors (and histories) of unscoped people look as before.
  const grants = person.grants ? { grants: person.grants.map((g) => ({ ...g })) } : {};
  return { personId: person.id, roles: [...person.roles], ...grants, via, display: person.name };
}

/** Maps a platform-verified user to an Actor; unknown users act with no roles (the workflow refuses them). */
export function actorFor(config: Config, platform: Platform, platformUserId: string): Actor {
  const via = `${platform}:${platformUserId}`;
  const person = personForPlatformUser(config, platform, platformUserId);
  if (person) return actorForPerson(person, via);
  return { personId: null, roles: [], via, display: platformUserId };
}

/** person id -> display name, for rendering. */
export function displayNames(config: Config): Record<string, string> {
  return Object.fromEntries(config.people.map((p) => [p.id, p.name]));
}

export function platformOf(actor: Actor): Platform {
  const prefix = actor.via.split(':', 1)[0] as Platform;
  return (PLATFORMS as readonly string[]).includes(prefix) ? prefix : 'api';
}

export interface HandoffTarget {
  /** Roster person id, or null when nobody matches (the workflow refuses and records it). */
  to: string | null;
  /** What the caller asked for, for the refusal message and the audit trail. */
  toRequested: string;
  /** The target's roles and grants now: the workflow refuses a target who may not act on the incident. */
  toAccess?: { roles: Role[]; grants?: Grant[] };
}

/**
 * Resolves a handoff target as typed: `bob`, `@bob`, or a platform mention such as `<@U123>` /
 * `<@U123|bob>`. Person ids win over platform names so `@carol` always means roster person carol.
 */
export function resolveHandoffTarget(config: Config, platform: Platform, raw: string): HandoffTarget {
  const toRequested = raw.trim();
  let name = toRequested;
  const mention = /^<@([^>|]+)(?:\|[^>]*)?>$/.exec(name);
  if (mention) name = mention[1]!;
  name = name.replace(/^@+/, '');
  if (!name) return { to: null, toRequested };
  const person = findPerson(config, name) ?? findPerson(config, name.toLowerCase()) ?? (platform === 'api' ? undefined : personForPlatformUser(config, platform, name));
  if (!person) return { to: null, toRequested };
  return { to: person.id, toRequested, toAccess: { roles: [...person.roles], ...(person.grants ? { grants: person.grants.map((g) => ({ ...g })) } : {}) } };
}
