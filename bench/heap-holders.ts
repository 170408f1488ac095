// Who holds a cached workflow's memory: every object new in the second heap snapshot is charged to
// the property of the nearest workflow object (the SDK's Activator, or its ReusableVMWorkflow) on
// its shortest path from the GC roots, as DevTools' "distance" would draw it; objects reached
// without passing one (the Worker's per-run bookkeeping, global handles) are charged to the last
// hops of their path. Shortest-path charging is an approximation of retained size: a shared object
// counts once, under the first holder found. Used by bench/heap-diff.ts.
import { readFileSync } from 'node:fs';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const WORKFLOW_OBJECT = /^object:(Activator|ReusableVMWorkflow)$/;

/** KiB per workflow and objects per workflow by holder, largest first. */
export function holders(afterFile: string, before: Set<number>, workflows: number): { holder: string; kib: number; objects: number }[] {
  const snap = JSON.parse(readFileSync(afterFile, 'utf8')) as RawSnapshot;
  const { meta } = snap.snapshot;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const [nType, nName, nId, nSize, nEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as number[] as [number, number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const { nodes, edges, strings } = snap;
  const count = nodes.length / NF;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += nodes[i * NF + nEdges]! * EF;
  }
  firstEdge[count] = edges.length;
  const label = (i: number) => `${meta.node_types[0][nodes[i * NF + nType]!]}:${strings[nodes[i * NF + nName]!]!.slice(0, 40)}`;
  const edgeName = (e: number) => {
    const t = meta.edge_types[0][edges[e + eType]!];
    return t === 'element' || t === 'hidden' ? `[${t}]` : String(strings[edges[e + eName]!]);
  };
  // Breadth first from the root (node 0) over strong edges: each node's parent on a shortest path.
  const parent = new Int32Array(count).fill(-1);
  const via = new Int32Array(count).fill(-1);
  const queue = new Int32Array(count);
  const seen = new Uint8Array(count);
  seen[0] = 1;
  for (let head = 0, tail = 1; head < tail; head++) {
    const i = queue[head]!;
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += EF) {
      const t = meta.edge_types[0][edges[e + eType]!];
      const to = edges[e + eTo]! / NF;
      if (t === 'weak' || t === 'shortcut' || seen[to]) continue;
      seen[to] = 1;
      parent[to] = i;
      via[to] = e;
      queue[tail++] = to;
    }
  }
  const byHolder = new Map<string, { size: number; objects: number }>();
  for (let i = 0; i < count; i++) {
    if (!seen[i] || before.has(nodes[i * NF + nId]!)) continue;
    const hops: string[] = [];
    let holder: string | undefined;
    for (let cur = i, d = 0; parent[cur]! >= 0 && d < 60; cur = parent[cur]!, d++) {
      hops.push(`${edgeName(via[cur]!)} ${label(cur)}`);
      if (WORKFLOW_OBJECT.test(label(parent[cur]!))) {
        holder = `${label(parent[cur]!).slice(7)}.${hops.at(-1)}`;
        break;
      }
    }
    const key = holder ?? `(no workflow object) ${hops.slice(-4, -1).reverse().join(' > ')}`;
    const entry = byHolder.get(key) ?? { size: 0, objects: 0 };
    entry.size += nodes[i * NF + nSize]!;
    entry.objects++;
    byHolder.set(key, entry);
  }
  return [...byHolder]
    .map(([holder, v]) => ({ holder, kib: v.size / workflows / 1024, objects: v.objects / workflows }))
    .sort((a, b) => b.kib - a.kib);
}
