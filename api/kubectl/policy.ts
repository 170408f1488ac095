// Who may read what with /kubectl: the channel's entry in `kubectl.channels` picks the cluster and
// limits verbs, resource types and namespaces. Pure, so every refusal is unit-tested.
import type { KubectlChannelPolicy, KubectlConfig, KubectlResource, KubectlVerb } from '../../config/schema-diagnostics';
import type { KubectlCommand } from './parse';

export interface Where {
  platform: string;
  channel?: string;
  /** The cluster of the incident whose thread the command is in. */
  incidentCluster?: string;
  /** The namespace of that incident, the default when the command names none. */
  incidentNamespace?: string;
}

export type PolicyDecision = { ok: true; policy: KubectlChannelPolicy; namespace: string } | { ok: false; error: string };

const ENABLE_HINT = 'An admin can allow it under kubectl.channels in the config.';

export function choosePolicy(cfg: KubectlConfig, where: Where, cmd: KubectlCommand): { ok: true; policy: KubectlChannelPolicy } | { ok: false; error: string } {
  const place = where.channel ? `#${where.channel} (${where.platform})` : `this ${where.platform} conversation`;
  const entries = where.channel ? cfg.channels.filter((c) => c.platform === where.platform && c.channel === where.channel) : [];
  if (!entries.length) return { ok: false, error: `Refused: /kubectl is not enabled in ${place}. ${ENABLE_HINT}` };
  if (cmd.cluster) {
    const e = entries.find((x) => x.cluster === cmd.cluster);
    return e ? { ok: true, policy: e } : { ok: false, error: `Refused: ${place} may not read cluster "${cmd.cluster}"; it may read ${entries.map((x) => `"${x.cluster}"`).join(', ')}.` };
  }
  const byIncident = where.incidentCluster ? entries.find((x) => x.cluster === where.incidentCluster) : undefined;
  if (byIncident) return { ok: true, policy: byIncident };
  if (entries.length === 1) return { ok: true, policy: entries[0]! };
  return { ok: false, error: `${place} reaches several clusters (${entries.map((x) => x.cluster).join(', ')}); add --cluster <name>.` };
}

/** The resource types a command reads (what the channel's `resources` list must allow). */
export function resourcesRead(cmd: KubectlCommand): KubectlResource[] {
  switch (cmd.verb) {
    case 'logs':
      return [...new Set<KubectlResource>(['pods', ...cmd.targets.map((t) => t.type.name)])];
    case 'events':
      return ['events'];
    default:
      return cmd.targets.map((t) => t.type.name);
  }
}

function namespaced(cmd: KubectlCommand): boolean {
  if (cmd.verb === 'logs') return true;
  if (cmd.verb === 'events') return !(cmd.forObject && !cmd.forObject.type.namespaced);
  return cmd.targets.some((t) => t.type.namespaced);
}

/** Checks verb, resources and namespace; picks the namespace when the command gives none. */
export function authorize(policy: KubectlChannelPolicy, cmd: KubectlCommand, where: Where): PolicyDecision {
  const cluster = `cluster "${policy.cluster}" from this channel`;
  if (!policy.verbs.includes(cmd.verb as KubectlVerb))
    return { ok: false, error: `Refused: "kubectl ${cmd.verb}" is not allowed on ${cluster}; allowed: ${policy.verbs.join(', ')}.` };
  const denied = resourcesRead(cmd).filter((r) => !policy.resources.includes(r));
  if (denied.length) return { ok: false, error: `Refused: ${denied.join(', ')} may not be read on ${cluster}; allowed: ${policy.resources.join(', ')}.` };
  const any = policy.namespaces.includes('*');
  const allowed = policy.namespaces.filter((n) => n !== '*');
  if (cmd.allNamespaces && !any)
    return { ok: false, error: `Refused: -A/--all-namespaces needs a channel allowed in every namespace; this one may read ${allowed.join(', ')}.` };
  const namespace =
    cmd.namespace ?? (where.incidentNamespace && (any || allowed.includes(where.incidentNamespace)) ? where.incidentNamespace : allowed.length === 1 ? allowed[0]! : 'default');
  if (namespaced(cmd) && !cmd.allNamespaces && !any && !allowed.includes(namespace))
    return { ok: false, error: `Refused: namespace "${namespace}" may not be read from this channel; allowed: ${allowed.join(', ')}. Add -n <namespace>.` };
  return { ok: true, policy, namespace };
}
