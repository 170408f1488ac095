// Pure helpers for `make dev` (scripts/dev.ts): process commands, output prefixing, the demo
// anomaly and the one-line curl that sends it. Kept free of side effects so they are unit tested.
import { basename, dirname, resolve } from 'node:path';
import type { Anomaly } from '../workflows/definitions';
import { fingerprint } from '../watcher/fingerprint';

export type ChildName = 'temporal' | 'worker' | 'api' | 'cluster' | 'watcher';

export interface ChildSpec {
  name: ChildName;
  command: string;
  args: string[];
  /** Output lines dropped (and counted) once the child was told to stop: its own shutdown noise. */
  quietWhenStopping?: RegExp;
}

/** The repository root from the folder of dev.ts: scripts/ (`make dev` runs it from source), or dist/scripts if compiled. */
export function repoRoot(scriptDir: string): string {
  return basename(dirname(scriptDir)) === 'dist' ? resolve(scriptDir, '../..') : resolve(scriptDir, '..');
}

/** The Temporal CLI: $TEMPORAL_CLI when set (the Makefile sets it), else the one setup.sh linked. */
export function temporalCliPath(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_CLI ? resolve(root, env.TEMPORAL_CLI) : resolve(root, '.tools/bin/temporal');
}

/** The two app processes, both reading the same config file. `node` is this very Node 24 binary. */
export function appChildren(root: string, configPath: string, node = process.execPath): ChildSpec[] {
  return [
    { name: 'worker', command: node, args: [resolve(root, 'dist/worker/main.js'), '--config', configPath] },
    { name: 'api', command: node, args: [resolve(root, 'dist/api/main.js'), '--config', configPath] },
  ];
}

/** The simulated cluster `make dev` runs when the config names its kubeconfig (see config/example.yaml). */
export const SIM_KUBECONFIG = 'data/sim/kubeconfig';
export const SIM_PORT = 6443;

/**
 * The simulated cluster (crash-looping rollout, getting worse every 20 s) and the watcher for it.
 * The simulator is dev-only and not in the production build, so it runs from source.
 */
export function simChildren(root: string, configPath: string, cluster: string, node = process.execPath): { sim: ChildSpec; watcher: ChildSpec } {
  return {
    sim: {
      name: 'cluster',
      command: node,
      args: ['-r', '@swc-node/register', resolve(root, 'simcluster/main.ts'), '--port', String(SIM_PORT), '--name', cluster, '--scenario', 'crashLoopRollout', '--tick', '20', '--kubeconfig', resolve(root, SIM_KUBECONFIG)],
    },
    watcher: { name: 'watcher', command: node, args: [resolve(root, 'dist/watcher/main.js'), '--config', configPath, '--cluster', cluster] },
  };
}

/**
 * Splits a byte stream into lines and prefixes each one. Chunks from a pipe end anywhere, so the
 * tail without a newline is held until the next chunk (or `flush` when the stream ends).
 */
export class LinePrefixer {
  private rest = '';
  constructor(private readonly prefix: string) {}

  push(chunk: string): string {
    const text = this.rest + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      this.rest = text;
      return '';
    }
    this.rest = text.slice(cut + 1);
    return prefixLines(this.prefix, text.slice(0, cut));
  }

  flush(): string {
    const out = this.rest ? prefixLines(this.prefix, this.rest) : '';
    this.rest = '';
    return out;
  }
}

/** "a\nb" -> "[x] a\n[x] b\n"; a trailing "\r" (Windows line ends, progress output) is dropped. */
export function prefixLines(prefix: string, text: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix} ${line.replace(/\r$/, '')}\n`)
    .join('');
}

/** Pads "[api]" to the width of "[temporal]" so the columns of interleaved output line up. */
export function childPrefix(name: string, width = '[temporal]'.length): string {
  return `[${name}]`.padEnd(width);
}

/** The anomaly the demo command sends: a crash-looping pod of Deployment shop/checkout in cluster dev. */
export function demoAnomaly(observedAt: string): Anomaly {
  return {
    cluster: 'dev',
    // Grouped on the Deployment, like the watcher does, so repeating the command adds occurrences
    // to the same incident instead of opening a new one.
    fingerprint: fingerprint({ kind: 'Deployment', namespace: 'shop', name: 'checkout' }, 'CrashLoopBackOff'),
    kind: 'CrashLoopBackOff',
    severity: 'error',
    resource: { kind: 'Pod', name: 'checkout-7d9f8c6b5d-x2x4q', namespace: 'shop' },
    owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container checkout in pod checkout-7d9f8c6b5d-x2x4q',
    labels: { app: 'checkout', team: 'payments' },
    observedAt,
  };
}

/** Quotes a word for POSIX shells (sh, bash, zsh). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const OBSERVED_AT_MARK = '__OBSERVED_AT__';

/**
 * One shell line that POSTs the demo anomaly. observedAt is filled in by `date` when the command
 * runs, so a repeated command reports a fresh occurrence rather than one from when `make dev` began.
 */
export function demoCurlCommand(apiBaseUrl: string, token: string): string {
  const body = JSON.stringify(demoAnomaly(OBSERVED_AT_MARK));
  const [before, after] = body.split(OBSERVED_AT_MARK) as [string, string];
  // 'json-before'"$(date ...)"'json-after': the date is substituted between two single-quoted parts.
  const data = `${shellQuote(before)}"$(date -u +%Y-%m-%dT%H:%M:%SZ)"${shellQuote(after)}`;
  const url = `${apiBaseUrl.replace(/\/$/, '')}/api/anomalies`;
  return [
    'curl -sS -X POST',
    shellQuote(url),
    '-H',
    shellQuote(`Authorization: Bearer ${token}`),
    '-H',
    shellQuote('Content-Type: application/json'),
    '-d',
    data,
  ].join(' ');
}

/** The base URL a person on this machine uses for the api (a wildcard bind is reached on loopback). */
export function localBaseUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Exit code for a stop caused by a signal, the shell convention 128 + signal number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143;
}

/** Why a child ended, for the "stopping everything" message. */
export function describeExit(name: string, code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `${name} was killed by ${signal}` : `${name} exited with code ${code ?? 'unknown'}`;
}

/** The text shown when a port `make dev` needs is already bound by something else. */
export function portTakenMessage(what: string, host: string, port: number): string {
  return (
    `${what} port ${host}:${port} is already in use. Is another \`make dev\` still running? ` +
    `Stop it (Ctrl-C in its terminal), or find the process with \`ss -ltnp 'sport = :${port}'\` or \`lsof -i :${port}\`.`
  );
}
