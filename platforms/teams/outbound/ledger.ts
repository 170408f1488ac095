// Exactly one Teams message per idempotency key, as far as the Bot Framework allows. Teams assigns
// message ids itself (a client-chosen activity.id is ignored) and the Bot Connector cannot look
// messages up by content or metadata, so a retry cannot ask Teams "did my post arrive?". What we
// can do: never abort a post whose answer is late. The attempt that waited too long fails
// (retryable), the request runs on, and the retry joins it and gets its id; a retry after it
// finished gets the recorded id. Both hold within one worker process (the usual case: the answer
// was slow, the worker is fine). A worker that dies between Teams accepting a post and reading the
// answer can still cause one duplicate; the durable part, the message reference, lives in Temporal.
import { unavailable } from '../../../activities/errors';
import type { SendTimer } from '../shared/connector';

interface Entry<T> {
  promise: Promise<T>;
  value?: T;
  at: number;
  /** Waiting for rate budget (outbound/limits.ts): no answer is due, so no waiter's timeout runs. */
  paused: boolean;
  /** Waiters' timers, re-armed when the send goes out after a wait. */
  waiters: Set<{ pause(): void; resume(): void }>;
}

export class PostLedger<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs = 24 * 3_600_000,
    private readonly maxEntries = 10_000,
  ) {}

  /**
   * Runs `send` once per key; waits at most `timeoutMs` for an answer, leaving a late send running.
   * Time spent waiting for rate budget does not count (that wait has its own bound, the max wait).
   */
  async once(key: string, timeoutMs: number, send: (timer: SendTimer) => Promise<T>): Promise<T> {
    this.prune();
    let entry = this.entries.get(key);
    if (entry?.value !== undefined) return entry.value;
    if (!entry) {
      const created: Entry<T> = { at: Date.now(), promise: Promise.resolve(undefined as T), paused: false, waiters: new Set() };
      const timer: SendTimer = {
        pause: () => {
          created.paused = true;
          for (const w of created.waiters) w.pause();
        },
        resume: () => {
          created.paused = false;
          for (const w of created.waiters) w.resume();
        },
      };
      created.promise = send(timer).then(
        (value) => {
          created.value = value;
          return value;
        },
        (err: unknown) => {
          // Nothing was recorded, so a retry must send again.
          if (this.entries.get(key) === created) this.entries.delete(key);
          throw err;
        },
      );
      // A late failure nobody awaits any more must not become an unhandled rejection.
      created.promise.catch(() => undefined);
      this.entries.set(key, created);
      entry = created;
    }
    return withTimeout(entry, timeoutMs);
  }

  /** Whether a send for `key` is still waiting for its answer (tests and diagnostics). */
  pending(key: string): boolean {
    const e = this.entries.get(key);
    return !!e && e.value === undefined;
  }

  private prune(): void {
    const now = Date.now();
    for (const [key, e] of this.entries) {
      // Map iteration is insertion order: stop at the first entry that is young enough.
      if (now - e.at < this.ttlMs && this.entries.size <= this.maxEntries) break;
      if (e.value !== undefined || now - e.at >= this.ttlMs) this.entries.delete(key);
      else break;
    }
  }
}

function withTimeout<T>(entry: Entry<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let fail: (err: unknown) => void = () => undefined;
  const late = new Promise<never>((_, reject) => (fail = reject));
  const waiter = {
    pause: () => clearTimeout(timer),
    resume: () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(unavailable(`Teams did not answer within ${ms} ms; the post may still arrive, and the retry reuses it instead of posting again`)), ms);
    },
  };
  entry.waiters.add(waiter);
  if (!entry.paused) waiter.resume();
  return Promise.race([entry.promise, late]).finally(() => {
    clearTimeout(timer);
    entry.waiters.delete(waiter);
  });
}
