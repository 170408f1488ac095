// Prebuilds the workflow bundle (`make build`), so production workers start without webpack and
// every replica runs byte-identical workflow code.
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_PATH } from './worker';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  await writeFile(WORKFLOW_BUNDLE_PATH, code);
  process.stdout.write(`workflow bundle written to ${WORKFLOW_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)\n`);
}

main().catch((err) => {
  process.stderr.write(`bundling failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
