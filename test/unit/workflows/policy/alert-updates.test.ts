// The storm backoff of occurrence-driven alert updates, as a plain function (no Temporal).
import { nextAlertUpdateWait, STORM_DEBOUNCE_CAP_MS } from '../../../../workflows/policy/alert-updates';

describe('the wait before an occurrence-driven alert update', () => {
  it('is the configured debounce for the first update', () => {
    expect(nextAlertUpdateWait(2_000, undefined, undefined, true)).toBe(2_000);
  });

  it('doubles while changes keep arriving within the last wait, up to 30 s', () => {
    const waits: number[] = [];
    let last: number | undefined;
    for (let i = 0; i < 7; i++) {
      last = nextAlertUpdateWait(2_000, last, last === undefined ? undefined : 100, true);
      waits.push(last);
    }
    expect(waits).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(STORM_DEBOUNCE_CAP_MS).toBe(30_000);
  });

  it('waits the debounce for system changes alone (page, diagnostics), however soon they come', () => {
    expect(nextAlertUpdateWait(2_000, 2_000, 500, false)).toBe(2_000);
    expect(nextAlertUpdateWait(2_000, 16_000, 500, false)).toBe(2_000);
  });

  it('comes back to the debounce once the incident was quiet for a whole wait', () => {
    expect(nextAlertUpdateWait(2_000, 16_000, 16_000, true)).toBe(2_000);
    expect(nextAlertUpdateWait(2_000, 16_000, 15_999, true)).toBe(30_000);
  });

  it('never waits less than a debounce longer than the cap, nor more than it', () => {
    expect(nextAlertUpdateWait(60_000, 60_000, 10, true)).toBe(60_000);
  });

  it('stays zero for a zero debounce (updates after every change, no timer)', () => {
    expect(nextAlertUpdateWait(0, 0, 0, true)).toBe(0);
    expect(nextAlertUpdateWait(0, undefined, undefined, true)).toBe(0);
  });
});
