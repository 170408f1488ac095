// The property-test helper must do what `make test` and `make properties` rely on: a fixed seed and
// a small count unless FC_SEED / FC_RUNS say otherwise, a clear refusal of unusable values, and a
// failure that says how to replay it.
import fc from 'fast-check';
import { assertProperty, DEFAULT_SEED, runs, seed } from '../../helpers/property';

const saved = { runs: process.env.FC_RUNS, seed: process.env.FC_SEED };
afterEach(() => {
  for (const [name, value] of [['FC_RUNS', saved.runs], ['FC_SEED', saved.seed]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('the property-test helper', () => {
  it('uses the fixed seed and the fallback count unless FC_SEED and FC_RUNS are set', () => {
    delete process.env.FC_RUNS;
    delete process.env.FC_SEED;
    expect([seed(), runs(), runs(7)]).toEqual([DEFAULT_SEED, 100, 7]);
    process.env.FC_RUNS = '10000';
    process.env.FC_SEED = '-42';
    expect([seed(), runs(), runs(7)]).toEqual([-42, 10_000, 10_000]);
  });

  it('refuses values it cannot use, saying what to set', () => {
    process.env.FC_RUNS = '1e3x';
    expect(() => runs()).toThrow('FC_RUNS="1e3x" is not usable: set a whole number, e.g. FC_RUNS=10000, or unset it for the default.');
    process.env.FC_RUNS = '0';
    expect(() => runs()).toThrow(/FC_RUNS="0" is not usable/);
    process.env.FC_SEED = '99999999999';
    expect(() => seed()).toThrow(/FC_SEED="99999999999" is not usable/);
  });

  it('runs the given number of cases, the same ones for the same seed', () => {
    process.env.FC_SEED = '7';
    const seen = (): number[] => {
      const out: number[] = [];
      assertProperty(fc.property(fc.integer(), (n) => void out.push(n)), { runs: 25 });
      return out;
    };
    const first = seen();
    expect(first).toHaveLength(25);
    expect(seen()).toEqual(first);
  });

  it('puts the replay command with seed and count in front of a failure, sync or async', async () => {
    process.env.FC_SEED = '3';
    process.env.FC_RUNS = '50';
    const replay = /^replay with FC_SEED=3 FC_RUNS=50 NODE_OPTIONS=--experimental-vm-modules npx jest test\/unit\/helpers\/property\.test\.ts --ci\n/;
    expect(() => assertProperty(fc.property(fc.nat(), (n) => n < 10))).toThrow(replay);
    await expect(assertProperty(fc.asyncProperty(fc.nat(), async (n) => n < 10))).rejects.toThrow(replay);
  });
});
