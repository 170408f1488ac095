// Tracing off costs nothing: in a fresh process that loads the api and the worker as their entry
// points do, no OpenTelemetry package is loaded, no global is registered, the Client and the Worker
// get no interceptors and no sinks. (The Elasticsearch client loads @opentelemetry/api, core and
// semantic-conventions for its own optional spans: an API without a provider, which records
// nothing.) The same process with OTEL_TRACES_EXPORTER=otlp is the control:
// it shows the check sees the SDK when it is there.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../../..');
const run = promisify(execFile);
/** What tracing brings: the SDK, the exporter, the resource and the Temporal interceptors. */
const SDK = ['@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/resources', '@opentelemetry/sdk-trace-base', '@temporalio/interceptors-opentelemetry'];

async function whatLoads(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const { stdout } = await run(process.execPath, ['-r', '@swc-node/register', 'test/unit/telemetry/fixtures/what-loads.ts'], {
    cwd: ROOT,
    env: { ...clean, NODE_OPTIONS: '', ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as {
    tracing: boolean;
    healthz: number;
    packages: string[];
    telemetryModules: string[];
    otelGlobal: boolean;
    clientInterceptors: number;
    workerInterceptors: number;
    workflowModules: string[];
    sinks: string[];
  };
}

describe('tracing off (the default)', () => {
  it('loads no OpenTelemetry package, registers no global and installs no interceptor or sink', async () => {
    const off = await whatLoads({});
    expect(off.packages.filter((p) => SDK.includes(p))).toEqual([]);
    expect({ ...off, packages: undefined }).toEqual({
      tracing: false,
      healthz: 200,
      packages: undefined,
      telemetryModules: ['settings.ts', 'tracing.ts'],
      otelGlobal: false,
      clientInterceptors: 0,
      workerInterceptors: 0,
      workflowModules: [],
      sinks: [],
    });
  });

  it('is told apart from tracing on, which loads the SDK and installs the interceptors, the workflow module and the span sink', async () => {
    const on = await whatLoads({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(on.tracing).toBe(true);
    expect(on.packages).toEqual(expect.arrayContaining(SDK));
    expect(on.telemetryModules).toEqual(['context.ts', 'fastify.ts', 'sdk.ts', 'settings.ts', 'tracing.ts']);
    expect(on.otelGlobal).toBe(true);
    expect(on.clientInterceptors).toBe(1);
    expect(on.workerInterceptors).toBe(1);
    expect(on.workflowModules).toEqual([expect.stringMatching(/telemetry[\\/]workflow-interceptors\.ts$/)]);
    expect(on.sinks).toEqual(['exporter']);
  });
});
