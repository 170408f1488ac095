// The child processes of `make dev`: started in their own process groups, their output prefixed,
// stopped in an order that keeps the shutdown quiet, and stopped on SIGINT/SIGTERM/SIGHUP of this
// process or of the `make` that runs it (GNU make does not pass SIGINT on to its recipe).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsoleFilter } from './dev-console';
import { childPrefix, describeExit, LinePrefixer, prefixLines, signalExitCode, type ChildSpec } from './dev-helpers';

interface Running {
  spec: ChildSpec;
  proc: ChildProcess;
  exited: Promise<void>;
  done: boolean;
  /** SIGTERM was sent: from now on `quietWhenStopping` lines are dropped and counted. */
  stopping: boolean;
  hidden: number;
}

export interface SupervisorOptions {
  cwd: string;
  say(text: string): void;
  complain(text: string): void;
  /** How long a stage may take to stop before SIGKILL. */
  graceMs: number;
  /**
   * Stop order, one stage after the other: the watcher before the cluster it watches (no
   * "restarting" informers, the Lease released while the apiserver still answers), the apps before
   * Temporal (nothing left to warn that Temporal went away), Temporal last.
   */
  stages: string[][];
  /** Every line of every child (VERBOSE=1); otherwise dev-console.ts decides what is shown. */
  verbose?: boolean;
  exit?(code: number): void;
}

export class Supervisor {
  private readonly running: Running[] = [];
  private stoppingNow = false;

  constructor(private readonly opts: SupervisorOptions) {}

  get stopping(): boolean {
    return this.stoppingNow;
  }

  get verbose(): boolean {
    return this.opts.verbose ?? false;
  }

  start(spec: ChildSpec, env: NodeJS.ProcessEnv): void {
    if (this.stoppingNow) return; // Ctrl-C during startup: start nothing more
    // detached = own process group: the terminal's Ctrl-C reaches only us, so we decide the order,
    // and a group kill also reaches any grandchildren.
    const proc = spawn(spec.command, spec.args, { cwd: this.opts.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let markExited!: () => void;
    const entry: Running = { spec, proc, done: false, stopping: false, hidden: 0, exited: new Promise((r) => (markExited = r)) };
    const quiet = (text: string): string => {
      if (!entry.stopping || !spec.quietWhenStopping || !text) return text;
      const kept = text.split('\n').filter((line) => {
        const drop = line !== '' && spec.quietWhenStopping!.test(line);
        if (drop) entry.hidden += 1;
        return !drop;
      });
      return kept.join('\n');
    };
    const prefix = childPrefix(spec.name);
    for (const [stream, sink] of [[proc.stdout, process.stdout], [proc.stderr, process.stderr]] as const) {
      const lines = new LinePrefixer(prefix);
      const filter = new ConsoleFilter(spec.name, this.opts.verbose ?? false);
      // Prefixed lines end in "\n": the last split part is '' and stays, keeping that newline.
      const calm = (text: string) =>
        text
          .split('\n')
          .flatMap((l) => {
            if (l === '') return [l];
            const shown = filter.render(l.slice(prefix.length + 1));
            return shown === undefined ? [] : prefixLines(prefix, shown).slice(0, -1).split('\n');
          })
          .join('\n');
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => sink.write(calm(quiet(lines.push(chunk)))));
      stream.on('end', () => sink.write(calm(quiet(lines.flush()))));
    }
    const ended = (why: string) => {
      if (entry.done) return;
      entry.done = true;
      markExited();
      if (!this.stoppingNow) {
        this.opts.complain(`${why}; stopping the rest`);
        void this.shutdown(1);
      }
    };
    proc.once('error', (err) => ended(`${spec.name} could not be started (${spec.command}): ${err.message}`));
    proc.once('exit', (code, signal) => ended(describeExit(spec.name, code, signal)));
    this.running.push(entry);
  }

  /** Stops every child, stage by stage, then exits with `code`. */
  async shutdown(code: number): Promise<void> {
    if (this.stoppingNow) return;
    this.stoppingNow = true;
    if (this.running.some((e) => !e.done)) this.opts.say('stopping...');
    const staged = new Set(this.opts.stages.flat());
    for (const stage of [...this.opts.stages, ['*']]) {
      await this.stop(this.running.filter((e) => (stage[0] === '*' ? !staged.has(e.spec.name) : stage.includes(e.spec.name))));
    }
    (this.opts.exit ?? process.exit)(code);
  }

  onSignal(signal: NodeJS.Signals): void {
    if (!this.stoppingNow) {
      process.stdout.write('\n');
      void this.shutdown(signalExitCode(signal));
      return;
    }
    // A second Ctrl-C means "now": do not make the person wait out the grace period.
    this.opts.complain(`${signal} again: killing everything now`);
    this.running.forEach((e) => signalGroup(e, 'SIGKILL'));
    (this.opts.exit ?? process.exit)(signalExitCode(signal));
  }

  /** SIGINT, SIGTERM and SIGHUP of this process, and a SIGINT (or the death) of a `make` above it. */
  handleSignals(): void {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => this.onSignal(s));
    watchMakeParent((signal) => this.onSignal(signal));
  }

  private async stop(entries: Running[]): Promise<void> {
    const alive = entries.filter((e) => !e.done);
    if (alive.length === 0) return;
    alive.forEach((e) => {
      e.stopping = true;
      signalGroup(e, 'SIGTERM');
    });
    const all = Promise.all(alive.map((e) => e.exited));
    if ((await Promise.race([all.then(() => true), sleep(this.opts.graceMs).then(() => false)])) === false) {
      for (const e of alive.filter((x) => !x.done)) {
        this.opts.complain(`${e.spec.name} did not stop within ${this.opts.graceMs / 1000}s: SIGKILL`);
        signalGroup(e, 'SIGKILL');
      }
      await all;
    }
    for (const e of alive.filter((x) => x.hidden > 0)) this.opts.say(`${e.spec.name} stopped (${e.hidden} warnings of its own shutdown not shown)`);
  }
}

function signalGroup(entry: Running, signal: NodeJS.Signals): void {
  if (entry.proc.pid === undefined) return;
  try {
    process.kill(-entry.proc.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** The caught-signals mask (`SigCgt:` of /proc/<pid>/status), or undefined when unreadable. */
export function caughtSignals(status: string): bigint | undefined {
  const m = /^SigCgt:\s*([0-9a-f]+)$/im.exec(status);
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

const SIGINT_BIT = 1n << 1n; // signal 2
const procText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * `kill -INT <make pid>` reaches only make, which waits for its recipe without passing the signal
 * on. GNU make resets its SIGINT handler to the default the moment it handles one, so the bit
 * leaving make's caught-signals mask (Linux /proc) is our SIGINT. A make that dies counts as SIGHUP.
 */
export function watchMakeParent(onSignal: (signal: NodeJS.Signals) => void, pollMs = 250): { stop(): void } {
  const ppid = process.ppid;
  const comm = procText(`/proc/${ppid}/comm`)?.trim();
  const mask = caughtSignals(procText(`/proc/${ppid}/status`) ?? '');
  if (!comm || !/^g?make$/.test(comm) || mask === undefined || (mask & SIGINT_BIT) === 0n) return { stop() {} };
  const timer = setInterval(() => {
    const now = process.ppid === ppid ? caughtSignals(procText(`/proc/${ppid}/status`) ?? '') : undefined;
    if (now !== undefined && (now & SIGINT_BIT) !== 0n) return;
    clearInterval(timer);
    onSignal(now === undefined ? 'SIGHUP' : 'SIGINT');
  }, pollMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
