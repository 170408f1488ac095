// The real processes a benchmark measures (api, raw worker; the project's worker comes from
// test/helpers/worker-process.ts), their memory and CPU from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { until, within } from './util';

const ROOT = resolve(__dirname, '../..');

export interface NodeProcess {
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * `node ...node args` (lib/build.ts entry(), or `-r @swc-node/register <script.ts>`) with `args`;
 * resolves once `ready` says so: a line it prints, or a probe (e.g. its health endpoint).
 */
export async function startNodeProcess(node: string[], args: string[], ready: string | (() => Promise<boolean>), env: Record<string, string> = {}): Promise<NodeProcess> {
  const script = node.at(-1)!;
  const child = spawn(process.execPath, [...profileArgs(script), ...node, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const proc: NodeProcess = {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    },
  };
  const started = new Promise<void>((ok, fail) => {
    const seen = (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000); // keep the tail: errors are at the end
      if (typeof ready === 'string' && out.includes(ready)) ok();
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => fail(new Error(`${script} exited early (${code}): ${out}`)));
    if (typeof ready === 'function') void until(`${script} ready`, 180_000, () => ready().catch(() => false), 250).then(() => ok(), fail);
  });
  try {
    await within(`${script} ready`, 180_000, started, () => out);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}

/** Where BENCH_PROFILE writes its CPU profiles: under node_modules, so never into git. */
export const PROFILE_DIR = resolve(ROOT, 'node_modules/.cache/bench-profiles');

/**
 * `--cpu-prof` for a process named in BENCH_PROFILE (e.g. `api`, or `api,worker`: the folder of its
 * entry). Node writes the .cpuprofile when the process exits cleanly (stop() sends SIGTERM first);
 * open it in Chrome DevTools or summarise it with `node bench/profile-summary.ts <file>`.
 */
function profileArgs(script: string): string[] {
  const wanted = (process.env.BENCH_PROFILE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const name = /(?:^|\/)([^/]+)\/[^/]+$/.exec(script)?.[1] ?? script;
  if (!wanted.includes(name)) return [];
  mkdirSync(PROFILE_DIR, { recursive: true });
  process.stderr.write(`  profiling ${name}: ${PROFILE_DIR}\n`); // one folder per process below
  // One folder per process and Node's default names: a file per thread (the worker's workflow
  // threads too), where one fixed name would keep only the last thread to exit.
  const dir = join(PROFILE_DIR, `${name}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** A `/proc/<pid>/status` memory line in bytes (0 once the process has gone). */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Resident set size of a process in bytes (0 once it has gone). */
export const rssOf = (pid: number): number => statusBytes(pid, 'VmRSS');

/** Peak resident set size of a process so far (VmHWM) in bytes (0 once it has gone). */
export const peakRssOf = (pid: number): number => statusBytes(pid, 'VmHWM');

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

/** The 1-minute load average, for the README's "machine and its load". */
export const load1 = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
