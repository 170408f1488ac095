// Issue 10, bug 4: `kill -INT <pid of make>` alone must stop every child of `make dev`. GNU make does
// not pass SIGINT on to its recipe and the children sit in their own process groups, so the
// supervisor watches the make above it. Real GNU make, the real Supervisor (scripts/dev-supervisor.ts)
// with cheap children; the shutdown order keeps it quiet: watcher, then apps, then Temporal.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from '../../helpers/eventually';

const ROOT = resolve(__dirname, '../../..');
let dir: string;
let make: ChildProcess | undefined;
let out = '';
let pids: Record<string, number> = {};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dev-signals-'));
  // A simple recipe line: make runs node itself (no shell in between), like `make dev` does.
  writeFileSync(join(dir, 'Makefile'), `run:\n\t@node -r @swc-node/register ${join(ROOT, 'test/integration/processes/fixtures/supervised.ts')}\n`);
  out = '';
  pids = {};
});
afterEach(() => {
  if (make && make.exitCode === null && make.signalCode === null) make.kill('SIGKILL');
  for (const pid of Object.values(pids)) if (alive(pid)) process.kill(-pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startMake(): Promise<{ exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  make = spawn('make', ['-s', '-C', ROOT, '-f', join(dir, 'Makefile'), 'run'], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => make!.once('exit', (code, signal) => r({ code, signal })));
  make.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  make.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const line = await eventually(async () => /^pids (.*)$/m.exec(out)?.[1], 'the supervised children to start', 30_000);
  pids = JSON.parse(line);
  return { exited };
}

describe('stopping `make dev` by signalling make alone', () => {
  it('stops every child when only make gets SIGINT, watcher first and Temporal last', async () => {
    const { exited } = await startMake();
    expect(Object.values(pids).every(alive)).toBe(true);
    process.kill(make!.pid!, 'SIGINT');
    const ended = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    expect(ended).not.toBe('hung');
    expect(Object.values(pids).filter(alive)).toEqual([]);
    const order = [...out.matchAll(/stopped (\w+)/g)].map((m) => m[1]);
    expect(order).toEqual(['watcher', 'api', 'temporal']);
    // Temporal's own shutdown warnings are counted, not shown.
    expect(out).not.toContain('level=WARN');
    expect(out).toContain('temporal stopped (2 warnings of its own shutdown not shown)');
  }, 60_000);

  it('stops every child when make itself dies', async () => {
    await startMake();
    process.kill(make!.pid!, 'SIGKILL');
    await eventually(async () => Object.values(pids).every((p) => !alive(p)) || undefined, 'every child to stop', 20_000);
  }, 60_000);
});
