// The three processes by their real start functions, each connected through temporal/connection.ts
// to a secured frontend (the TLS terminator of test/helpers/temporal-tls.ts in front of the dev
// server): the api (REST + local chat), the worker (runRotatingWorker) and a watcher on a
// simulated cluster. Everything is stopped, last started first, by `stop()`.
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import type { Config } from '../../../config/schema';
import { buildApi } from '../../../api/server';
import { startSimCluster, type SimCluster } from '../../../simcluster';
import { connectTemporalClient } from '../../../temporal/connection';
import { silentLogger } from '../../../watcher/log';
import { startClusterWatcher } from '../../../watcher/run';
import { runRotatingWorker, type RotatingWorker } from '../../../worker/rotating';
import { testConfig } from '../../helpers/config';
import { testWorkflowCode } from '../../helpers/temporal';
import { fastWatch } from '../watcher/helpers';

export const WATCH_MS = 200;

export interface SecuredStack {
  config: Config;
  sim: SimCluster;
  worker: RotatingWorker;
  /** What the worker logged (rotations). */
  workerLog: string[];
  request(path: string, init?: { token?: 'ops' | 'alice'; json?: unknown }): Promise<Response>;
  stop(): Promise<void>;
}

const TOKENS = { ops: 'secured-ops-token', alice: 'secured-alice-token' };

export async function startSecuredStack(opts: { cluster: string; temporal: Record<string, unknown>; env: NodeJS.ProcessEnv; kubeconfig: string; sim: SimCluster }): Promise<SecuredStack> {
  const stops: (() => Promise<unknown> | void)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const config = testConfig((raw) => {
      // A task queue per run: a later run's worker must not pick up an earlier run's leftover tasks.
      raw.temporal = { namespace: 'default', taskQueue: `incidents-${opts.cluster}`, ...opts.temporal };
      raw.api = {
        host: '127.0.0.1',
        port: 0,
        tokens: [
          { name: 'ops', token: { fromEnv: 'SECURED_OPS' }, roles: ['admin'] },
          { name: 'alice', token: { fromEnv: 'SECURED_ALICE' }, person: 'alice' },
        ],
      };
      raw.clusters = [{ name: opts.cluster, kubeconfig: opts.kubeconfig, watch: fastWatch() }];
    });
    stops.push(() => rmSync(config.dataDir, { recursive: true, force: true }));
    const connect = { env: opts.env, watchIntervalMs: WATCH_MS };

    const apiConnection = await connectTemporalClient(config.temporal, connect);
    stops.push(() => apiConnection.close());
    const api = await buildApi({ config, client: new Client({ connection: apiConnection, namespace: 'default' }), env: { SECURED_OPS: TOKENS.ops, SECURED_ALICE: TOKENS.alice }, logger: false });
    stops.push(() => api.close());
    await api.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    config.platforms.local.url = url;
    config.api.publicUrl = url;

    const workerLog: string[] = [];
    const worker = await runRotatingWorker({ temporal: config.temporal, config, connect, log: (m) => workerLog.push(m), ...testWorkflowCode() });
    stops.push(async () => {
      worker.shutdown();
      await worker.done;
    });

    const watcherConnection = await connectTemporalClient(config.temporal, connect);
    stops.push(() => watcherConnection.close());
    const watcher = await startClusterWatcher({
      config,
      cluster: opts.cluster,
      client: new Client({ connection: watcherConnection, namespace: 'default' }),
      log: silentLogger,
      backoff: { initialMs: 100, maxMs: 1_000 },
    });
    stops.push(() => watcher.stop());

    const request: SecuredStack['request'] = (path, init = {}) =>
      fetch(`${url}${path}`, {
        method: init.json === undefined ? 'GET' : 'POST',
        headers: { ...(init.token ? { authorization: `Bearer ${TOKENS[init.token]}` } : {}), ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      });
    return { config, sim: opts.sim, worker, workerLog, request, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A simulated cluster for one secured run; the caller stops it. */
export async function securedCluster(name: string, dir: string): Promise<{ sim: SimCluster; kubeconfig: string }> {
  const sim = await startSimCluster({ name });
  const kubeconfig = `${dir}/${name}.kubeconfig`;
  sim.writeKubeconfig(kubeconfig, 'readOnly');
  return { sim, kubeconfig };
}
