// CLI for `make dev`: start a simulated cluster, write a kubeconfig (readOnly token by default), run
// scenarios and say what they do. Stops on SIGINT/SIGTERM. Runs from source: the simulator is a
// dev and test tool, kept out of the production build.
//   node -r @swc-node/register simcluster/main.ts --port 6443 --scenario crashLoopRollout --kubeconfig data/sim/kubeconfig
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimCluster } from './cluster';
import { recover, SCENARIO_NAMES, scenarios, tick, type ScenarioName } from './scenarios';
import type { SimCluster } from './types';

const USAGE = `usage: node -r @swc-node/register simcluster/main.ts [options]
  --port <n>              port on 127.0.0.1 (default 6443; 0 picks a free one)
  --name <cluster>        cluster name in the kubeconfig (default sim)
  --scenario <name>       run a scenario; repeat or comma-separate for several
                          (${SCENARIO_NAMES.join(', ')})
  --kubeconfig <path>     write a kubeconfig with the readOnly token here (default data/sim/kubeconfig)
  --admin-kubeconfig <p>  also write one with the admin token (for kubectl-style poking)
  --lease-namespace <ns>  namespace where the readOnly identity may manage Leases (default default)
  --tick <seconds>        repeat the scenarios' trouble this often (restart/event counts rise); 0 = never
  --recover-after <s>     recover the scenarios after this many seconds; 0 = never
On demand: create the file "recover" next to the kubeconfig (touch data/sim/recover) and the
scenarios recover (the rollout's pods run and turn ready); the file is removed once read.`;

function fail(message: string): never {
  process.stderr.write(`simcluster: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function seconds(v: string | undefined, flag: string): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail(`${flag} expects a number of seconds >= 0, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string', default: '6443' },
        name: { type: 'string', default: 'sim' },
        scenario: { type: 'string', multiple: true, default: [] },
        kubeconfig: { type: 'string', default: 'data/sim/kubeconfig' },
        'admin-kubeconfig': { type: 'string' },
        'lease-namespace': { type: 'string', default: 'default' },
        tick: { type: 'string' },
        'recover-after': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port expects 0-65535, got "${args.port}"`);
  const names = args.scenario.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(SCENARIO_NAMES as string[]).includes(n));
  if (unknown.length) fail(`unknown scenario ${unknown.map((u) => `"${u}"`).join(', ')}`);
  const tickS = seconds(args.tick, '--tick');
  const recoverS = seconds(args['recover-after'], '--recover-after');

  let cluster: SimCluster;
  try {
    cluster = await startSimCluster({ name: args.name, port, leaseNamespace: args['lease-namespace'] });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is taken; stop what uses it or pass --port` : (err as Error).message);
  }
  const say = (line: string) => process.stdout.write(`[simcluster ${cluster.name}] ${line}\n`);
  const kubeconfig = resolve(args.kubeconfig);
  cluster.writeKubeconfig(kubeconfig, 'readOnly');
  say(`API server at ${cluster.url}; kubeconfig (read-only identity ${cluster.readOnlyUser}) written to ${kubeconfig}`);
  if (args['admin-kubeconfig']) {
    cluster.writeKubeconfig(resolve(args['admin-kubeconfig']), 'admin');
    say(`admin kubeconfig written to ${resolve(args['admin-kubeconfig'])}`);
  }
  for (const n of names as ScenarioName[]) scenarios[n](cluster, { say });

  const timers: NodeJS.Timeout[] = [];
  if (tickS > 0 && names.length) {
    timers.push(setInterval(() => {
      for (const n of names as ScenarioName[]) tick(cluster, n);
      say(`tick: ${names.join(', ')} got worse (resourceVersion ${cluster.resourceVersion()})`);
    }, tickS * 1000));
  }
  if (recoverS > 0 && names.length) {
    timers.push(setTimeout(() => {
      timers.forEach((t) => clearInterval(t));
      for (const n of names as ScenarioName[]) recover(cluster, n, { say });
    }, recoverS * 1000));
  }

  // The demo's "fix it" switch: a file, so no pid or port is needed to reach this process.
  const recoverFile = join(dirname(kubeconfig), 'recover');
  rmSync(recoverFile, { force: true });
  if (names.length) {
    timers.push(setInterval(() => {
      if (!existsSync(recoverFile)) return;
      rmSync(recoverFile, { force: true });
      timers.forEach((t) => clearInterval(t));
      say(`${recoverFile} found: recovering ${names.join(', ')}`);
      for (const n of names as ScenarioName[]) recover(cluster, n, { say });
    }, 1000));
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    timers.forEach((t) => clearTimeout(t));
    say(`${signal}: stopping`);
    cluster.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`simcluster: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
