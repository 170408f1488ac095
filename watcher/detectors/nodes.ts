// Node conditions: NotReady (False or Unknown) and the three pressure conditions. They clear as soon
// as the node reports the condition as healthy again.
import { refOf } from '../../kube/objects';
import type { DetectorKind } from './catalog';
import type { Detector, Finding } from './types';

export const NODE_CONDITIONS: readonly { type: string; bad: (status: string) => boolean; kind: DetectorKind }[] = [
  { type: 'Ready', bad: (s) => s !== 'True', kind: 'NodeNotReady' },
  { type: 'MemoryPressure', bad: (s) => s === 'True', kind: 'NodeMemoryPressure' },
  { type: 'DiskPressure', bad: (s) => s === 'True', kind: 'NodeDiskPressure' },
  { type: 'PIDPressure', bad: (s) => s === 'True', kind: 'NodePIDPressure' },
];

export const detectNode: Detector = (node) => {
  const out: Finding[] = [];
  const conditions = (node.status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[];
  for (const rule of NODE_CONDITIONS) {
    const c = conditions.find((x) => x.type === rule.type);
    if (!c || !rule.bad(c.status)) continue;
    out.push({
      kind: rule.kind,
      resource: refOf('Node', node, 'v1'),
      object: node,
      reason: c.reason ?? `${rule.type}=${c.status}`,
      message: c.message ?? `node ${node.metadata?.name ?? ''} reports ${rule.type}=${c.status}`,
      mode: 'state',
      source: `condition:${rule.type}`,
    });
  }
  // A node that is not Ready is one incident; its pressure conditions are part of the story, not
  // incidents of their own.
  const notReady = out.find((f) => f.kind === 'NodeNotReady');
  if (!notReady || out.length === 1) return out;
  notReady.message += ` (also: ${out.filter((f) => f !== notReady).map((f) => f.kind.replace(/^Node/, '')).join(', ')})`;
  return [notReady];
};

