// The escalation ladder as pure functions: where paging goes next and who a level pages now.
// The workflow keeps only the position; the config may change while an incident runs, so targets
// are resolved from the current config each time a level is paged.
import type { Config, EscalationLevel, EscalationPolicy } from '../../config/schema';
import { onCallAt } from './oncall';

export interface EscalationPosition {
  /** 1-based level in the policy. */
  level: number;
  /** How many times the whole ladder has been walked before this pass (0 on the first pass). */
  repeat: number;
}

export type EscalationTarget = EscalationLevel['targets'][number];

export interface PageTarget {
  personId: string;
  name: string;
}

export function firstPosition(): EscalationPosition {
  return { level: 1, repeat: 0 };
}

/** The position after `pos` times out, or null when the ladder (with its repeats) is exhausted. */
export function nextPosition(policy: EscalationPolicy, pos: EscalationPosition): EscalationPosition | null {
  if (pos.level < policy.levels.length) return { level: pos.level + 1, repeat: pos.repeat };
  if (pos.repeat < policy.repeat) return { level: 1, repeat: pos.repeat + 1 };
  return null;
}

/** The config of a 1-based level; throws when the level is not in the policy. */
export function levelAt(policy: EscalationPolicy, level: number): EscalationLevel {
  const found = Number.isInteger(level) && level >= 1 ? policy.levels[level - 1] : undefined;
  if (!found) {
    throw new RangeError(
      `Escalation policy "${policy.id}" has levels 1 to ${policy.levels.length}; level ${level} does not exist.`,
    );
  }
  return found;
}

/**
 * The people a level pages at `atMs`: schedules resolve to whoever is on call, persons directly.
 * Duplicates are dropped (first mention wins) and ids missing from the roster are skipped, so a
 * stale reference never pages nobody by crashing. An empty result means nobody is reachable.
 */
export function resolveTargets(cfg: Config, policy: EscalationPolicy, level: number, atMs: number): PageTarget[] {
  const out: PageTarget[] = [];
  const seen = new Set<string>();
  for (const target of levelAt(policy, level).targets) {
    const personId = targetPersonId(cfg, target, atMs);
    if (personId === undefined || seen.has(personId)) continue;
    const person = cfg.people.find((p) => p.id === personId);
    if (!person) continue;
    seen.add(personId);
    out.push({ personId, name: person.name });
  }
  return out;
}

function targetPersonId(cfg: Config, target: EscalationTarget, atMs: number): string | undefined {
  if ('person' in target) return target.person;
  const schedule = cfg.schedules.find((s) => s.id === target.schedule);
  return schedule ? onCallAt(schedule, atMs) : undefined;
}

/** A short label for a target in timelines and messages, e.g. `on-call of schedule "primary"`. */
export function describeTarget(target: EscalationTarget): string {
  return 'person' in target ? `person "${target.person}"` : `on-call of schedule "${target.schedule}"`;
}

/** All targets of a level, e.g. `level 2 of 3: person "carol"`. */
export function describeLevel(policy: EscalationPolicy, level: number): string {
  const targets = levelAt(policy, level).targets.map(describeTarget).join(', ');
  return `level ${level} of ${policy.levels.length}: ${targets}`;
}
