// Prebuilds the workflow bundles (`make build`), so production workers start without webpack and
// every replica runs byte-identical workflow code: the plain one, and the same code with the
// tracing interceptors, which workers load only when tracing is on (telemetry/tracing.ts).
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { TRACING_WORKFLOW_MODULE } from '../telemetry/tracing';
import { TRACED_WORKFLOW_BUNDLE_PATH, WORKFLOW_BUNDLE_PATH } from './worker';

async function main(): Promise<void> {
  const workflowsPath = require.resolve('../workflows');
  for (const [path, workflowInterceptorModules] of [
    [WORKFLOW_BUNDLE_PATH, []],
    [TRACED_WORKFLOW_BUNDLE_PATH, [TRACING_WORKFLOW_MODULE]],
  ] as const) {
    const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [...workflowInterceptorModules] });
    await writeFile(path, code);
    process.stdout.write(`workflow bundle written to ${path} (${Math.round(code.length / 1024)} KiB)\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`bundling failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
