// The shared coalescer (leading edge + trailing batch) on a fake clock: what goes at once, what
// is folded, and that each caller hears the outcome of the send that carried its item.
import { jest } from '@jest/globals';
import { Coalescer } from '../../../intake/coalesce';

type Batch = { n: number; tag: string };

function recorder(windowMs: number) {
  const sent: string[] = [];
  let release: (() => void)[] = [];
  let failNext = false;
  const c = new Coalescer<Batch, string>({
    windowMs,
    merge: (a, b) => (b.tag === 'stop' || a.tag === 'stop' ? undefined : { n: a.n + b.n, tag: b.tag }),
    send: (key, b) =>
      new Promise<string>((ok, fail) => {
        sent.push(`${key}:${b.n}:${b.tag}`);
        release.push(() => (failNext ? ((failNext = false), fail(new Error('temporal unavailable'))) : ok(`${key}#${sent.length}`)));
      }),
  });
  const finishAll = () => {
    const r = release;
    release = [];
    for (const f of r) f();
  };
  return { c, sent, finishAll, failOnce: () => (failNext = true) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the coalescer', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('sends the first item of an idle key at once and folds followers into one trailing send', async () => {
    const { c, sent, finishAll } = recorder(2_000);
    const first = c.submit('a', { n: 1, tag: 'x' });
    expect(sent).toEqual(['a:1:x']);
    const followers = [c.submit('a', { n: 1, tag: 'y' }), c.submit('a', { n: 2, tag: 'z' })];
    finishAll();
    expect(await first).toBe('a#1');
    await jest.advanceTimersByTimeAsync(1_999);
    expect(sent).toEqual(['a:1:x']); // still inside the window
    await jest.advanceTimersByTimeAsync(1);
    expect(sent).toEqual(['a:1:x', 'a:3:z']);
    finishAll();
    expect(await Promise.all(followers)).toEqual(['a#2', 'a#2']);
  });

  it('goes at once again after a quiet window, and never holds one key for another', async () => {
    const { c, sent, finishAll } = recorder(2_000);
    void c.submit('a', { n: 1, tag: 'x' });
    void c.submit('b', { n: 1, tag: 'x' });
    finishAll();
    await jest.advanceTimersByTimeAsync(2_000);
    void c.submit('a', { n: 1, tag: 'again' });
    expect(sent).toEqual(['a:1:x', 'b:1:x', 'a:1:again']);
    finishAll();
    await c.drain();
  });

  it('with no window, folds what arrives while a send is in flight and sends it when that one is done', async () => {
    const { c, sent, finishAll } = recorder(0);
    const calls = Array.from({ length: 50 }, () => c.submit('a', { n: 1, tag: 'x' }));
    expect(sent).toEqual(['a:1:x']);
    finishAll();
    await tick();
    expect(sent).toEqual(['a:1:x', 'a:49:x']);
    finishAll();
    const answers = await Promise.all(calls);
    expect(new Set(answers)).toEqual(new Set(['a#1', 'a#2']));
  });

  it('rejects exactly the callers whose send failed and still sends the next batch', async () => {
    const { c, sent, finishAll, failOnce } = recorder(0);
    const first = c.submit('a', { n: 1, tag: 'x' });
    const second = c.submit('a', { n: 1, tag: 'y' });
    failOnce();
    finishAll();
    await expect(first).rejects.toThrow('temporal unavailable');
    await tick();
    finishAll();
    expect(await second).toBe('a#2');
    expect(sent).toEqual(['a:1:x', 'a:1:y']);
  });

  it('keeps items that cannot merge in order, and `now` ends the window hold', async () => {
    const { c, sent, finishAll } = recorder(10_000);
    void c.submit('a', { n: 1, tag: 'x' });
    void c.submit('a', { n: 4, tag: 'y' });
    void c.submit('a', { n: 0, tag: 'stop' }, { now: true });
    void c.submit('a', { n: 1, tag: 'after' });
    finishAll();
    await tick();
    finishAll();
    await tick();
    finishAll();
    await tick();
    finishAll();
    await tick();
    expect(sent).toEqual(['a:1:x', 'a:4:y', 'a:0:stop', 'a:1:after']);
    expect(c.pending()).toBe(0);
  });

  it('drain sends what the window holds without waiting for it', async () => {
    const { c, sent, finishAll } = recorder(60_000);
    void c.submit('a', { n: 1, tag: 'x' });
    void c.submit('a', { n: 1, tag: 'y' });
    finishAll();
    const drained = c.drain();
    await tick();
    finishAll();
    await drained;
    expect(sent).toEqual(['a:1:x', 'a:1:y']);
  });
});
