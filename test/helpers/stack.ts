// The whole product on one machine for integration tests: a real Temporal dev server, the api
// listening on a free 127.0.0.1 port (local chat included), and optionally the real worker whose
// local chat adapter talks to that api. Everything started here is stopped by `stop()`.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Config } from '../../config/schema';
import { buildApi } from '../../api/server';
import type { ApiLoggerOption } from '../../logging/http';
import { createIncidentWorker } from '../../worker/worker';
import { startDevServer, testWorkflowCode } from './temporal';
import { testConfig } from './config';

/** Token names in the stack's config: `ops` is a service token, the others act as that person. */
export const TOKEN_NAMES = ['ops', 'alice', 'bob', 'carol'] as const;
export type TokenName = (typeof TOKEN_NAMES)[number];

export interface StackOptions {
  /** Run the incident worker too (needed by anything that waits on the workflow). */
  worker?: boolean;
  /** Reuse a dev server (not torn down by stop()); by default the stack starts its own. */
  env?: TestWorkflowEnvironment;
  /** Adjust the raw config (the shipped example with test defaults) before it is validated. */
  config?: (raw: Record<string, any>) => void;
  /** Reuse a data dir (e.g. to restart the api over the same local chat file). */
  dataDir?: string;
  /** Fastify logger (or `{ level, stream }` to read its lines); set STACK_LOG=1 to see api logs while debugging. */
  logger?: ApiLoggerOption;
}

export interface Stack {
  env: TestWorkflowEnvironment;
  client: Client;
  config: Config;
  api: FastifyInstance;
  /** http://127.0.0.1:<port> */
  url: string;
  dataDir: string;
  tokens: Record<TokenName, string>;
  worker?: Worker;
  /** fetch against the api; `token` adds the bearer header, `json` sends a JSON body. */
  request(path: string, init?: { method?: string; token?: TokenName; json?: unknown; headers?: Record<string, string> }): Promise<Response>;
  /** Stops the worker, the api and (when the stack started it) the dev server; removes its data dir. */
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const env = opts.env ?? (await startDevServer());
  const cleanups: (() => Promise<void> | void)[] = [];
  if (!opts.env) cleanups.push(() => env.teardown());
  try {
    const tokens = Object.fromEntries(TOKEN_NAMES.map((n) => [n, randomBytes(24).toString('hex')])) as Record<TokenName, string>;
    const secrets = Object.fromEntries(TOKEN_NAMES.map((n) => [`STACK_TOKEN_${n.toUpperCase()}`, tokens[n]]));
    const config = testConfig((raw) => {
      raw.api = {
        host: '127.0.0.1',
        port: 0,
        tokens: TOKEN_NAMES.map((n) =>
          n === 'ops' ? { name: n, token: { fromEnv: 'STACK_TOKEN_OPS' }, roles: ['admin'] } : { name: n, token: { fromEnv: `STACK_TOKEN_${n.toUpperCase()}` }, person: n },
        ),
      };
      opts.config?.(raw);
    });
    if (opts.dataDir) config.dataDir = opts.dataDir;
    else cleanups.push(() => rmSync(config.dataDir, { recursive: true, force: true }));

    const api = await buildApi({ config, client: env.client, env: secrets, logger: opts.logger ?? process.env.STACK_LOG === '1' });
    cleanups.push(() => api.close());
    await api.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    // The api serves the local chat; the worker's adapter must call this very api.
    config.platforms.local.url = url;
    config.api.publicUrl = url;

    let worker: Worker | undefined;
    if (opts.worker) {
      worker = await createIncidentWorker({ connection: env.nativeConnection, namespace: 'default', config, ...testWorkflowCode() });
      const running = worker.run().catch((err: unknown) => err);
      const w = worker;
      cleanups.push(async () => {
        if (w.getState() === 'RUNNING') w.shutdown();
        const failed = await running;
        if (failed instanceof Error) throw failed;
      });
    }

    const request: Stack['request'] = (path, init = {}) =>
      fetch(`${url}${path}`, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.token ? { authorization: `Bearer ${tokens[init.token]}` } : {}),
          ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      });

    return { env, client: env.client, config, api, url, dataDir: config.dataDir, tokens, worker, request, stop: () => runCleanups(cleanups) };
  } catch (err) {
    await runCleanups(cleanups).catch(() => undefined);
    throw err;
  }
}

/** Last started, first stopped; every step runs even if an earlier one fails. */
async function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
}

export { eventually } from './eventually';
