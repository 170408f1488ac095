// The real worker as its own OS process (worker/main.ts with a config file), for tests that kill
// it with SIGKILL mid-work; startNodeProcess does the same for the api and the watcher (the fault
// suite, test/faults). Every process started here is killed by `killAllWorkerProcesses()`.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { exampleRaw } from './config';
import type { Stack } from './stack';

const ROOT = resolve(__dirname, '../..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the worker polls its task queue; rejects if it exits first. */
  ready: Promise<void>;
  output(): string;
  /** SIGKILL (no goodbye) or SIGTERM, and wait for the exit. */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

export interface NodeProcess extends Omit<WorkerProcess, 'ready'> {
  /** Resolves with the match of `readyPattern` in its stdout; rejects if it exits first. */
  ready: Promise<RegExpExecArray>;
}

const children = new Set<ChildProcess>();

export interface NodeProcessOptions {
  /** More node options before the entry (e.g. `-r` preloads). */
  nodeArgs?: string[];
  /** More environment (secrets the config reads with fromEnv, LOG_LEVEL). */
  env?: Record<string, string>;
}

/** A product entry (e.g. `api/main.ts`) run from the sources as its own process. */
export function startNodeProcess(entry: string, args: string[], readyPattern: RegExp, opts: NodeProcessOptions = {}): NodeProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ...(opts.nodeArgs ?? []), entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'WARN', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => children.delete(child));
  let out = '';
  const ready = new Promise<RegExpExecArray>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = readyPattern.exec(out);
      if (m) ok(m);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => fail(new Error(`${entry} exited early (${code}): ${out}`)));
  });
  return {
    child,
    ready,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export function startWorkerProcess(configFile: string, opts: NodeProcessOptions = {}): WorkerProcess {
  const p = startNodeProcess('worker/main.ts', ['--config', configFile], /worker polling/, opts);
  return { ...p, ready: p.ready.then(() => undefined) };
}

export async function killAllWorkerProcesses(): Promise<void> {
  await Promise.all([...children].map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGKILL'))))));
}

/**
 * A config file for worker processes of `stack`: the shipped example on the stack's Temporal server
 * and data dir, changed by `mutate`. Returns its path.
 */
export function writeWorkerConfig(stack: Pick<Stack, 'dataDir'> & { env: { address: string } }, mutate: (raw: Record<string, any>) => void): string {
  const raw = exampleRaw();
  raw.temporal = { address: stack.env.address, namespace: 'default', taskQueue: 'incidents' };
  raw.dataDir = stack.dataDir;
  raw.api = { host: '127.0.0.1', port: 0, tokens: [] };
  // A free port for the health endpoint, no SDK metrics port: several worker processes may run at once.
  raw.worker = { host: '127.0.0.1', port: 0, sdkMetricsPort: 0 };
  mutate(raw);
  const file = join(stack.dataDir, 'worker.yaml');
  writeFileSync(file, stringify(raw));
  return file;
}
