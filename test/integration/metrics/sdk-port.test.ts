// A taken worker.sdkMetricsPort stops the real worker process at start with the key to change,
// before it connects anywhere (the SDK's exporter binds when the Runtime is installed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { exampleRaw } from '../../helpers/config';
import { killAllWorkerProcesses, startWorkerProcess } from '../../helpers/worker-process';

let dir: string;
let taken: Server;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sdk-port-'));
  taken = createServer();
  await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok));
});
afterAll(async () => {
  await killAllWorkerProcesses();
  await new Promise<void>((ok) => taken.close(() => ok()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the worker SDK metrics port', () => {
  it('names worker.sdkMetricsPort and the way out when the port is taken', async () => {
    const raw = exampleRaw();
    const port = (taken.address() as { port: number }).port;
    raw.worker = { host: '127.0.0.1', port: 0, sdkMetricsPort: port };
    raw.temporal = { address: '127.0.0.1:1', namespace: 'default', taskQueue: 'incidents' };
    raw.dataDir = join(dir, 'data');
    const file = join(dir, 'worker.yaml');
    writeFileSync(file, stringify(raw));
    const worker = startWorkerProcess(file);
    await expect(worker.ready).rejects.toThrow(`worker.sdkMetricsPort: cannot serve Temporal SDK metrics on 127.0.0.1:${port}`);
    expect(worker.output()).toContain('choose another port, or 0 to turn them off');
  }, 60_000);
});
