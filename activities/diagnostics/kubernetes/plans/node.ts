// Diagnostics for a node (NotReady, pressure): the node described, its events and the pods on it.
import type { V1Node } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { Anomaly } from '../../../../workflows/definitions';
import { describeNode, nodeProblems } from '../../../../kube/describe';
import { conditionText, oneLine, podReady } from '../../../../kube/format';
import { buildDigest, lastWarning } from '../digest';
import type { DiagnosticsRun } from '../run';

export async function diagnoseNode(run: DiagnosticsRun, anomaly: Anomaly): Promise<string> {
  const name = anomaly.resource.name;
  const [node, events, pods] = await Promise.all([
    run.call(`get node ${name}`, (o) => run.apis.core.readNode({ name }, o), { expect404: true }),
    run.events('Node', name),
    run.call(`list pods on node ${name}`, (o) => run.apis.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}`, limit: 500 }, o)),
  ]);
  if (node) run.section(`Node ${name}`, describeNode(node));
  else run.section(`Node ${name}`, 'Not found or not readable: the node may have been removed from the cluster (see problems).');
  run.eventsSection(`Events of node ${name}`, events);
  const items = pods?.items ?? [];
  if (pods) run.section(`Pods on node ${name}`, items.length ? run.podsTable(items, 40) : 'No pods are scheduled on this node.');

  const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
  const problems = node ? nodeProblems(node as V1Node) : [];
  const notReady = items.filter((p) => p.status?.phase !== 'Succeeded' && !podReady(p)).length;
  const warning = lastWarning(events);
  return buildDigest([
    node
      ? `Node ${name}: ${problems.length ? problems.join(', ') : 'no problem conditions right now'}${ready ? `; ${conditionText({ ...ready, message: oneLine(ready.message ?? '', 160) })}` : ''}`
      : `Node ${name} was not found (removed from the cluster?)`,
    pods && `${items.length} pods on it, ${notReady} not ready`,
    warning && `Last warning: ${warning}`,
  ]);
}
