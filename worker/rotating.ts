// Runs the incident worker and replaces it when the TLS files change: the Rust core keeps the TLS
// material of a NativeConnection for its lifetime, so a rotated client certificate (cert-manager)
// needs a new connection. The new Worker starts polling first, then the old one drains (running
// activities finish within the shutdown grace time), so the task queue is never left unpolled.
import type { NativeConnection, Worker } from '@temporalio/worker';
import { connectTemporalWorker, type ConnectOptions, type TemporalConnectionConfig, type WorkerConnection } from '../temporal/connection';
import { createIncidentWorker, type IncidentWorkerOptions } from './worker';

export interface RotatingWorkerOptions extends Omit<IncidentWorkerOptions, 'connection' | 'namespace'> {
  temporal: TemporalConnectionConfig;
  connect?: ConnectOptions;
  log?: (message: string) => void;
}

export interface RotatingWorker {
  /** The worker polling now and its connection (a new pair after each rotation). */
  current(): { worker: Worker; connection: NativeConnection };
  /** How many times the worker was replaced because its TLS files changed. */
  rotations(): number;
  /** Resolves when the current worker has stopped (shutdown() or the Runtime's signals); rejects if it failed. */
  done: Promise<void>;
  shutdown(): void;
}

interface Generation {
  wc: WorkerConnection;
  worker: Worker;
}

export async function runRotatingWorker(opts: RotatingWorkerOptions): Promise<RotatingWorker> {
  const { temporal, connect, log = (m) => process.stderr.write(`worker: ${m}\n`), ...workerOpts } = opts;
  const start = async (): Promise<Generation> => {
    const wc = await connectTemporalWorker(temporal, connect);
    try {
      return { wc, worker: await createIncidentWorker({ ...workerOpts, connection: wc.connection, namespace: temporal.namespace }) };
    } catch (err) {
      await wc.close();
      throw err;
    }
  };
  let current = await start();
  let rotations = 0;
  let rotating = false;
  let stopping = false;
  let finish!: (err?: unknown) => void;
  const done = new Promise<void>((ok, fail) => (finish = (err) => (err ? fail(err) : ok())));

  const run = (gen: Generation) => {
    gen.wc.onTlsFilesChanged(() => void rotate(gen));
    gen.worker
      .run()
      .finally(() => gen.wc.close().catch(() => undefined))
      .then(
        () => gen === current && finish(),
        (err: unknown) => (gen === current ? finish(err) : log(`the replaced worker failed while draining: ${(err as Error).message}`)),
      );
  };
  const rotate = async (gen: Generation) => {
    if (stopping || rotating || gen !== current) return;
    rotating = true;
    try {
      const next = await start();
      current = next;
      rotations += 1;
      run(next);
      gen.worker.shutdown();
      log('TLS files changed: a new worker with a new connection polls; the previous one is draining');
    } catch (err) {
      // A half-written rotation (certificate without its key yet): keep polling with what works.
      log(`TLS files changed but the new ones do not connect yet, keeping the running worker: ${(err as Error).message}`);
    } finally {
      rotating = false;
    }
  };
  run(current);
  return {
    current: () => ({ worker: current.worker, connection: current.wc.connection }),
    rotations: () => rotations,
    done,
    shutdown: () => {
      stopping = true;
      if (current.worker.getState() === 'RUNNING') current.worker.shutdown();
    },
  };
}
