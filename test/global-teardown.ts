// Removes the workflow bundle global-setup.ts wrote.
import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  if (process.env.TEST_WORKFLOW_BUNDLE) rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
}
