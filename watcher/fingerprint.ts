// Fingerprints: the dedup key of an incident (`incident/<cluster>/<fingerprint>`). A pure function
// of the top owner and the anomaly kind, so it is the same after a restart, on another replica and
// for every pod of one Deployment: `deployment-<namespace>-<name>-<kind>`, lowercased, sanitized to
// the characters a workflow id part allows, and capped with a hash suffix so long names stay unique.
import { createHash } from 'node:crypto';
import type { ResourceRef } from '../workflows/definitions';

export const FINGERPRINT_MAX = 120;

export function sanitize(part: string): string {
  return part.replace(/[^A-Za-z0-9._:-]+/g, '-');
}

export function fingerprint(owner: ResourceRef, kind: string): string {
  const parts = [owner.kind, owner.namespace, owner.name, kind].filter((p): p is string => !!p);
  const full = sanitize(parts.join('-').toLowerCase());
  if (full.length <= FINGERPRINT_MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.slice(0, FINGERPRINT_MAX - hash.length - 1)}-${hash}`;
}
