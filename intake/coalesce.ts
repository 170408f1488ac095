// Per-key coalescing with a leading edge and a trailing batch, shared by the watcher's sender and
// the api's anomaly intake. The first item for an idle key is sent at once (a new incident is never
// held back); items arriving while a send for that key is in flight, or within `windowMs` after it
// started, are merged into ONE follow-up send. Per key, sends go out one at a time and in order, so
// an occurrence is never overtaken by a later item of the same key. Every submit resolves with the
// result of the send that carried it (or rejects with its error): a caller learns "done" only once
// its item was really sent.

export interface CoalescerOptions<T, R> {
  send(key: string, item: T): Promise<R>;
  /** Folds `next` into `into`; undefined when the two cannot be one send (e.g. a recovery). */
  merge(into: T, next: T): T | undefined;
  /** Minimum time between two sends of one key; 0 holds followers only while a send is in flight. */
  windowMs: number;
}

interface Entry<T, R> {
  item: T;
  waiters: { ok: (r: R) => void; fail: (e: unknown) => void }[];
}

interface KeyState<T, R> {
  queue: Entry<T, R>[];
  running: boolean;
  /** Set while the window since the last send start is open. */
  windowTimer?: NodeJS.Timeout;
  /** A submit asked for no more holding (flush, a recovery): the window is ignored until idle. */
  urgent: boolean;
}

export class Coalescer<T, R = void> {
  private readonly keys = new Map<string, KeyState<T, R>>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: CoalescerOptions<T, R>) {}

  /** Queues `item` for `key`; `now` sends it (and anything held before it) without waiting out the window. */
  submit(key: string, item: T, opts: { now?: boolean } = {}): Promise<R> {
    const s = this.state(key);
    return new Promise<R>((ok, fail) => {
      const last = s.queue[s.queue.length - 1];
      // queue[0] is in flight while running: never merge into what is already on the wire.
      const mergeable = last && !(s.running && last === s.queue[0]);
      const merged = mergeable ? this.o.merge(last.item, item) : undefined;
      if (last && merged !== undefined) {
        last.item = merged;
        last.waiters.push({ ok, fail });
      } else s.queue.push({ item, waiters: [{ ok, fail }] });
      if (opts.now) this.hurry(key);
      else this.pump(key);
    });
  }

  /** Ends the window hold for `key`, so what is queued goes as soon as the send in flight is done. */
  hurry(key: string): void {
    const s = this.keys.get(key);
    if (!s) return;
    s.urgent = true;
    this.pump(key);
  }

  /** Sends everything held now; resolves when all keys are idle. */
  async drain(): Promise<void> {
    for (const key of [...this.keys.keys()]) this.hurry(key);
    if (this.pending() === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Items queued or in flight, counted as sends (a merged batch is one). */
  pending(): number {
    let n = 0;
    for (const s of this.keys.values()) n += s.queue.length;
    return n;
  }

  /** Drops everything not yet sent (their callers get `reason`) and all window timers. */
  abandon(reason: Error): void {
    for (const s of this.keys.values()) {
      if (s.windowTimer) clearTimeout(s.windowTimer);
      s.windowTimer = undefined;
      for (const e of s.queue.splice(s.running ? 1 : 0)) for (const w of e.waiters) w.fail(reason);
    }
  }

  private state(key: string): KeyState<T, R> {
    let s = this.keys.get(key);
    if (!s) this.keys.set(key, (s = { queue: [], running: false, urgent: false }));
    return s;
  }

  private pump(key: string): void {
    const s = this.keys.get(key);
    if (!s || s.running || s.queue.length === 0) return;
    if (s.windowTimer && !s.urgent) return; // the window's end pumps again
    const entry = s.queue[0]!;
    s.running = true;
    if (this.o.windowMs > 0 && !s.urgent) {
      if (s.windowTimer) clearTimeout(s.windowTimer);
      s.windowTimer = setTimeout(() => {
        s.windowTimer = undefined;
        this.pump(key);
        this.settle(key);
      }, this.o.windowMs);
      s.windowTimer.unref(); // a window never keeps a stopping process alive
    }
    void this.o.send(key, entry.item).then(
      (r) => this.finish(key, entry, (w) => w.ok(r)),
      (e: unknown) => this.finish(key, entry, (w) => w.fail(e)),
    );
  }

  private finish(key: string, entry: Entry<T, R>, tell: (w: Entry<T, R>['waiters'][number]) => void): void {
    const s = this.keys.get(key)!;
    s.running = false;
    if (s.queue[0] === entry) s.queue.shift();
    for (const w of entry.waiters) tell(w);
    this.pump(key);
    this.settle(key);
  }

  /** Forgets an idle key (its window over) and wakes drain() when nothing is left anywhere. */
  private settle(key: string): void {
    const s = this.keys.get(key);
    if (s && !s.running && s.queue.length === 0) {
      s.urgent = false;
      if (!s.windowTimer) this.keys.delete(key);
    }
    if (this.pending() === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}
