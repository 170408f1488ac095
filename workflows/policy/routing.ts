// Where an anomaly's alert goes and which escalation policy pages for it. Rules are evaluated top
// to bottom and the first match wins, so specific rules go first and `routing.default` catches the rest.
import type { Anomaly, AutoResolvePolicy } from '../definitions';
import type { ChannelRef, Config, Route } from '../../config/schema';

export interface RoutingDecision {
  /** The rule's `name`, else `rules[i]`; `default` when no rule matched. */
  rule: string;
  channels: ChannelRef[];
  policyId: string;
  autoResolve: AutoResolvePolicy;
}

export function route(cfg: Config, anomaly: Anomaly): RoutingDecision {
  const { rules, default: fallback } = cfg.routing;
  for (const [i, rule] of rules.entries()) {
    if (matches(rule.match, anomaly)) return decision(cfg, rule.name ?? `rules[${i}]`, rule);
  }
  return decision(cfg, 'default', fallback);
}

/** True when every field set in `match` accepts the anomaly; an absent field means "any". */
export function matches(match: Route['match'], anomaly: Anomaly): boolean {
  if (match.severity && !match.severity.includes(anomaly.severity)) return false;
  if (match.kind && !match.kind.includes(anomaly.kind)) return false;
  if (match.cluster && !match.cluster.some((p) => globMatch(p, anomaly.cluster))) return false;
  if (match.namespace) {
    const ns = anomalyNamespace(anomaly);
    // Cluster-scoped anomalies (nodes) never match a rule that names namespaces.
    if (ns === undefined || !match.namespace.some((p) => globMatch(p, ns))) return false;
  }
  if (match.labels) {
    for (const [key, value] of Object.entries(match.labels)) {
      if (anomaly.labels[key] !== value) return false;
    }
  }
  return true;
}

/** The namespace routing sees: the resource's, else its owner's. */
export function anomalyNamespace(anomaly: Anomaly): string | undefined {
  return anomaly.resource.namespace ?? anomaly.owner?.namespace;
}

/** Exact match, or a prefix match when the pattern ends with `*` (`prod-*`, `*` = anything). */
export function globMatch(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

function decision(cfg: Config, rule: string, r: Pick<Route, 'channels' | 'policy' | 'autoResolve'>): RoutingDecision {
  const auto = r.autoResolve ?? cfg.autoResolve;
  return {
    rule,
    // Copies: the decision is stored in workflow state and must not alias the live config.
    channels: r.channels.map((c) => ({ ...c })),
    policyId: r.policy,
    autoResolve: { enabled: auto.enabled, quietPeriodMs: auto.quietPeriod },
  };
}
