// The one table `make bench` prints: each figure beside its raw ceiling from the same run, the
// ratio, the target and whether it was met.
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSecondsOf, rssOf } from './procs';
import { round } from './util';

export interface FigureRow {
  figure: string;
  measure: string;
  project: number | string;
  raw: number | string;
  /** project / raw (x); '' when there is no raw counterpart. */
  ratio: string;
  target: string;
  met: 'yes' | 'no' | '';
  note?: string;
}

/** A row; `ratio` is computed from numbers, `ok` decides `met` (undefined: no target). */
export function figure(f: string, measure: string, project: number | string, raw: number | string, target: string, ok?: boolean, note?: string): FigureRow {
  const ratio = typeof project === 'number' && typeof raw === 'number' && raw > 0 ? `${round(project / raw, 2)}x` : '';
  return { figure: f, measure, project, raw, ratio, target, met: ok === undefined ? '' : ok ? 'yes' : 'no', ...(note ? { note } : {}) };
}

export interface ProcUsage {
  pid: number;
  name: string;
  cpuSeconds: number;
  rssMiB: number;
}

/** CPU seconds and RSS of this process's children (dev server, worker, api, raw worker): `ps` evidence. */
export function childUsage(): ProcUsage[] {
  const out: ProcUsage[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.split(') ')[1]!.split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
      // worker/main.js (built), bench/raw-worker.ts (sources), temporal (the dev server)
      const name = cmd.find((a) => /\.(ts|js)$/.test(a))?.split('/').slice(-2).join('/') ?? cmd[0]?.split('/').pop() ?? '?';
      out.push({ pid: Number(d), name, cpuSeconds: round(cpuSecondsOf(Number(d)), 1), rssMiB: Math.round(rssOf(Number(d)) / 1048576) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds each child used between two childUsage() snapshots, as "name cpu s" text. */
export function cpuBetween(before: ProcUsage[], after: ProcUsage[]): string {
  return after
    .map((a) => `${a.name} ${round(a.cpuSeconds - (before.find((b) => b.pid === a.pid)?.cpuSeconds ?? 0), 1)} s`)
    .join(', ');
}
