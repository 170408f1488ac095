// Real Temporal servers for tests: the dev server (in memory, free ports, search attributes and
// dynamic config from temporal-dev.yaml) and the time-skipping test server. Binaries come from
// .tools/bin (installed by scripts/setup.sh) or TEMPORAL_CLI / TEMPORAL_TEST_SERVER.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { loadTemporalDev, serverExtraArgs } from '../../config/temporal-dev';
import { createIncidentWorker, type IncidentWorkerOptions } from '../../worker/worker';

const ROOT = resolve(__dirname, '../..');

function binary(envName: string, name: string): string {
  const p = process.env[envName] ?? resolve(ROOT, '.tools/bin', name);
  if (!existsSync(p)) throw new Error(`${name} not found at ${p}: run \`make setup\` (or set ${envName})`);
  return resolve(p);
}

/** A dev server in memory on free ports, configured from temporal-dev.yaml. */
export async function startDevServer(): Promise<TestWorkflowEnvironment> {
  const dev = loadTemporalDev(resolve(ROOT, 'temporal-dev.yaml'));
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: binary('TEMPORAL_CLI', 'temporal') },
      ip: '127.0.0.1',
      namespace: dev.server.namespace,
      extraArgs: ['--log-level', 'error', ...serverExtraArgs(dev)],
    },
  });
}

/** The time-skipping server, with the search attributes of temporal-dev.yaml registered. */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: binary('TEMPORAL_TEST_SERVER', 'temporal-test-server') } },
  });
  const dev = loadTemporalDev(resolve(ROOT, 'temporal-dev.yaml'));
  const { IndexedValueType } = temporal.api.enums.v1;
  const types: Record<string, number> = {
    Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
    Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
    Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  };
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(Object.entries(dev.searchAttributes).map(([k, t]) => [k, types[t]!])),
  });
  return env;
}

/**
 * How test workers load workflow code: the bundle test/global-setup.ts built from the current
 * sources for this run, else the sources themselves (never a possibly stale `make build` bundle).
 */
export function testWorkflowCode(): { workflowBundlePath: string } | { fromSources: true } {
  const path = process.env.TEST_WORKFLOW_BUNDLE;
  return path && existsSync(path) ? { workflowBundlePath: path } : { fromSources: true };
}

/** The same workflow code as replay options (Worker.runReplayHistory/-Histories). */
export function replayWorkflowCode(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const code = testWorkflowCode();
  return 'workflowBundlePath' in code ? { workflowBundle: { codePath: code.workflowBundlePath } } : { workflowsPath: require.resolve('../../workflows') };
}

export interface RunningWorker {
  /** Shuts the worker down and waits until it has stopped. */
  stop(): Promise<void>;
}

/** The real incident worker on `env`, polling until stop(); workflow code as testWorkflowCode() says. */
export async function runTestWorker(env: TestWorkflowEnvironment, opts: Omit<IncidentWorkerOptions, 'connection' | 'namespace'>): Promise<RunningWorker> {
  const worker = await createIncidentWorker({ connection: env.nativeConnection, namespace: 'default', ...opts, ...testWorkflowCode() });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
