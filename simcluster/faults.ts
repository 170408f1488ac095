// Injected trouble. Each fault touches only what it names: failNext answers whole requests with an
// error, slow delays responses, and the watch faults act on streams already open (new ones work).
import { faultError, type StatusError } from './status';
import type { Store } from './store';
import type { SimFaults } from './types';
import type { WatchHub } from './watch';

export class Faults implements SimFaults {
  private failRemaining = 0;
  private failStatus = 500;
  latencyMs = 0;

  constructor(
    private readonly store: Store,
    private readonly watches: WatchHub,
  ) {}

  dropWatches(opts: { graceful?: boolean } = {}): void {
    this.watches.drop(opts.graceful === true);
  }

  halfOpenWatches(): void {
    this.watches.halfOpen();
  }

  failNext(n: number, status = 500): void {
    if (!Number.isInteger(n) || n < 0) throw new Error(`failNext(n): n must be a whole number >= 0, got ${n}`);
    if (!Number.isInteger(status) || status < 429 || status > 599 || (status > 429 && status < 500)) {
      throw new Error(`failNext(n, status): status must be 429 or 500-599, got ${status}`);
    }
    this.failRemaining = n;
    this.failStatus = status;
  }

  slow(ms: number): void {
    if (!(ms >= 0)) throw new Error(`slow(ms): ms must be >= 0, got ${ms}`);
    this.latencyMs = ms;
  }

  compact(): void {
    this.store.compact();
  }

  /** The injected error for this request, if one is still due. */
  takeFailure(): StatusError | undefined {
    if (this.failRemaining <= 0) return undefined;
    this.failRemaining--;
    return faultError(this.failStatus);
  }
}
