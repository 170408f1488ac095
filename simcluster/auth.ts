// Bearer-token authentication and an RBAC-shaped authorizer. The readOnly identity mirrors the chart's
// watcher/diagnostics ClusterRole (get/list/watch on everything but Secrets, get pods/log) plus its
// Lease Role in the service account's namespace; admin may do everything.
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

const READ_VERBS: readonly Verb[] = ['get', 'list', 'watch'];

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
  const isLease = a.def.group === 'coordination.k8s.io' && a.def.plural === 'leases' && a.namespace === leaseNamespace;
  const allowed =
    isLease ||
    (a.def.plural !== 'secrets' && READ_VERBS.includes(a.verb) && (!a.subresource || a.subresource === 'status' || a.subresource === 'log'));
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
