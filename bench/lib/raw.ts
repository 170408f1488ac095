// The raw Temporal ceiling, measured in the same run on the same server as the project's figure:
// a trivial workflow (fixtures/raw-workflow.ts) on its own task queue, run by its own worker
// process, whose one activity reports to a loopback sink here (as the project's alert reaches the
// fake Slack).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { rawAck, rawCount, rawOccurrence, type RawIncidentInput } from '../fixtures/raw-workflow';
import { startNodeProcess, type NodeProcess } from './procs';
import { pool } from './util';

export const RAW_TASK_QUEUE = 'bench-raw';

/** The raw worker's options (bench/raw-worker.ts): Worker tuning keys as the project's worker sets them, and the SDK metrics port. */
export interface RawWorkerOptions {
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskPolls?: number;
  maxConcurrentActivityTaskPolls?: number;
  sdkMetricsPort?: number;
}

let bundled: Promise<string> | undefined;
/** The raw workflow bundled once per bench run, here, as the project's bundle is prebuilt: no webpack in the measured process. */
function rawBundle(): Promise<string> {
  bundled ??= (async () => {
    const noop = () => undefined;
    const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop };
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../fixtures/raw-workflow'), logger });
    const dir = resolve(__dirname, '../../node_modules/.cache/bench-raw');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'raw-workflow.js');
    writeFileSync(file, code);
    return file;
  })();
  return bundled;
}

export class RawCeiling {
  private constructor(
    private readonly client: Client,
    /** Workflow id -> when its activity reached the sink (ms since the epoch). */
    readonly alertedAt: Map<string, number>,
    /** Workflow id -> when its `page` activity reached the sink (P4's escalation). */
    readonly pagedAt: Map<string, number>,
    private readonly sink: Server,
    readonly worker: NodeProcess,
  ) {}

  /** `nodeOptions`: NODE_OPTIONS of the raw worker process (the same heap caps as the worker under test). */
  static async start(client: Client, address: string, opts: RawWorkerOptions = {}, nodeOptions = ''): Promise<RawCeiling> {
    const alertedAt = new Map<string, number>();
    const pagedAt = new Map<string, number>();
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const seen = req.url === '/page' ? pagedAt : alertedAt;
        if (!seen.has(body)) seen.set(body, Date.now());
        res.end('ok');
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/alert`;
    try {
      // Plain Node strips the types (see raw-worker.ts); the warning is about module detection only.
      const node = ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', 'bench/raw-worker.ts'];
      const worker = await startNodeProcess(node, [address, RAW_TASK_QUEUE, url, await rawBundle(), JSON.stringify(opts)], 'raw worker polling', { NODE_OPTIONS: nodeOptions });
      return new RawCeiling(client, alertedAt, pagedAt, sink, worker);
    } catch (err) {
      sink.close();
      throw err;
    }
  }

  /** One signal-with-start, as signalAnomaly does for the project; `escalateAfterMs`: P4's level-1 wait before the page. */
  signalWithStart(id: string, alert: boolean, escalateAfterMs?: number): Promise<unknown> {
    const input: RawIncidentInput = { alert, ...(escalateAfterMs !== undefined && { escalateAfterMs }) };
    return this.client.workflow.signalWithStart('rawIncident', { workflowId: id, taskQueue: RAW_TASK_QUEUE, args: [input], signal: rawOccurrence, signalArgs: [{}] });
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
