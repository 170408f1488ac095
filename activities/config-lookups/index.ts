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

export interface RoutingAnswer {
  rule: string;
  channels: { platform: string; channel: string }[];
  policyId: string;
  autoResolve: { enabled: boolean; quietPeriodMs: number };
  alertUpdateDebounceMs: number;
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

export function createConfigLookupActivities(config: () => Config) {
  const policy = (cfg: Config, id: string) => {
    const p = cfg.escalationPolicies.find((x) => x.id === id);
    if (!p) throw permanentFailure(ErrorTypes.invalidRequest, `escalation policy "${id}" no longer exists in the config`);
    return p;
  };
  return {
    async routeAnomaly(anomaly: Anomaly): Promise<RoutingAnswer> {
      const cfg = config();
      return { ...route(cfg, anomaly), alertUpdateDebounceMs: cfg.alertUpdateDebounce };
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
    async peopleNames(): Promise<Record<string, string>> {
      return Object.fromEntries(config().people.map((p) => [p.id, p.name]));
    },
  };
}
export type ConfigLookupActivities = ReturnType<typeof createConfigLookupActivities>;
