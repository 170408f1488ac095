// The raw Temporal ceiling, measured in the same run on the same server as the project's figure:
// a trivial workflow (fixtures/raw-workflow.ts) on its own task queue, run by its own worker
// process, whose one activity reports to a loopback sink here (as the project's alert reaches the
// fake Slack).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { rawAck, rawCount, rawOccurrence } from '../fixtures/raw-workflow';
import { startNodeProcess, type NodeProcess } from './procs';
import { pool } from './util';

export const RAW_TASK_QUEUE = 'bench-raw';

export class RawCeiling {
  private constructor(
    private readonly client: Client,
    /** Workflow id -> when its activity reached the sink (ms since the epoch). */
    readonly alertedAt: Map<string, number>,
    private readonly sink: Server,
    readonly worker: NodeProcess,
  ) {}

  static async start(client: Client, address: string): Promise<RawCeiling> {
    const alertedAt = new Map<string, number>();
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (!alertedAt.has(body)) alertedAt.set(body, Date.now());
        res.end('ok');
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/alert`;
    try {
      const worker = await startNodeProcess(['-r', '@swc-node/register', 'bench/raw-worker.ts'], [address, RAW_TASK_QUEUE, url], 'raw worker polling');
      return new RawCeiling(client, alertedAt, sink, worker);
    } catch (err) {
      sink.close();
      throw err;
    }
  }

  /** One signal-with-start, as signalAnomaly does for the project. */
  signalWithStart(id: string, alert: boolean): Promise<unknown> {
    return this.client.workflow.signalWithStart('rawIncident', { workflowId: id, taskQueue: RAW_TASK_QUEUE, args: [{ alert }], signal: rawOccurrence, signalArgs: [{}] });
  }

  /** Signal-with-start for every id (repeats allowed), `concurrency` in flight; returns the ms it took. */
  async storm(ids: string[], concurrency: number, alert: boolean): Promise<number> {
    const t0 = Date.now();
    await pool(ids, concurrency, (id) => this.signalWithStart(id, alert));
    return Date.now() - t0;
  }

  count(id: string): Promise<number> {
    return this.client.workflow.getHandle(id).query(rawCount);
  }

  /** The Update round trip the project's ack stands on. */
  ack(id: string): Promise<string> {
    return this.client.workflow.getHandle(id).executeUpdate(rawAck, { args: ['bench'] });
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await new Promise((r) => this.sink.close(r));
  }
}
