// The watcher's signal sender: coalescing and ordering, with a recording signaler in place of
// Temporal (the real signal-with-start is covered by test/integration/watcher on a real server).
import { jest } from '@jest/globals';
import { SignalSender, type Signaler } from '../../../watcher/sender';
import { Metrics } from '../../../watcher/metrics';
import { silentLogger } from '../../../watcher/log';
import type { Anomaly, Recovery } from '../../../workflows/definitions';

function anomaly(fp: string, over: Partial<Anomaly> = {}): Anomaly {
  return {
    cluster: 'c1', fingerprint: fp, kind: 'CrashLoopBackOff', severity: 'warning', resource: { kind: 'Pod', name: 'p', namespace: 'shop' },
    reason: 'CrashLoopBackOff', message: 'back-off', labels: {}, observedAt: new Date().toISOString(), ...over,
  };
}

class Recorder implements Signaler {
  sent: string[] = [];
  counts: Record<string, number> = {};
  inFlight = 0;
  maxInFlight = 0;
  failures = 0;
  delayMs = 0;
  async occurrence(a: Anomaly) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failures > 0) {
        this.failures--;
        throw new Error('temporal unavailable');
      }
      this.sent.push(`occurrence:${a.fingerprint}:${a.count}:${a.severity}`);
      this.counts[a.fingerprint] = (this.counts[a.fingerprint] ?? 0) + (a.count ?? 1);
    } finally {
      this.inFlight--;
    }
  }
  async recovered(fp: string, r: Recovery) {
    this.sent.push(`recovered:${fp}:${r.message}`);
    return 'delivered' as const;
  }
}

function sender(rec: Recorder, windowMs = 50, maxConcurrent = 4) {
  return new SignalSender({ signaler: rec, windowMs, maxConcurrent, metrics: new Metrics(), log: silentLogger, retry: { initialMs: 10, maxMs: 20 } });
}

describe('the watcher signal sender', () => {
  it('sends the first occurrence at once and coalesces the rest of a storm into one signal carrying the count', async () => {
    const rec = new Recorder();
    const i = sender(rec);
    for (let n = 0; n < 500; n++) i.occurrence(anomaly('fp1'));
    i.occurrence(anomaly('fp1', { severity: 'critical' }), 3);
    i.occurrence(anomaly('fp1', { severity: 'info' }));
    expect(await i.flush(2_000)).toBe(true);
    expect(rec.sent).toEqual(['occurrence:fp1:1:warning', 'occurrence:fp1:503:critical']);
  });

  it('does not hold the first occurrence of a new fingerprint for the window (fake clock)', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      const rec = new Recorder();
      const i = sender(rec, 2_000);
      i.occurrence(anomaly('fp1'));
      await jest.advanceTimersByTimeAsync(0);
      expect(rec.sent).toEqual(['occurrence:fp1:1:warning']);
      i.occurrence(anomaly('fp1'));
      i.occurrence(anomaly('fp1'), 4);
      await jest.advanceTimersByTimeAsync(1_999);
      expect(rec.sent).toEqual(['occurrence:fp1:1:warning']);
      await jest.advanceTimersByTimeAsync(1);
      expect(rec.sent).toEqual(['occurrence:fp1:1:warning', 'occurrence:fp1:5:warning']);
      await jest.advanceTimersByTimeAsync(2_000); // the window closes quietly
      i.occurrence(anomaly('fp1'));
      await jest.advanceTimersByTimeAsync(0);
      expect(rec.sent).toHaveLength(3);
      expect(rec.counts.fp1).toBe(7);
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts every occurrence exactly once when the sender flushes on stop', async () => {
    const rec = new Recorder();
    rec.delayMs = 5;
    const i = sender(rec, 60_000);
    for (let n = 0; n < 100; n++) i.occurrence(anomaly(`fp${n % 3}`));
    expect(await i.flush(2_000)).toBe(true);
    i.stop();
    i.occurrence(anomaly('fp0'));
    expect(rec.counts).toEqual({ fp0: 34, fp1: 33, fp2: 33 });
    expect(rec.sent).toHaveLength(6);
  });

  it('sends the occurrence before the recovery that followed it', async () => {
    const rec = new Recorder();
    const i = sender(rec, 10_000);
    i.occurrence(anomaly('fp1'));
    i.recovered('fp1', 'Pod shop/p is Ready');
    expect(await i.flush(2_000)).toBe(true);
    expect(rec.sent).toEqual(['occurrence:fp1:1:warning', 'recovered:fp1:Pod shop/p is Ready']);
  });

  it('keeps at most maxConcurrent signals in flight across fingerprints', async () => {
    const rec = new Recorder();
    rec.delayMs = 30;
    const i = sender(rec, 1, 2);
    for (let n = 0; n < 8; n++) i.occurrence(anomaly(`fp${n}`));
    expect(await i.flush(5_000)).toBe(true);
    expect(rec.sent).toHaveLength(8);
    expect(rec.maxInFlight).toBe(2);
  });

  it('retries a failed signal without losing the count and merges what arrived meanwhile', async () => {
    const rec = new Recorder();
    rec.failures = 3;
    rec.delayMs = 5;
    const i = sender(rec, 1);
    i.occurrence(anomaly('fp1'), 2);
    await new Promise((r) => setTimeout(r, 20));
    i.occurrence(anomaly('fp1'), 5);
    expect(await i.flush(5_000)).toBe(true);
    expect(rec.counts.fp1).toBe(7);
  });

  it('drops an anomaly that fails validation instead of retrying it forever', async () => {
    const rec = new Recorder();
    const metrics = new Metrics();
    const i = new SignalSender({ signaler: rec, windowMs: 1, maxConcurrent: 1, metrics, log: silentLogger });
    i.occurrence(anomaly('fp/with/slash'));
    expect(await i.flush(2_000)).toBe(true);
    expect(rec.sent).toEqual([]);
    expect(metrics.get('watcher_invalid_anomalies_total')).toBe(1);
  });
});
