// Diffs two V8 heap snapshots (bench/memory.ts with MEMORY_SNAPSHOTS=1 writes one at 0 and one at
// N cached workflows) to say what a cached workflow is made of: self size by constructor (objects),
// function (closures) or kind (strings, arrays, code), per workflow, with each group's most common
// retainers (the object and the edge holding it), for strings the most repeated openings, and the
// new objects by holder (bench/heap-holders.ts: which property of the workflow holds them).
// Run: node -r @swc-node/register bench/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> <workflows> [top=25]
import { readFileSync } from 'node:fs';
import { holders } from './heap-holders';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Parsed {
  groups: Map<string, { count: number; size: number }>;
  /** group -> "retainer group .edge" -> count */
  retainers: Map<string, Map<string, number>>;
  /** string openings (first 60 chars) -> count, size */
  strings: Map<string, { count: number; size: number }>;
  total: number;
  /** Node ids: stable across snapshots of one process, so the second's new objects are those not here. */
  ids: Set<number>;
}

/** Group name of node i: what a person would call it in DevTools' summary view. */
function groupOf(type: string, name: string): string {
  if (type === 'object') return name;
  if (type === 'closure') return `closure ${name || '(anonymous)'}`;
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return '(string)';
  if (type === 'array' || type === 'hidden' || type === 'code' || type === 'object shape') return `(${type}) ${name.replace(/\d+/g, 'N').slice(0, 50)}`;
  return `(${type})`;
}

function parse(file: string): Parsed {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { meta } = snap.snapshot;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const [nType, nName, nSize, nEdges, nId] = ['type', 'name', 'self_size', 'edge_count', 'id'].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = snap;
  const count = nodes.length / NF;
  const group: string[] = new Array(count);
  const out: Parsed = { groups: new Map(), retainers: new Map(), strings: new Map(), total: 0, ids: new Set() };
  for (let i = 0; i < count; i++) {
    out.ids.add(nodes[i * NF + nId]!);
    const type = nodeTypes[nodes[i * NF + nType]!]!;
    const name = strings[nodes[i * NF + nName]!]!;
    const size = nodes[i * NF + nSize]!;
    const g = (group[i] = groupOf(type, name));
    const entry = out.groups.get(g) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += size;
    out.groups.set(g, entry);
    out.total += size;
    if (g === '(string)') {
      const key = name.slice(0, 60).replace(/\s+/g, ' ');
      const s = out.strings.get(key) ?? { count: 0, size: 0 };
      s.count++;
      s.size += size;
      out.strings.set(key, s);
    }
  }
  // Retainers: walk every edge once; weak edges do not keep anything alive.
  let e = 0;
  for (let i = 0; i < count; i++) {
    const from = group[i]!;
    const n = nodes[i * NF + nEdges]!;
    for (let k = 0; k < n; k++, e += EF) {
      const et = edgeTypes[edges[e + eType]!]!;
      if (et === 'weak' || et === 'shortcut') continue;
      const to = group[edges[e + eTo]! / NF]!;
      const edgeName = et === 'element' || et === 'hidden' ? `[${et}]` : String(strings[edges[e + eName]!] ?? edges[e + eName]);
      const byTo = out.retainers.get(to) ?? new Map<string, number>();
      const key = `${from} .${edgeName}`;
      byTo.set(key, (byTo.get(key) ?? 0) + 1);
      out.retainers.set(to, byTo);
    }
  }
  return out;
}

function main(): void {
  const [beforeFile, afterFile, n, topArg] = process.argv.slice(2);
  const workflows = Number(n);
  if (!beforeFile || !afterFile || !(workflows > 0)) throw new Error('usage: heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> <workflows> [top=25]');
  const top = Number(topArg ?? 25);
  const before = parse(beforeFile);
  const after = parse(afterFile);
  const kib = (b: number) => (b / 1024).toFixed(1);
  console.log(`total self size: ${kib(before.total)} -> ${kib(after.total)} KiB; per workflow ${kib((after.total - before.total) / workflows)} KiB\n`);
  const diff = [...after.groups].map(([g, a]) => {
    const b = before.groups.get(g) ?? { count: 0, size: 0 };
    return { g, count: (a.count - b.count) / workflows, size: (a.size - b.size) / workflows };
  });
  diff.sort((x, y) => y.size - x.size);
  console.log('per workflow: KiB  objects  group');
  for (const d of diff.slice(0, top)) {
    console.log(`${kib(d.size).padStart(8)} ${d.count.toFixed(1).padStart(8)}  ${d.g}`);
    const ra = after.retainers.get(d.g) ?? new Map<string, number>();
    const rb = before.retainers.get(d.g) ?? new Map<string, number>();
    const rs = [...ra].map(([k, c]) => [k, (c - (rb.get(k) ?? 0)) / workflows] as const).filter(([, c]) => c >= 0.5).sort((x, y) => y[1] - x[1]);
    for (const [k, c] of rs.slice(0, 4)) console.log(`${''.padStart(18)}  <- ${c.toFixed(1)} x ${k}`);
  }
  const sd = [...after.strings].map(([k, a]) => {
    const b = before.strings.get(k) ?? { count: 0, size: 0 };
    return { k, count: (a.count - b.count) / workflows, size: (a.size - b.size) / workflows };
  });
  sd.sort((x, y) => y.size - x.size);
  console.log('\nstrings per workflow: KiB  count  opening');
  for (const s of sd.slice(0, 15)) console.log(`${kib(s.size).padStart(8)} ${s.count.toFixed(1).padStart(6)}  ${JSON.stringify(s.k)}`);
  console.log('\nnew objects by holder (shortest path; bench/heap-holders.ts), per workflow: KiB  objects  holder');
  for (const h of holders(afterFile, before.ids, workflows).slice(0, top)) console.log(`${h.kib.toFixed(1).padStart(8)} ${h.objects.toFixed(1).padStart(8)}  ${h.holder}`);
}

main();
