// A Temporal dev server as a process the fault suite can kill: `temporal server start-dev` on a
// SQLite file (--db-filename) and fixed free loopback ports, so a restart finds its workflows and
// its clients find it where it was. Search attributes and dynamic config from temporal-dev.yaml.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadTemporalDev, serverExtraArgs } from '../../config/temporal-dev';
import { freePort } from './elasticsearch';

const ROOT = resolve(__dirname, '../..');

export interface TemporalProcess {
  /** 127.0.0.1:<port>, the same across restarts. */
  address: string;
  /** Starts the server (again) on the same file and ports; resolves when it answers. */
  start(): Promise<void>;
  /** Kills the server (SIGKILL: no goodbye) and waits for the exit. */
  kill(): Promise<void>;
}

/** A dev server on `dir`/temporal.sqlite, started; kill() it in the test's cleanup. */
export async function startTemporalProcess(dir: string): Promise<TemporalProcess> {
  const cli = process.env.TEMPORAL_CLI ?? join(ROOT, '.tools/bin/temporal');
  if (!existsSync(cli)) throw new Error(`temporal not found at ${cli}: run \`make setup\` (or set TEMPORAL_CLI)`);
  const dev = loadTemporalDev(join(ROOT, 'temporal-dev.yaml'));
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const args = [
    'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort),
    '--namespace', 'default', '--log-level', 'error', '--db-filename', join(dir, 'temporal.sqlite'), ...serverExtraArgs(dev),
  ];
  const log = join(dir, 'temporal.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const answers = async () => {
    const conn = await Connection.connect({ address, connectTimeout: 1_000 }).catch(() => undefined);
    if (!conn) return false;
    try {
      await conn.workflowService.getSystemInfo({});
      return true;
    } catch {
      return false;
    } finally {
      await conn.close();
    }
  };

  const server: TemporalProcess = {
    address,
    async start() {
      const out = openSync(log, 'a');
      const c = spawn(cli, args, { stdio: ['ignore', out, out] });
      child = c;
      exited = new Promise((r) => c.once('exit', () => r()));
      const deadline = Date.now() + 60_000;
      while (!(await answers())) {
        if (c.exitCode !== null || Date.now() > deadline) {
          await server.kill();
          throw new Error(`the Temporal dev server on ${address} did not start; its log:\n${readFileSync(log, 'utf8').slice(-2_000)}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async kill() {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  await server.start();
  return server;
}
