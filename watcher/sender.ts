// The watcher's signal sender, watcher -> Temporal (anomalies are validated and signalled with
// intake/, the anomaly intake the api's POST /api/anomalies uses too). Occurrences of one
// fingerprint are coalesced over a short window and sent as ONE signal-with-start carrying
// `count`, so an event storm is not a signal storm. Per fingerprint, signals go out in order (an
// occurrence is never overtaken by the recovery that followed it); across fingerprints at most
// `maxConcurrent` are in flight. Failures retry with backoff: an anomaly is delayed while Temporal
// is down, never dropped.
import type { Client } from '@temporalio/client';
import { parseAnomaly } from '../intake/schema';
import { signalAnomaly, signalRecovery } from '../intake/signal';
import { severityRank, type Anomaly, type Recovery } from '../workflows/definitions';
import type { Metrics } from './metrics';
import type { Logger } from './log';

/** Where coalesced signals go: Temporal in production (temporalSignaler), a recorder in unit tests. */
export interface Signaler {
  occurrence(anomaly: Anomaly): Promise<void>;
  /** Resolves quietly when there is no open incident to tell. */
  recovered(fingerprint: string, recovery: Recovery): Promise<'delivered' | 'no-incident'>;
}

export function temporalSignaler(client: Client, cluster: string, taskQueue: string): Signaler {
  return {
    async occurrence(anomaly) {
      await signalAnomaly(client, anomaly, { taskQueue });
    },
    recovered: (fingerprint, recovery) => signalRecovery(client, cluster, fingerprint, recovery),
  };
}

export interface SignalSenderOptions {
  signaler: Signaler;
  windowMs: number;
  maxConcurrent: number;
  metrics: Metrics;
  log: Logger;
  retry?: { initialMs: number; maxMs: number };
}

type Item = { type: 'occurrence'; anomaly: Anomaly; count: number } | { type: 'recovered'; message: string; observedAt: string };

interface Lane {
  buffer?: { anomaly: Anomaly; count: number; timer: NodeJS.Timeout };
  queue: Item[];
  running: boolean;
}

export class SignalSender {
  private readonly lanes = new Map<string, Lane>();
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: SignalSenderOptions) {}

  occurrence(anomaly: Anomaly, count = 1): void {
    if (this.stopped) return;
    const lane = this.lane(anomaly.fingerprint);
    this.o.metrics.inc('watcher_occurrences_total', { kind: anomaly.kind }, count);
    if (lane.buffer) {
      const b = lane.buffer;
      // The newest sample wins, but the severity never drops inside one window.
      const severity = severityRank(anomaly.severity) >= severityRank(b.anomaly.severity) ? anomaly.severity : b.anomaly.severity;
      b.anomaly = { ...anomaly, severity };
      b.count += count;
      return;
    }
    const timer = setTimeout(() => this.release(anomaly.fingerprint), this.o.windowMs);
    lane.buffer = { anomaly, count, timer };
  }

  recovered(fingerprint: string, message: string): void {
    if (this.stopped) return;
    const lane = this.lane(fingerprint);
    this.release(fingerprint); // the occurrence before the recovery goes first
    lane.queue.push({ type: 'recovered', message, observedAt: new Date().toISOString() });
    this.pump(fingerprint);
  }

  /** Sends everything buffered now and waits until all lanes are empty (or `timeoutMs` passes). */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    for (const fp of this.lanes.keys()) this.release(fp);
    if (this.isIdle()) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((ok) => this.idleWaiters.push(() => ok(true)));
    const late = new Promise<boolean>((ok) => (timer = setTimeout(() => ok(false), timeoutMs)));
    const done = await Promise.race([idle, late]);
    clearTimeout(timer);
    return done;
  }

  /** Stops accepting work; lanes still retrying give up at their next attempt. */
  stop(): void {
    this.stopped = true;
    for (const lane of this.lanes.values()) if (lane.buffer) clearTimeout(lane.buffer.timer);
  }

  pending(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += (l.buffer ? 1 : 0) + l.queue.length + (l.running ? 1 : 0);
    return n;
  }

  private isIdle(): boolean {
    return this.pending() === 0;
  }

  private lane(fp: string): Lane {
    let lane = this.lanes.get(fp);
    if (!lane) this.lanes.set(fp, (lane = { queue: [], running: false }));
    return lane;
  }

  /** Moves the window's buffer to the lane's queue, merging into a queued occurrence not sent yet. */
  private release(fp: string): void {
    const lane = this.lanes.get(fp);
    if (!lane?.buffer) return;
    const { anomaly, count, timer } = lane.buffer;
    clearTimeout(timer);
    lane.buffer = undefined;
    const last = lane.queue[lane.queue.length - 1];
    if (last?.type === 'occurrence') {
      last.anomaly = { ...anomaly, severity: severityRank(anomaly.severity) >= severityRank(last.anomaly.severity) ? anomaly.severity : last.anomaly.severity };
      last.count += count;
    } else lane.queue.push({ type: 'occurrence', anomaly, count });
    this.pump(fp);
  }

  private pump(fp: string): void {
    const lane = this.lanes.get(fp)!;
    if (lane.running) return;
    lane.running = true;
    void (async () => {
      try {
        while (lane.queue.length > 0 && !this.stopped) {
          const item = lane.queue[0]!;
          await this.acquire();
          try {
            await this.sendWithRetry(fp, item);
          } finally {
            this.releaseSlot();
          }
          lane.queue.shift();
        }
      } finally {
        lane.running = false;
        if (!lane.buffer && lane.queue.length === 0) this.lanes.delete(fp);
        if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
      }
    })();
  }

  private async sendWithRetry(fp: string, item: Item): Promise<void> {
    const retry = this.o.retry ?? { initialMs: 500, maxMs: 30_000 };
    let delay = retry.initialMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.send(fp, item);
        return;
      } catch (err) {
        if (this.stopped) return;
        this.o.metrics.inc('watcher_signal_failures_total', { type: item.type });
        if (attempt === 1 || attempt % 10 === 0) this.o.log.warn(`signal for ${fp} failed (attempt ${attempt}, retrying in ${delay} ms): ${(err as Error).message}`, { fingerprint: fp });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, retry.maxMs);
      }
    }
  }

  private async send(fp: string, item: Item): Promise<void> {
    if (item.type === 'recovered') {
      const r = await this.o.signaler.recovered(fp, { observedAt: item.observedAt, message: item.message });
      this.o.metrics.inc(r === 'delivered' ? 'watcher_signals_total' : 'watcher_recoveries_without_incident_total', r === 'delivered' ? { type: 'recovered' } : {});
      this.o.log.debug(r === 'delivered' ? `signalled the recovery of ${fp}` : `recovered ${fp}: no open incident to tell`, { fingerprint: fp });
      return;
    }
    const parsed = parseAnomaly({ ...item.anomaly, count: Math.min(item.count, 1_000_000) });
    if (!parsed.ok) {
      // A bug in the watcher, not a passing outage: retrying would never succeed.
      this.o.metrics.inc('watcher_invalid_anomalies_total');
      this.o.log.error(`dropping an invalid anomaly for ${fp}: ${parsed.fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { fingerprint: fp });
      return;
    }
    await this.o.signaler.occurrence(parsed.anomaly);
    this.o.metrics.inc('watcher_signals_total', { type: 'occurrence' });
    this.o.log.debug(`signalled ${parsed.anomaly.count ?? 1} occurrence(s) of ${fp}`, { fingerprint: fp });
  }

  private async acquire(): Promise<void> {
    while (this.inFlight >= this.o.maxConcurrent) await new Promise<void>((r) => this.waiters.push(r));
    this.inFlight++;
  }

  private releaseSlot(): void {
    this.inFlight--;
    this.waiters.shift()?.();
  }
}
