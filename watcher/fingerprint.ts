// Fingerprints: the dedup key of an incident (`incident/<cluster>/<fingerprint>`). A pure function
// of the top owner and the anomaly kind, so it is the same after a restart, on another replica and
// for every pod of one Deployment: `deployment:<namespace>:<name>:<kind>` (cluster-scoped owners:
// `node:<name>:<kind>`). The parts are joined with ':' because Kubernetes names and namespaces
// cannot contain it: the old '-' join gave Deployment shop-eu/web and shop/eu-web the same key (one
// incident for two problems). Kinds are lowercased; any other character a part may not carry is
// written `_<hex code point>_`, so distinct inputs stay distinct. Past FINGERPRINT_MAX the key is a
// prefix, '::' (never found in an uncut key) and a hash of the whole key. A custom resource's kind
// carries its API group (`backup.velero.io`), or two operators' Backups in one namespace would share
// an incident; built-in kinds keep the bare kind, so their keys never changed.
import { createHash } from 'node:crypto';
import type { ResourceRef } from '../workflows/definitions';

export const FINGERPRINT_MAX = 120;
const HASH_LENGTH = 10;
const CUT_MARK = '::';

const HASH_PART = new RegExp(`^[0-9a-f]{${HASH_LENGTH}}$`);

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, HASH_LENGTH);

/** One part, with every character outside [A-Za-z0-9.-] escaped (':' and '_' included). */
function part(s: string): string {
  let out = '';
  for (const ch of s) out += /[A-Za-z0-9.-]/.test(ch) ? ch : `_${ch.codePointAt(0)!.toString(16)}_`;
  return out;
}

/**
 * The API group of a custom resource's apiVersion, lowercased; undefined for built-in kinds: core
 * (`v1`), the dot-less groups (apps, batch, policy...: a CRD's group must contain a dot) and the
 * Kubernetes project's own `*.k8s.io` / `*.kubernetes.io` groups (reserved: a CRD there needs the
 * project's approval, e.g. Gateway API, and keeps the bare kind too).
 */
export function customGroup(apiVersion: string | undefined): string | undefined {
  const slash = apiVersion?.indexOf('/') ?? -1;
  if (slash < 0) return undefined;
  const group = apiVersion!.slice(0, slash).toLowerCase();
  return group.includes('.') && !/(^|\.)(k8s|kubernetes)\.io$/.test(group) ? group : undefined;
}

function key(ownerKind: string, owner: ResourceRef, kind: string): string {
  const parts = [ownerKind.toLowerCase(), owner.namespace, owner.name, kind.toLowerCase()].filter((p): p is string => !!p);
  const full = parts.map(part).join(':');
  if (full.length <= FINGERPRINT_MAX) return full;
  return `${full.slice(0, FINGERPRINT_MAX - HASH_LENGTH - CUT_MARK.length)}${CUT_MARK}${hash(full)}`;
}

/** `<kind>[.<group>]:<namespace>:<name>:<anomaly kind>`; the group for custom resources only. */
export function fingerprint(owner: ResourceRef, kind: string): string {
  const group = customGroup(owner.apiVersion);
  return key(group ? `${owner.kind}.${group}` : owner.kind, owner, kind);
}

/** The ':' key before custom resources carried their group (the same as `fingerprint` for built-in kinds). */
export function grouplessFingerprint(owner: ResourceRef, kind: string): string {
  return key(owner.kind, owner, kind);
}

/**
 * The lowercased anomaly kind a fingerprint ends with (either format); undefined when it was cut
 * and ends with a hash instead.
 */
export function fingerprintKind(fp: string): string | undefined {
  if (fp.includes(CUT_MARK)) return undefined;
  return fp.slice(fp.lastIndexOf(fp.includes(':') ? ':' : '-') + 1);
}

// ---- earlier formats (kept so open incidents raised with them go on receiving their signals) -----
// 1. '-' joined parts (`deployment-<ns>-<name>-<kind>`), before the ':' format;
// 2. ':' with a custom resource's bare kind (`backup:<ns>:<name>:<kind>`), before the group came in.

/** Built-in kinds a watcher key can start with: their keys never had a group, so never changed. */
const BUILTIN_KINDS = new Set([
  'pod', 'node', 'deployment', 'replicaset', 'statefulset', 'daemonset', 'job', 'cronjob', 'replicationcontroller',
  'persistentvolumeclaim', 'persistentvolume', 'namespace', 'service', 'ingress',
]);

function legacySanitize(part: string): string {
  return part.replace(/[^A-Za-z0-9._:-]+/g, '-');
}

/** The fingerprint as watchers before the ':' format computed it: `deployment-<ns>-<name>-<kind>`. */
export function legacyFingerprint(owner: ResourceRef, kind: string): string {
  const parts = [owner.kind, owner.namespace, owner.name, kind].filter((p): p is string => !!p);
  const full = legacySanitize(parts.join('-').toLowerCase());
  if (full.length <= FINGERPRINT_MAX) return full;
  return `${full.slice(0, FINGERPRINT_MAX - HASH_LENGTH - 1)}-${hash(full)}`;
}

/** An open incident as the visibility list names it. */
export interface ListedIncident {
  fingerprint: string;
  /** Its K8sNamespace search attribute, when it has one. */
  namespace?: string;
}

/**
 * Open incidents of this cluster whose fingerprint has an earlier shape, from the list
 * reconciliation fetches anyway: an anomaly whose earlier fingerprint names one of them goes to it
 * instead of opening a second incident under the new key. The '-' shape is ambiguous
 * (shop-eu/web vs shop/eu-web); the incident's namespace settles it, so only the problem that
 * opened it is routed there. A group-less custom-resource key cannot say which group raised it:
 * both operators' problems go on sharing it until it resolves, as they did before the upgrade.
 * Once they have resolved the map is empty and costs nothing.
 */
export class LegacyRoutes {
  /** Old fingerprint -> the incident's namespace (undefined: cluster-scoped or not known). */
  private routes = new Map<string, string | undefined>();
  private readonly kinds: Set<string>;

  /** `anomalyKinds`: every kind this watcher reports (an old fingerprint ends with one of them). */
  constructor(anomalyKinds: Iterable<string>) {
    this.kinds = new Set([...anomalyKinds].map((k) => k.toLowerCase()));
  }

  get size(): number {
    return this.routes.size;
  }

  /** Whether a fingerprint has an earlier shape of one this watcher raised (not `am-<fp>`, not a current key). */
  isLegacy(fp: string): boolean {
    return fp.includes(':') ? this.isGroupless(fp) : this.isDashed(fp);
  }

  private isDashed(fp: string): boolean {
    if (!fp.includes('-')) return false;
    const last = fp.slice(fp.lastIndexOf('-') + 1);
    return this.kinds.has(last) || (fp.length === FINGERPRINT_MAX && HASH_PART.test(last));
  }

  /** A ':' key whose owner kind is neither built-in nor group-qualified: a custom resource's bare kind. */
  private isGroupless(fp: string): boolean {
    const first = fp.slice(0, fp.indexOf(':'));
    if (first.includes('.') || BUILTIN_KINDS.has(first)) return false;
    const cut = fp.lastIndexOf(CUT_MARK);
    return cut >= 0 ? HASH_PART.test(fp.slice(cut + CUT_MARK.length)) : this.kinds.has(fp.slice(fp.lastIndexOf(':') + 1));
  }

  /** Replaces the map with the legacy incidents of a fresh list; says so when their number changed. */
  update(listed: readonly ListedIncident[]): string | undefined {
    const before = this.routes.size;
    this.routes = new Map(listed.filter((i) => this.isLegacy(i.fingerprint)).map((i) => [i.fingerprint, i.namespace || undefined]));
    if (this.routes.size === before) return undefined;
    return this.routes.size > 0
      ? `${this.routes.size} open incident(s) use the old fingerprint format; their problems go on signalling them until they resolve`
      : 'no open incident uses the old fingerprint format any more';
  }

  clear(): void {
    this.routes.clear();
  }

  /** The fingerprint to send an anomaly under: an open legacy incident's of this owner, else `current`. */
  route(owner: ResourceRef, kind: string, current: string): string {
    if (this.routes.size === 0) return current;
    for (const old of [grouplessFingerprint(owner, kind), legacyFingerprint(owner, kind)]) {
      if (old === current || !this.routes.has(old)) continue;
      const ns = this.routes.get(old);
      if (ns === undefined || owner.namespace === undefined || ns === owner.namespace) return old;
    }
    return current;
  }
}
