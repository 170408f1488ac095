// The worker's health endpoint for probes: `/healthz` answers while the process lives; `/readyz`
// answers 200 only while the Worker is RUNNING and Temporal answers on its connection, else 503
// with the reason (a refused key or an unreachable frontend shows here before tasks pile up).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Logger } from '../logging';

export interface WorkerHealthSource {
  /** The Worker's state: 'RUNNING' when it polls. */
  state(): string;
  /** One cheap call to Temporal over the worker's connection. */
  ping(): Promise<unknown>;
}

export interface WorkerHealth {
  url: string;
  close(): Promise<void>;
}

export async function readiness(source: WorkerHealthSource, timeoutMs: number): Promise<string | undefined> {
  const state = source.state();
  if (state !== 'RUNNING') return `worker is ${state}, not RUNNING`;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      source.ping(),
      new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return undefined;
  } catch (err) {
    // gRPC errors carry the status as a number; its name (UNAUTHENTICATED) is what a person searches for.
    const code = (err as { code?: unknown }).code;
    const name = typeof code === 'number' ? `${grpcStatus[code] ?? code}: ` : '';
    return `Temporal does not answer: ${name}${(err as Error).message.split('\n')[0]}`;
  } finally {
    clearTimeout(timer);
  }
}

export async function startWorkerHealth(opts: {
  host: string;
  port: number;
  source: WorkerHealthSource;
  timeoutMs?: number;
  /** Serves `/metrics` when given (worker/metrics.ts). */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Each request at debug: probes and scrapes are routine, never info. */
  log?: Logger;
}): Promise<WorkerHealth> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
    const path = (req.url ?? '/').split('?')[0];
    const started = performance.now();
    res.once('finish', () => opts.log?.debug({ method: req.method, url: path, statusCode: res.statusCode, responseTime: performance.now() - started }, 'request completed'));
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'use GET');
    if (path === '/healthz') return reply(200, 'ok');
    if (path === '/metrics' && opts.metrics) {
      opts.metrics().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (err: Error) => reply(500, `metrics failed: ${err.message}`),
      );
      return;
    }
    if (path !== '/readyz') return reply(404, `not found: try /healthz${opts.metrics ? ', /readyz or /metrics' : ' or /readyz'}`);
    readiness(opts.source, opts.timeoutMs ?? 2_000).then(
      (problem) => (problem ? reply(503, problem) : reply(200, 'ready')),
      (err: Error) => reply(503, err.message),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(new Error(`worker.port: cannot listen on ${opts.host}:${opts.port} for the health endpoint (${err.code ?? err.message}); choose another worker.host/worker.port`)),
    );
    server.listen(opts.port, opts.host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
