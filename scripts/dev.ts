// `make dev`: the whole stack on one machine. Starts the Temporal dev server described by
// temporal-dev.yaml (SQLite under data/temporal/, so incidents survive restarts), then the worker and
// the api, prefixes their output, waits until the api is ready and prints how to drive a demo.
// Ctrl-C or SIGTERM stops everything it started; if one process dies, the rest are stopped too.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { connectTemporalClient } from '../temporal/connection';
import { ConfigError, configPathFromArgs, loadConfigFile } from '../config/load';
import { loadTemporalDev, startDevArgs } from '../config/temporal-dev';
import {
  appChildren, childPrefix, demoCurlCommand, SIM_KUBECONFIG, SIM_PORT, simChildren, localBaseUrl, portTakenMessage, prefixLines, repoRoot, temporalCliPath,
} from './dev-helpers';
import { verboseFrom } from './dev-console';
import { Supervisor } from './dev-supervisor';

const ROOT = repoRoot(__dirname); // dist/scripts/dev.js, or scripts/dev.ts for `--preflight`
const STOP_GRACE_MS = 10_000; // the worker finishes in-flight activity tasks within this
const START_TIMEOUT_MS = 90_000; // first start creates the SQLite schema; slow disks take a while

const say = (text: string) => process.stdout.write(prefixLines(childPrefix('dev'), text));
const complain = (text: string) => process.stderr.write(prefixLines(childPrefix('dev'), text));
const supervisor = new Supervisor({
  cwd: ROOT,
  say,
  complain,
  graceMs: STOP_GRACE_MS,
  stages: [['watcher'], ['api', 'worker'], ['cluster'], ['temporal']],
  verbose: verboseFrom(process.env),
});
/** The banner as last printed, for `make dev-banner` from another terminal; removed on exit. */
const BANNER_FILE = resolve(ROOT, 'data/dev-banner.txt');

function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}

/** A stable random token in data/dev-token: the curl printed yesterday still works today. */
function devToken(dataDir: string): string {
  const file = resolve(dataDir, 'dev-token');
  const existing = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (/^[0-9a-f]{32,}$/.test(existing)) return existing;
  const token = randomBytes(24).toString('hex');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Binding is the only honest test: a connect probe misses a socket bound on another address. */
function bindError(host: string, port: number): Promise<string | undefined> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? String(err)));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => done(undefined)));
  });
}

/**
 * Temporal is ready when it answers an RPC and lists the search attributes temporal-dev.yaml asks
 * for: an open port alone can precede both, and the worker refuses to start without them.
 */
async function temporalReady(address: string, namespace: string, names: string[]): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await connectTemporalClient({ address, namespace }, { connectTimeoutMs: 1000 });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return names.every((n) => n in (customAttributes ?? {}));
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}

/** Polls until `probe` holds. False when the stack is stopping meanwhile (a child died). */
async function waitFor(what: string, probe: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!supervisor.stopping) {
    if (await probe()) return !supervisor.stopping;
    if (Date.now() > deadline) {
      complain(`${what} was not ready after ${START_TIMEOUT_MS / 1000}s; see its output above`);
      void supervisor.shutdown(1);
      return false;
    }
    await sleep(250);
  }
  return false;
}

/**
 * Everything `make dev` checks before it builds or starts anything: a second `make dev` must stop
 * here, before the Makefile removes dist/ under the one already running (`--preflight` ends here).
 */
async function preflight() {
  const dev = loadOrExit(() => loadTemporalDev(resolve(ROOT, 'temporal-dev.yaml')));
  const configPath = loadOrExit(() => resolve(configPathFromArgs()));
  const cfg = loadOrExit(() => loadConfigFile(configPath));
  const s = dev.server;
  const problems: string[] = [];
  const cli = temporalCliPath(ROOT);
  if (!existsSync(cli)) problems.push(`Temporal CLI not found at ${cli}: run \`make setup\`, or set TEMPORAL_CLI to your own \`temporal\``);
  // A cluster whose kubeconfig is the simulated cluster's: run the simulator and a watcher for it.
  const simCluster = cfg.clusters.find((c) => c.kubeconfig && resolve(ROOT, c.kubeconfig) === resolve(ROOT, SIM_KUBECONFIG));
  const ports: [string, string, number][] = [
    ['Temporal frontend', s.ip, s.port],
    ['Temporal UI', s.ip, s.uiPort],
    ['api', cfg.api.host, cfg.api.port],
    ...(simCluster ? ([['simulated cluster', '127.0.0.1', SIM_PORT]] as [string, string, number][]) : []),
  ];
  for (const [what, host, port] of ports) {
    const err = await bindError(host, port);
    if (err === 'EADDRINUSE') problems.push(portTakenMessage(what, host, port));
    else if (err) problems.push(`cannot listen on ${host}:${port} for the ${what} (${err})`);
  }
  if (problems.length) {
    problems.forEach(complain);
    process.exit(1);
  }
  return { dev, s, configPath, cfg, cli, simCluster };
}

async function main(): Promise<void> {
  const { dev, s, configPath, cfg, cli, simCluster } = await preflight();
  if (process.argv.includes('--preflight')) return;
  supervisor.handleSignals();

  const expected = `${s.ip}:${s.port}`;
  if (cfg.temporal.address !== expected || cfg.temporal.namespace !== s.namespace)
    complain(`warning: ${configPath} points at Temporal ${cfg.temporal.address} namespace "${cfg.temporal.namespace}", but the dev server runs at ${expected} namespace "${s.namespace}"`);
  const apps = appChildren(ROOT, configPath);
  const missing = apps.find((a) => !existsSync(a.args[0]!));
  if (missing) return fail(`${missing.args[0]} is missing: run \`make dev\` (it builds first) or \`make build\``);

  const dataDir = resolve(ROOT, 'data');
  mkdirSync(dataDir, { recursive: true });
  if (s.dbFilename) mkdirSync(dirname(resolve(ROOT, s.dbFilename)), { recursive: true });
  const token = devToken(dataDir);

  // Temporal's internal workers warn about every poll cut short while it stops itself.
  supervisor.start({ name: 'temporal', command: cli, args: startDevArgs(dev, ROOT), quietWhenStopping: /level=WARN/ }, process.env);
  say(`starting Temporal on ${expected}${s.dbFilename ? ` (data in ${s.dbFilename})` : ' (in memory)'}`);
  if (!(await waitFor('Temporal', () => temporalReady(expected, s.namespace, Object.keys(dev.searchAttributes))))) return;

  const env = { ...process.env, INCIDENT_API_TOKEN: token };
  const sim = simCluster && simChildren(ROOT, configPath, simCluster.name);
  if (sim) {
    // The worker builds its diagnostics clients from this kubeconfig at start: write it first.
    rmSync(resolve(ROOT, SIM_KUBECONFIG), { force: true });
    supervisor.start(sim.sim, env);
    if (!(await waitFor('simulated cluster', async () => existsSync(resolve(ROOT, SIM_KUBECONFIG))))) return;
  }
  apps.forEach((a) => supervisor.start(a, env));
  if (sim) supervisor.start(sim.watcher, env);
  const api = localBaseUrl(cfg.api.host, cfg.api.port);
  if (!(await waitFor('api', () => httpOk(`${api}/readyz`)))) return;

  const banner = [
      '',
      'k8s-incident-flow dev stack is up (Ctrl-C stops everything).',
      `  Local chat:   ${api}/chat`,
      `  Temporal UI:  http://${s.ip}:${s.uiPort}`,
      ...(sim ? [`  Cluster:      simulated "${simCluster!.name}" on 127.0.0.1:${SIM_PORT}: a crash-looping rollout; its incident appears in #incidents within seconds`] : []),
      `  API token:    data/dev-token (sent as "Authorization: Bearer <token>")`,
      '  Trigger a demo incident (run it again to add an occurrence):',
      '',
      demoCurlCommand(api, token),
      '',
      supervisor.verbose
        ? 'Showing every line of every process (VERBOSE=1).'
        : 'Shown: start-up lines, incident lifecycle lines, warnings and errors. `make dev VERBOSE=1` shows everything.',
      'Press Enter here (or run `make dev-banner` elsewhere) to print this again.',
      '',
    ].join('\n');
  process.stdout.write(banner);
  writeFileSync(BANNER_FILE, banner, { mode: 0o600 }); // it carries the api token, like data/dev-token
  process.on('exit', () => rmSync(BANNER_FILE, { force: true }));
  // Enter in the terminal prints the banner again once the start-up lines have scrolled it away.
  if (process.stdin.isTTY) process.stdin.on('data', () => process.stdout.write(banner)).resume();
}

function fail(message: string): void {
  complain(message);
  process.exit(1);
}

// A closed terminal or `| head` must not crash us before the children are stopped.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
main().catch((err: unknown) => {
  complain(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  void supervisor.shutdown(1);
});
