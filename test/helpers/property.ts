// Runs and seed for the property tests (test/**/*.property.test.ts). `make test` runs every
// property a few dozen times with a fixed seed, so it is reproducible and the property files
// together stay near 10 s; `make properties` sets FC_RUNS=10000, and FC_SEED explores other
// inputs. A failure names the seed and the command that replays it.
import fc from 'fast-check';

/** The seed of `make test` (any fixed number would do: it only has to stay the same). */
export const DEFAULT_SEED = 20261205;
const DEFAULT_RUNS = 100;

function envInt(name: string, example: string, ok: (n: number) => boolean): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || !ok(n)) throw new Error(`${name}="${raw}" is not usable: set a whole number, e.g. ${name}=${example}, or unset it for the default.`);
  return n;
}

/** Cases per property: FC_RUNS, else `fallback` (for properties costlier than most). */
export function runs(fallback = DEFAULT_RUNS): number {
  return envInt('FC_RUNS', '10000', (n) => n >= 1) ?? fallback;
}

/** FC_SEED, else the fixed seed. */
export function seed(): number {
  return envInt('FC_SEED', '42', (n) => n >= -(2 ** 31) && n < 2 ** 31) ?? DEFAULT_SEED;
}

/**
 * fc.assert with the run's seed and number of cases (an async property gives a promise to await).
 * fast-check's own report (counterexample, shrink path) is kept; the line in front says how to
 * replay it from a shell.
 */
export function assertProperty<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, options?: { runs?: number }): void;
export function assertProperty<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, options?: { runs?: number }): Promise<void>;
export function assertProperty<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>, options: { runs?: number } = {}): void | Promise<void> {
  const numRuns = runs(options.runs);
  const s = seed();
  const withReplay = (err: unknown): never => {
    const file = expect.getState().testPath?.replace(`${process.cwd()}/`, '') ?? '<file>';
    const replay = `replay with FC_SEED=${s} FC_RUNS=${numRuns} NODE_OPTIONS=--experimental-vm-modules npx jest ${file} --ci`;
    if (err instanceof Error) err.message = `${replay}\n${err.message}`;
    throw err;
  };
  try {
    const done = fc.assert(property as fc.IAsyncProperty<Ts>, { numRuns, seed: s }) as Promise<void> | undefined;
    return done?.catch(withReplay);
  } catch (err) {
    withReplay(err);
  }
}
