// Lookups in the CURRENT config, run as local activities: routing, the escalation step (who is on
// call now) and people's names. A roster fix applies to open incidents, and the answer is recorded
// in history, so replay never re-evaluates against a changed file. The rules themselves are pure
// (workflows/policy); activity names (routeAnomaly, escalationStep, peopleNames) are recorded in
// histories and stay as they are.
import type { Config } from '../../config/schema';
import type { Anomaly } from '../../workflows/definitions';
import { route } from '../../workflows/policy/routing';
import { levelAt, nextPosition, resolveTargets, type EscalationPosition } from '../../workflows/policy/escalation';
import { ErrorTypes, permanentFailure } from '../errors';
import { silencedBy, type MaintenanceWindow } from '../../workflows/policy/silences';
import { formatMatchers, parseMatchers } from '../../workflows/policy/matcher';
import { parseCron } from '../../workflows/policy/recurrence';
import type { SilencedBy } from '../../workflows/silences-definitions';
import { NO_SILENCES, type SilenceSource } from './silences-cache';

export interface RoutingAnswer {
  rule: string;
  channels: { platform: string; channel: string }[];
  policyId: string;
  autoResolve: { enabled: boolean; quietPeriodMs: number };
  alertUpdateDebounceMs: number;
  /** Set when an active silence or maintenance window covers the anomaly (absent in older histories). */
  silenced?: SilencedBy;
  /** incidents.flapWindow (absent in older histories). */
  flapWindowMs?: number;
}

export interface EscalationStepInput {
  policyId: string;
  level: number;
  repeat: number;
  /** Workflow time of the step, so schedules are evaluated at the instant the workflow saw. */
  atMs: number;
}
export interface EscalationStep {
  targets: { personId: string; name: string }[];
  delayMs: number;
  /** How this level pages (`chat`, `pagerduty`, ...). */
  via: string[];
  next: EscalationPosition | null;
  levels: number;
}

/** The config's maintenance windows with their matchers and crons parsed (the schema checked them). */
export function maintenanceWindows(cfg: Config): MaintenanceWindow[] {
  return (cfg.maintenance ?? []).map((w) => {
    const matchers = parseMatchers(w.matcher);
    const base = { name: w.name, matchers, matcher: formatMatchers(matchers), ...(w.reason ? { reason: w.reason } : {}) };
    if (w.schedule) return { ...base, recurrence: { cron: parseCron(w.schedule.cron), durationMs: w.schedule.duration, timezone: w.schedule.timezone } };
    return { ...base, startMs: Date.parse(w.start!), endMs: Date.parse(w.end!) };
  });
}

export function createConfigLookupActivities(config: () => Config, silences: SilenceSource = NO_SILENCES) {
  const policy = (cfg: Config, id: string) => {
    const p = cfg.escalationPolicies.find((x) => x.id === id);
    if (!p) throw permanentFailure(ErrorTypes.invalidRequest, `escalation policy "${id}" no longer exists in the config`);
    return p;
  };
  return {
    /** `atMs`: workflow time, so silences and windows are judged at the instant the workflow saw. */
    async routeAnomaly(anomaly: Anomaly, atMs?: number): Promise<RoutingAnswer> {
      const cfg = config();
      // In-memory only (silences-cache.ts): no Temporal call, so an unsilenced incident pays nothing.
      const silenced = silencedBy(anomaly, silences.current(), maintenanceWindows(cfg), atMs ?? Date.now());
      return { ...route(cfg, anomaly), alertUpdateDebounceMs: cfg.alertUpdateDebounce, flapWindowMs: cfg.incidents.flapWindow, ...(silenced ? { silenced } : {}) };
    },
    async escalationStep(input: EscalationStepInput): Promise<EscalationStep> {
      const cfg = config();
      const p = policy(cfg, input.policyId);
      // A shortened ladder (config change) continues from its last level rather than failing.
      const level = Math.min(input.level, p.levels.length);
      return {
        targets: resolveTargets(cfg, p, level, input.atMs),
        delayMs: levelAt(p, level).delay,
        via: [...levelAt(p, level).via],
        next: nextPosition(p, { level, repeat: input.repeat }),
        levels: p.levels.length,
      };
    },
    /** Where silence creation, removal and expiry are announced (silences.announce, else routing.default). */
    async silenceChannels(): Promise<{ platform: string; channel: string }[]> {
      const cfg = config();
      return (cfg.silences.announce ?? cfg.routing.default.channels).map((c) => ({ platform: c.platform, channel: c.channel }));
    },
    async peopleNames(): Promise<Record<string, string>> {
      return Object.fromEntries(config().people.map((p) => [p.id, p.name]));
    },
  };
}
export type ConfigLookupActivities = ReturnType<typeof createConfigLookupActivities>;
