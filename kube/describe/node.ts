// `kubectl describe node` and the node's problems in a few words (pressure, NotReady, cordoned).
import type { V1Node } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { conditionsBlock, quantities } from '../format';
import { header } from './header';

export function describeNode(node: V1Node): string {
  const st = node.status ?? {};
  const roles = Object.keys(node.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  const info = st.nodeInfo;
  return [
    header(node.metadata, [
      ['Roles', roles.join(',') || '<none>'],
      ['Unschedulable', node.spec?.unschedulable ? 'true' : 'false'],
      ['Taints', (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || '<none>'],
      ['Addresses', (st.addresses ?? []).map((a) => `${a.type}=${a.address}`).join(', ')],
      ['Capacity', quantities(st.capacity)],
      ['Allocatable', quantities(st.allocatable)],
      ['Kubelet', info?.kubeletVersion],
      ['OS Image', info?.osImage],
      ['Container Runtime', info?.containerRuntimeVersion],
    ]),
    'Conditions:',
    conditionsBlock(st.conditions),
  ].join('\n');
}

/** Pressure conditions that are True, and Ready when it is not True. */
export function nodeProblems(node: V1Node): string[] {
  const out: string[] = [];
  for (const c of node.status?.conditions ?? []) {
    if (c.type === 'Ready' && c.status !== 'True') out.push(`Ready=${c.status}${c.reason ? ` (${c.reason})` : ''}`);
    else if (c.type !== 'Ready' && c.status === 'True') out.push(c.type);
  }
  if (node.spec?.unschedulable) out.push('cordoned');
  return out;
}
