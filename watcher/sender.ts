// The watcher's signal sender, watcher -> Temporal (anomalies are validated and signalled with
// intake/, the anomaly intake the api's POST /api/anomalies uses too). The first occurrence of a
// fingerprint goes out at once (leading edge: a new incident is not held for the window); later
// occurrences within `windowMs` are coalesced into ONE signal carrying `count` (trailing batch), so
// an event storm is not a signal storm. intake/coalesce.ts does this for the api too. Per
// fingerprint, signals go out in order (an occurrence is never overtaken by the recovery that
// followed it); across fingerprints at most `maxConcurrent` are in flight. Failures retry with
// backoff: an anomaly is delayed while Temporal is down, never dropped.
import type { Client } from '@temporalio/client';
import { Coalescer } from '../intake/coalesce';
import { parseAnomaly } from '../intake/schema';
import { foldSample, signalAnomaly, signalRecovery } from '../intake/signal';
import { type Anomaly, type Recovery } from '../workflows/definitions';
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

/** Two occurrences become one: the newest sample wins, but the severity never drops inside one batch. */
function mergeItems(into: Item, next: Item): Item | undefined {
  if (into.type !== 'occurrence' || next.type !== 'occurrence') return undefined;
  return { type: 'occurrence', anomaly: foldSample(into.anomaly, next.anomaly), count: into.count + next.count };
}

export class SignalSender {
  private readonly coalescer: Coalescer<Item>;
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly o: SignalSenderOptions) {
    this.coalescer = new Coalescer<Item>({ windowMs: o.windowMs, merge: mergeItems, send: (fp, item) => this.sendInSlot(fp, item) });
  }

  occurrence(anomaly: Anomaly, count = 1): void {
    if (this.stopped) return;
    this.o.metrics.inc('watcher_occurrences_total', { kind: anomaly.kind }, count);
    void this.coalescer.submit(anomaly.fingerprint, { type: 'occurrence', anomaly, count });
  }

  recovered(fingerprint: string, message: string): void {
    if (this.stopped) return;
    // `now`: the occurrence held before the recovery goes first, without waiting out its window.
    void this.coalescer.submit(fingerprint, { type: 'recovered', message, observedAt: new Date().toISOString() }, { now: true });
  }

  /** Sends everything held now and waits until all lanes are empty (or `timeoutMs` passes). */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((ok) => (timer = setTimeout(() => ok(false), timeoutMs)));
    const done = await Promise.race([this.coalescer.drain().then(() => true), late]);
    clearTimeout(timer);
    return done;
  }

  /** Stops accepting work; what is still held gets one last attempt, lanes retrying give up at their next attempt. */
  stop(): void {
    void this.coalescer.drain();
    this.stopped = true;
  }

  pending(): number {
    return this.coalescer.pending();
  }

  private async sendInSlot(fp: string, item: Item): Promise<void> {
    await this.acquire();
    try {
      await this.sendWithRetry(fp, item);
    } finally {
      this.releaseSlot();
    }
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
