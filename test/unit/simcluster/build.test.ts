// The simulated cluster is a dev and test tool: the production build (Dockerfile, `make build`)
// must not compile it, while `make dev` still starts it from source.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { simChildren } from '../../../scripts/dev-helpers';

const ROOT = resolve(__dirname, '../../..');

describe('the production build', () => {
  it('compiles no simcluster file and no dev script, whatever imports them', () => {
    // --listFilesOnly lists every file the build compiles, imported ones included, without emitting.
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(tsc.stderr).toBe('');
    const files = tsc.stdout.split('\n').filter((f) => f && !f.includes('/node_modules/')).map((f) => relative(ROOT, f));
    expect(files).toContain('worker/main.ts');
    expect(files).toContain('watcher/main.ts');
    expect(files.filter((f) => f.startsWith('simcluster/') || f.startsWith('scripts/dev'))).toEqual([]);
  }, 120_000);
});

describe('make dev', () => {
  it('starts the simulated cluster from its source through @swc-node/register', () => {
    const { sim } = simChildren(ROOT, 'config.yaml', 'dev');
    expect(sim.args.slice(0, 2)).toEqual(['-r', '@swc-node/register']);
    expect(existsSync(sim.args[2]!)).toBe(true);
    expect(relative(ROOT, sim.args[2]!)).toBe('simcluster/main.ts');
  });
});
