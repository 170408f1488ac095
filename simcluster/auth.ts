// Bearer-token authentication and an RBAC-shaped authorizer. The readOnly identity has exactly the
// chart's read-only ClusterRole (READ_ONLY_RULES) plus its Lease Role in the service account's
// namespace; admin may do everything. test/integration/kube-real/rbac.test.ts checks both against
// the rendered chart (the simulator used to allow every read but Secrets: ConfigMaps and status
// subresources too, which the real apiserver refuses under the chart's RBAC).
import { timingSafeEqual } from 'node:crypto';
import { type ResourceDef } from './resources';
import { StatusError } from './status';
import type { TokenName } from './types';

export interface Principal {
  token: TokenName;
  user: string;
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface RequestAttributes {
  verb: Verb;
  def: ResourceDef;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const READ: Verb[] = ['get', 'list', 'watch'];
export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: Verb[];
}
/** charts/k8s-incident-flow/templates/clusterrole.yaml without `rbac.extraRules`. */
export const READ_ONLY_RULES: Rule[] = [
  { apiGroups: [''], resources: ['pods', 'events', 'nodes', 'namespaces', 'persistentvolumeclaims', 'persistentvolumes', 'services'], verbs: READ },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: READ },
  { apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list'] },
  { apiGroups: ['velero.io'], resources: ['backups', 'restores'], verbs: READ },
  { apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: READ },
];
/** charts/k8s-incident-flow/templates/watcher-role.yaml: the Lease in the release namespace. */
export const LEASE_RULE: Rule = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] };

const grants = (rules: Rule[], group: string, resource: string, verb: Verb) =>
  rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Compare equal-length buffers only; the length check leaks nothing useful about a random token.
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Authenticator {
  constructor(
    private readonly tokens: { readOnly: string; admin: string },
    readonly readOnlyUser: string,
  ) {}

  /** The caller, 'none' when no bearer token was sent, 'invalid' when it matched no one. */
  authenticate(header: string | undefined): Principal | 'none' | 'invalid' {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) return 'none';
    const presented = m[1]!;
    if (same(presented, this.tokens.admin)) return { token: 'admin', user: 'system:admin' };
    if (same(presented, this.tokens.readOnly)) return { token: 'readOnly', user: this.readOnlyUser };
    return 'invalid';
  }
}

/** undefined when allowed, otherwise the 403 Status the real authorizer returns. */
export function authorize(p: Principal, a: RequestAttributes, leaseNamespace: string): StatusError | undefined {
  if (p.token === 'admin') return undefined;
  const resource = a.subresource ? `${a.def.plural}/${a.subresource}` : a.def.plural;
  const allowed = grants(READ_ONLY_RULES, a.def.group, resource, a.verb) || (a.namespace === leaseNamespace && grants([LEASE_RULE], a.def.group, resource, a.verb));
  if (allowed) return undefined;
  const subject = a.name ? `${a.def.plural} "${a.name}"` : a.def.plural;
  const scope = a.def.namespaced && a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return new StatusError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${p.user}" cannot ${a.verb} resource "${resource}" in API group "${a.def.group}" ${scope}`,
    { ...(a.name ? { name: a.name } : {}), ...(a.def.group ? { group: a.def.group } : {}), kind: a.def.plural },
  );
}
