// Issue 10, item 9: what `make dev` shows of its children's output, through the real Supervisor
// (scripts/dev-supervisor.ts) and real child processes printing lines of the real shapes.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const FIXTURE = resolve(__dirname, 'fixtures/console.ts');
const run = async (verbose: string) =>
  (await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', FIXTURE], { cwd: resolve(__dirname, '../../..'), env: { ...process.env, NODE_OPTIONS: '', VERBOSE: verbose }, timeout: 30_000 })).stdout;

describe('the make dev console', () => {
  it('shows warnings, lifecycle and start-up lines, and hides request logs, ticks and SDK INFO', async () => {
    const out = await run('');
    expect(out).toContain('[api]      WARN no api.tokens configured: REST and anomaly intake will answer 401 to everyone\n');
    expect(out).toContain('[worker]   INFO incident incident/dev/x acknowledged by alice\n');
    expect(out).toContain('[cluster]  [simcluster dev] API server at http://127.0.0.1:6443\n');
    expect(out).not.toMatch(/request completed|tick:|Worker state changed/);
  }, 40_000);

  it('shows every line as printed with VERBOSE=1', async () => {
    const out = await run('1');
    expect(out).toContain('"msg":"request completed"');
    expect(out).toContain('[cluster]  [simcluster dev] tick: crashLoopRollout got worse (resourceVersion 105)\n');
    expect(out).toContain('"sdkComponent":"worker","taskQueue":"incidents","state":"RUNNING","msg":"Worker state changed"}\n');
  }, 40_000);
});
