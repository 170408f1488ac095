// The closing table of `make test-faults`: one row per fault case, from the figures each case
// appended to the file named on the command line (test/helpers/faults.ts, reportFigures). Cases that
// failed before they reported are counted as missing, so a short table is never taken for a clean run.
// Usage: node -r @swc-node/register test/faults/summary.ts test-results/fault-figures.jsonl
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Figures } from '../helpers/faults';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: summary.ts <figures.jsonl> (the file FAULT_FIGURES named for the run)\n');
  process.exit(2);
}
const rows = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Figures & { name: string }) : [];
const head = ['fault case', 'incidents', 'lost', 'dup pages', 'dup messages', 'time to recover'];
const cells = rows.map((r) => [r.name, r.incidents, r.lost, r.duplicatePages, r.duplicateMessages, `${(r.recoverMs / 1000).toFixed(1)} s`].map(String));
const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
const line = (c: string[]) => `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
const out = ['', 'Fault suite figures', line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)];
const cases = readdirSync(__dirname).filter((f) => /\.(fault|test)\.ts$/.test(f)).length;
if (rows.length < cases) out.push(`${cases - rows.length} of ${cases} cases reported no figures (they failed before the end, or were not selected: see above)`);
process.stdout.write(`${out.join('\n')}\n`);
