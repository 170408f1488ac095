import { RateLimiter, RateLimitWait, type LimiterClock } from '../../../activities/chat/ratelimit';

/** A clock that moves only when told to, running due timers in time order. */
class FakeClock implements LimiterClock {
  t = 1_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
  get pending(): number {
    return this.timers.length;
  }
}
const flush = () => new Promise<void>((r) => setImmediate(r));

const perSecond = { perMinute: 60, burst: 3 };

function track(p: Promise<void>, into: string[], label: string): Promise<void> {
  return p.then(
    () => void into.push(label),
    (err: Error) => void into.push(`${label}:${err instanceof RateLimitWait ? `wait${err.retryAfterMs}` : err.message}`),
  );
}

describe('RateLimiter', () => {
  it('lets a burst up to the bucket size through at once, then one call per interval', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const done: string[] = [];
    for (let i = 0; i < 6; i++) void track(limiter.acquire('post C1', perSecond), done, `c${i}`);
    await flush();
    expect(done).toEqual(['c0', 'c1', 'c2']);
    await clock.advance(999);
    expect(done).toHaveLength(3);
    await clock.advance(1);
    expect(done).toEqual(['c0', 'c1', 'c2', 'c3']);
    await clock.advance(2_000);
    expect(done).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    expect(clock.pending).toBe(0);
  });

  it('serves queued calls by priority, then in arrival order', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const done: string[] = [];
    await limiter.acquire('b', { perMinute: 60, burst: 1 }); // empty the bucket
    void track(limiter.acquire('b', { perMinute: 60, burst: 1 }, { priority: 4 }), done, 'update1');
    void track(limiter.acquire('b', { perMinute: 60, burst: 1 }, { priority: 3 }), done, 'warning-alert');
    void track(limiter.acquire('b', { perMinute: 60, burst: 1 }, { priority: 4 }), done, 'update2');
    void track(limiter.acquire('b', { perMinute: 60, burst: 1 }, { priority: 1 }), done, 'critical-alert');
    void track(limiter.acquire('b', { perMinute: 60, burst: 1 }, { priority: 1 }), done, 'critical-page');
    await clock.advance(5_000);
    expect(done).toEqual(['critical-alert', 'critical-page', 'warning-alert', 'update1', 'update2']);
  });

  it('keeps buckets apart: a busy method or channel does not hold up another', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const one = { perMinute: 60, burst: 1 };
    await limiter.acquire('post C1', one);
    const done: string[] = [];
    void track(limiter.acquire('post C1', one), done, 'C1 again');
    void track(limiter.acquire('post C2', one), done, 'C2');
    void track(limiter.acquire('update', one), done, 'update');
    await flush();
    expect(done).toEqual(['C2', 'update']);
    await clock.advance(1_000);
    expect(done).toEqual(['C2', 'update', 'C1 again']);
  });

  it('fails a call at once, with the wait it would have, when the queue ahead is longer than the max wait', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, maxWaitMs: 3_000 });
    const b = { perMinute: 60, burst: 1 };
    await limiter.acquire('b', b);
    const done: string[] = [];
    for (let i = 0; i < 4; i++) void track(limiter.acquire('b', b), done, `c${i}`);
    await flush();
    // c0..c2 wait 1, 2 and 3 s; c3 would wait 4 s > 3 s: it fails now and holds no slot.
    expect(done).toEqual(['c3:wait4000']);
    expect(limiter.waiting('b')).toBe(3);
    await clock.advance(3_000);
    expect(done).toEqual(['c3:wait4000', 'c0', 'c1', 'c2']);
  });

  it('fails a queued call past its max wait when more urgent calls kept jumping ahead', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, maxWaitMs: 2_500 });
    const b = { perMinute: 60, burst: 1 };
    await limiter.acquire('b', b);
    const done: string[] = [];
    void track(limiter.acquire('b', b, { priority: 4 }), done, 'update');
    await clock.advance(500);
    void track(limiter.acquire('b', b, { priority: 1 }), done, 'alert1');
    void track(limiter.acquire('b', b, { priority: 1 }), done, 'alert2');
    await clock.advance(2_000);
    // At 2.5 s the update has waited its max: the alerts took the tokens at 1 s and 2 s.
    expect(done).toEqual(['alert1', 'alert2', 'update:wait500']);
    expect(limiter.waiting('b')).toBe(0);
  });

  it('blocks a bucket for the Retry-After of a 429 that still happened', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const done: string[] = [];
    limiter.rateLimited('b', perSecond, 5_000);
    void track(limiter.acquire('b', perSecond), done, 'after');
    await clock.advance(4_999);
    expect(done).toEqual([]);
    await clock.advance(1_001); // blocked until 5 s, then one interval to earn a token
    expect(done).toEqual(['after']);
  });

  it('calls onWait while a call waits, so the activity can heartbeat', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, heartbeatMs: 1_000, maxWaitMs: 60_000 });
    const slow = { perMinute: 6, burst: 1 }; // one call every 10 s
    await limiter.acquire('b', slow);
    let beats = 0;
    const done: string[] = [];
    void track(limiter.acquire('b', slow, { onWait: () => beats++ }), done, 'waited');
    await clock.advance(9_500);
    expect(done).toEqual([]);
    expect(beats).toBeGreaterThanOrEqual(8);
    await clock.advance(500);
    expect(done).toEqual(['waited']);
  });

  it('takes a cancelled call out of the queue, so the calls behind it move up', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const b = { perMinute: 60, burst: 1 };
    await limiter.acquire('b', b);
    const done: string[] = [];
    const cancel = new AbortController();
    void track(limiter.acquire('b', b, { signal: cancel.signal }), done, 'cancelled');
    void track(limiter.acquire('b', b), done, 'next');
    cancel.abort(new Error('activity cancelled'));
    await flush();
    expect(done).toEqual(['cancelled:activity cancelled']);
    await clock.advance(1_000);
    expect(done).toEqual(['cancelled:activity cancelled', 'next']);
    expect(limiter.waiting('b')).toBe(0);
  });

  it('applies a changed budget to a bucket that already exists', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    await limiter.acquire('b', { perMinute: 60, burst: 1 });
    const done: string[] = [];
    void track(limiter.acquire('b', { perMinute: 600, burst: 1 }), done, 'faster');
    await clock.advance(100);
    expect(done).toEqual(['faster']);
  });
});
