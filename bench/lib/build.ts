// The processes run as in production: `make build`'s steps (tsc, static files, prebuilt workflow
// bundle) into a private directory under node_modules/.cache, so the worker loads no swc and runs
// no webpack at start (both would inflate its RSS by hundreds of MiB). Built once per bench run;
// BENCH_FROM_SOURCES=1 runs the sources instead.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, 'node_modules/.cache/bench-build');
let built: string | undefined;

/** Entry for `main` (e.g. 'worker/main'): [node args...] to run it. */
export function entry(main: string): string[] {
  if (process.env.BENCH_FROM_SOURCES === '1') return ['-r', '@swc-node/register', `${main}.ts`];
  built ??= build();
  return [join(built, `${main}.js`)];
}

function build(): string {
  process.stderr.write(`  building the production processes into ${OUT} (tsc + workflow bundle)...\n`);
  rmSync(OUT, { recursive: true, force: true });
  const npx = join(ROOT, 'node_modules/.bin/tsc');
  try {
    execFileSync(process.execPath, [npx, '-p', 'tsconfig.build.json', '--outDir', OUT], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    // Type errors still emit (noEmitOnError is off); only a missing output is fatal.
    if (!existsSync(join(OUT, 'worker/main.js'))) throw err;
    process.stderr.write(`  note: tsc reported errors (other work in progress?); the emitted files are used:\n${String((err as { stdout?: Buffer }).stdout ?? '').slice(0, 2000)}\n`);
  }
  const stat = join(ROOT, 'platforms/local/inbound/static');
  if (existsSync(stat)) cpSync(stat, join(OUT, 'platforms/local/inbound/static'), { recursive: true });
  execFileSync(process.execPath, [join(OUT, 'worker/bundle.js')], { cwd: ROOT, stdio: 'pipe' });
  return OUT;
}
