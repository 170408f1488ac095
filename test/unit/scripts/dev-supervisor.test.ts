// The pure part of watching the `make` above `make dev`: reading its caught-signals mask.
import { caughtSignals } from '../../../scripts/dev-supervisor';

describe('caughtSignals', () => {
  it('reads the SigCgt mask of /proc/<pid>/status as a number', () => {
    const status = 'Name:\tmake\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000004a02\nCapInh:\t0000000000000000\n';
    const mask = caughtSignals(status)!;
    expect(mask & (1n << 1n)).not.toBe(0n); // SIGINT (2) is caught
    expect(mask & (1n << 14n)).not.toBe(0n); // SIGTERM (15) is caught
    expect(mask & (1n << 0n)).toBe(0n); // SIGHUP (1) is not
  });

  it('says it cannot tell when the status has no mask', () => {
    expect(caughtSignals('Name:\tmake\n')).toBeUndefined();
  });
});
