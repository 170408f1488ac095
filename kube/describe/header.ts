// The header every describe block starts with: name, namespace, labels, age and the controlling
// owner, then the kind's own fields aligned with them.
import { age, fields, isoTime, labelsText, type Time } from '../format';

export type Meta = { name?: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: Time; ownerReferences?: { kind: string; name: string; controller?: boolean }[] };

export function header(meta: Meta | undefined, extra: [string, string | number | undefined][] = []): string {
  const owner = meta?.ownerReferences?.find((o) => o.controller) ?? meta?.ownerReferences?.[0];
  return fields([
    ['Name', meta?.name],
    ['Namespace', meta?.namespace],
    ['Labels', labelsText(meta?.labels)],
    ['Created', meta?.creationTimestamp ? `${isoTime(meta.creationTimestamp)} (${age(meta.creationTimestamp)} ago)` : undefined],
    ['Controlled By', owner ? `${owner.kind}/${owner.name}` : undefined],
    ...extra,
  ]);
}
