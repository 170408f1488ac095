// A per-workspace, per-method (and per-channel where the platform counts per channel) budget for
// chat API calls, so a burst of incidents queues in the worker instead of bouncing off 429s.
// Token buckets refill continuously; callers that find one empty wait in a priority queue (lower
// number first, then arrival order), so alerts and pages of critical incidents go out before card
// updates and thread replies. Nobody waits longer than `maxWaitMs`: a call that would (or did)
// wait longer fails with the wait the bucket expects, and the activity retries then, instead of
// holding a worker slot and its start-to-close timeout hostage. A 429 that still happens empties
// the bucket until its Retry-After. Pure: the clock and timers are injected (tests use a fake).

export interface Budget {
  /** Sustained calls per minute. */
  perMinute: number;
  /** Calls allowed at once after a quiet period (bucket size). */
  burst: number;
}

export interface LimiterClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// Monotonic: a wall-clock jump on the worker host (NTP step, VM resume) must neither stall the
// buckets (backward) nor refill them at once (forward); test/faults/clock-jump.fault.ts shows it.
export const systemClock: LimiterClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.(); // a waiting call keeps nothing alive on its own; its promise does
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** A call gave up waiting for budget; `retryAfterMs` is when the bucket expects to have room for it. */
export class RateLimitWait extends Error {
  constructor(
    readonly bucket: string,
    readonly retryAfterMs: number,
  ) {
    super(`the ${bucket} budget is used up; retry in ${Math.ceil(retryAfterMs / 1000)}s`);
  }
}

export interface AcquireOptions {
  /** Lower goes first (Temporal priority keys: 1 most urgent). */
  priority?: number;
  /** Called every `heartbeatMs` while waiting (an activity heartbeats, so a long wait is not a hang). */
  onWait?: () => void;
  /** Aborting (activity cancelled, worker shutting down) leaves the queue with the signal's reason. */
  signal?: AbortSignal;
}

interface Waiter {
  priority: number;
  seq: number;
  deadline: number;
  resolve: () => void;
  reject: (err: Error) => void;
  onWait?: () => void;
}

interface Bucket {
  name: string;
  budget: Budget;
  tokens: number;
  refilledAt: number;
  blockedUntil: number;
  queue: Waiter[];
  timer?: unknown;
  timerAt?: number;
}

export interface LimiterOptions {
  /** Longest a call waits in the worker before it fails retryably (default 60 s). */
  maxWaitMs?: number;
  /** How often a waiting call's `onWait` runs (default 10 s). */
  heartbeatMs?: number;
  clock?: LimiterClock;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxWaitMs: number;
  private readonly heartbeatMs: number;
  private readonly clock: LimiterClock;
  private seq = 0;

  constructor(opts: LimiterOptions = {}) {
    this.maxWaitMs = opts.maxWaitMs ?? 60_000;
    this.heartbeatMs = opts.heartbeatMs ?? 10_000;
    this.clock = opts.clock ?? systemClock;
  }

  /** Resolves when the call named `bucket` may go out; rejects with RateLimitWait past the max wait. */
  acquire(bucket: string, budget: Budget, opts: AcquireOptions = {}): Promise<void> {
    const b = this.bucket(bucket, budget);
    const now = this.clock.now();
    this.refill(b, now);
    const priority = opts.priority ?? 3;
    if (b.queue.length === 0 && b.tokens >= 1 - 1e-9 && now >= b.blockedUntil) {
      b.tokens -= 1;
      return Promise.resolve();
    }
    // Waiting longer than allowed from the start: fail now and keep the worker slot free.
    const ahead = b.queue.filter((w) => w.priority <= priority).length;
    const expected = this.waitFor(b, ahead, now);
    if (expected > this.maxWaitMs) return Promise.reject(new RateLimitWait(bucket, expected));
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const abort = () => {
        b.queue = b.queue.filter((q) => q !== w);
        reject(signal!.reason);
        this.schedule(b, this.clock.now());
      };
      const done = <A extends unknown[]>(fn: (...a: A) => void) => (...a: A) => {
        signal?.removeEventListener('abort', abort);
        fn(...a);
      };
      const w: Waiter = { priority, seq: ++this.seq, deadline: now + this.maxWaitMs, resolve: done(resolve), reject: done(reject), onWait: opts.onWait };
      const at = b.queue.findIndex((q) => q.priority > priority);
      b.queue.splice(at < 0 ? b.queue.length : at, 0, w);
      signal?.addEventListener('abort', abort, { once: true });
      this.schedule(b, now);
    });
  }

  /** The service answered 429: nothing more goes out on this bucket until Retry-After has passed. */
  rateLimited(bucket: string, budget: Budget, retryAfterMs: number): void {
    const b = this.bucket(bucket, budget);
    const now = this.clock.now();
    this.refill(b, now);
    b.tokens = 0;
    b.blockedUntil = Math.max(b.blockedUntil, now + retryAfterMs);
    this.schedule(b, now);
  }

  /** Waiting calls per bucket (for tests and metrics). */
  waiting(bucket: string): number {
    return this.buckets.get(bucket)?.queue.length ?? 0;
  }

  private bucket(name: string, budget: Budget): Bucket {
    let b = this.buckets.get(name);
    if (!b) {
      b = { name, budget, tokens: budget.burst, refilledAt: this.clock.now(), blockedUntil: 0, queue: [] };
      this.buckets.set(name, b);
    } else if (b.budget.perMinute !== budget.perMinute || b.budget.burst !== budget.burst) {
      b.budget = budget; // a config reload changed it
      b.tokens = Math.min(b.tokens, budget.burst);
    }
    return b;
  }

  private refill(b: Bucket, now: number): void {
    const from = Math.max(b.refilledAt, b.blockedUntil);
    if (now > from) b.tokens = Math.min(b.budget.burst, b.tokens + ((now - from) * b.budget.perMinute) / 60_000);
    b.refilledAt = Math.max(b.refilledAt, now);
  }

  /** How long until the call after `ahead` queued ones can go out. */
  private waitFor(b: Bucket, ahead: number, now: number): number {
    const interval = 60_000 / b.budget.perMinute;
    const blocked = Math.max(0, b.blockedUntil - now);
    const short = ahead + 1 - (blocked > 0 ? 0 : b.tokens);
    return blocked + Math.max(0, short) * interval;
  }

  private pump(b: Bucket): void {
    const now = this.clock.now();
    b.timer = undefined;
    b.timerAt = undefined;
    this.refill(b, now);
    while (b.queue.length && b.tokens >= 1 - 1e-9 && now >= b.blockedUntil) {
      b.tokens -= 1;
      b.queue.shift()!.resolve();
    }
    // Whoever is still queued past its deadline gives up with the wait it would still have.
    const kept: Waiter[] = [];
    for (const w of b.queue) {
      if (w.deadline <= now) w.reject(new RateLimitWait(b.name, this.waitFor(b, kept.length, now)));
      else kept.push(w);
    }
    b.queue = kept;
    for (const w of kept) w.onWait?.();
    this.schedule(b, now);
  }

  /** One timer per bucket: at the next token, deadline or heartbeat, whichever is first. */
  private schedule(b: Bucket, now: number): void {
    if (b.queue.length === 0) {
      if (b.timer !== undefined) this.clock.clearTimeout(b.timer);
      b.timer = b.timerAt = undefined;
      if (b.tokens >= b.budget.burst && now >= b.blockedUntil) this.buckets.delete(b.name); // full and idle: forget it
      return;
    }
    const nextToken = Math.max(b.blockedUntil, now + this.waitFor(b, 0, now));
    const deadline = Math.min(...b.queue.map((w) => w.deadline));
    const at = Math.max(now, Math.min(nextToken, deadline, now + this.heartbeatMs));
    if (b.timer !== undefined && b.timerAt !== undefined && b.timerAt <= at) return;
    if (b.timer !== undefined) this.clock.clearTimeout(b.timer);
    b.timerAt = at;
    b.timer = this.clock.setTimeout(() => this.pump(b), at - now);
  }
}
