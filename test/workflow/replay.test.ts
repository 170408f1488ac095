// Replays histories recorded from real runs (test/workflow/histories, `make record-histories`)
// against the current workflow code: a non-deterministic change fails here, not in production.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { testWorkflowCode } from '../helpers/temporal';

const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('replaying recorded incident histories', () => {
  it('has the recorded histories to replay', () => {
    expect(files).toEqual(['auto-resolve.json', 'continue-as-new-first-run.json', 'continue-as-new-second-run.json', 'lifecycle.json']);
  });

  it.each(files)('replays %s deterministically against the current workflow code', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    const code = testWorkflowCode();
    const source = 'workflowBundlePath' in code ? { workflowBundle: { codePath: code.workflowBundlePath } } : { workflowsPath: require.resolve('../../workflows') };
    await Worker.runReplayHistory({ ...source, replayName: file }, history);
  });
});
