// Turning tracing on (or off) under open incidents is safe: the workflow code with the tracing
// interceptors replays every release history, which were all recorded without them. The
// interceptors add spans and headers, never commands.
import { bundleWorkflowCode } from '@temporalio/worker';
import { TRACING_WORKFLOW_MODULE } from '../../../telemetry/tracing';
import { releaseHistories, replayAll, SCENARIOS } from '../../workflow/histories/releases';

it('replays every release history deterministically with the tracing interceptors in the workflow bundle', async () => {
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../../workflows'),
    workflowInterceptorModules: [TRACING_WORKFLOW_MODULE],
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop },
  });
  expect(code).toContain('HandleUpdate'); // the interceptors are in, so this replay is a traced one
  const histories = releaseHistories();
  expect(histories.length).toBeGreaterThanOrEqual(SCENARIOS.length);
  const results = await replayAll({ workflowBundle: { code } }, histories);
  const failed = [...results].filter(([, error]) => error).map(([name, error]) => `${name}: ${error!.message}`);
  expect(failed).toEqual([]);
  expect([...results.keys()].sort()).toEqual(histories.map((h) => h.name).sort());
}, 120_000);
