// A time-skipping server and incident worker of its own for each test of a file. The time-skipping
// server refuses a CancelTimer for a timer that fired while the cancelling workflow task ran
// (sdk-java#3088) and never gives that run another task; its open task also holds time skipping,
// so on a shared server every later env.sleep waits in real time and the rest of the file times
// out. Apart, only the test that met it fails. The real server accepts such a cancel.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { runTestWorker, startTimeSkippingServer, type RunningWorker } from './temporal';

type WorkerOptions = Parameters<typeof runTestWorker>[1];

/** Registers beforeEach/afterEach: a fresh server, `setup(env)` for the worker's options, then both stopped. */
export function timeSkippingServerPerTest(setup: (env: TestWorkflowEnvironment) => WorkerOptions): void {
  let env: TestWorkflowEnvironment | undefined;
  let worker: RunningWorker | undefined;
  beforeEach(async () => {
    env = await startTimeSkippingServer();
    worker = await runTestWorker(env, setup(env));
  }, 120_000);
  afterEach(async () => {
    await worker?.stop();
    await env?.teardown();
    worker = undefined;
    env = undefined;
  }, 60_000);
}
