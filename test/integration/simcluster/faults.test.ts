// Injected faults, each touching only what it names, observed through the real client library.
import { startSimCluster, type SimCluster } from '../../../simcluster';
import { apiError, clients, type Clients, eventually, k8s, podObject, watchRecorder } from './helpers';

let c: SimCluster;
let ro: Clients;
const watches = watchRecorder(() => ro.kc);
const watch = watches.watch;

beforeAll(async () => {
  c = await startSimCluster({ name: 'sim-faults', bookmarkIntervalMs: 50 });
  ro = clients(c);
});
afterEach(() => {
  c.faults.failNext(0);
  c.faults.slow(0);
  watches.abortAll();
});
afterAll(() => c?.stop());

const auth = () => ({ authorization: `Bearer ${c.tokens.readOnly}` });

describe('failNext', () => {
  it('fails exactly the next n requests with an InternalError Status, then serves again', async () => {
    c.faults.failNext(2);
    expect((await apiError(ro.core.listNamespace())).code).toBe(500);
    const res = await fetch(`${c.url}/api/v1/namespaces`, { headers: auth() });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500 });
    await expect(ro.core.listNamespace()).resolves.toHaveProperty('items');
  });

  it('answers 503 ServiceUnavailable and 429 with Retry-After when asked', async () => {
    c.faults.failNext(1, 503);
    const unavailable = await fetch(`${c.url}/api/v1/pods`, { headers: auth() });
    expect(unavailable.status).toBe(503);
    expect(((await unavailable.json()) as { reason: string }).reason).toBe('ServiceUnavailable');
    c.faults.failNext(1, 429);
    const limited = await fetch(`${c.url}/api/v1/pods`, { headers: auth() });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
  });

  it('refuses a status that is not an error a server would send', () => {
    expect(() => c.faults.failNext(1, 404)).toThrow(/429 or 500-599/);
    expect(() => c.faults.failNext(-1)).toThrow(/whole number/);
  });

  it('fails a new watch request but leaves open watch streams alone', async () => {
    const w = await watch('/api/v1/namespaces/f1/pods', { resourceVersion: c.resourceVersion() });
    c.faults.failNext(1);
    const failed = await watch('/api/v1/namespaces/f1/pods', { resourceVersion: c.resourceVersion() });
    expect(((await failed.done) as { statusCode?: number }).statusCode).toBe(500);
    c.faults.failNext(5);
    c.apply(podObject('still-flows', 'f1'));
    await eventually(() => w.events.length === 1, 'the event on the open watch');
    expect(w.isDone()).toBe(false);
  });
});

describe('slow', () => {
  it('delays every response by at least the given latency until cleared', async () => {
    c.faults.slow(400);
    const started = Date.now();
    await ro.core.listNamespace();
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    c.faults.slow(0);
    await expect(ro.core.listNamespace()).resolves.toHaveProperty('items');
  });
});

describe('watch faults', () => {
  it('dropWatches resets every open stream: the client sees an error, not a clean end', async () => {
    const a = await watch('/api/v1/pods', {});
    const b = await watch('/api/v1/namespaces/f2/pods', { resourceVersion: c.resourceVersion() });
    await eventually(() => c.openWatches() >= 2, 'two open watches');
    c.faults.dropWatches();
    const [ea, eb] = await Promise.all([a.done, b.done]);
    expect(ea).toBeTruthy();
    expect(eb).toBeTruthy();
    await eventually(() => c.openWatches() === 0, 'no open watches');
    await expect(ro.core.listNamespace()).resolves.toHaveProperty('items');
  });

  it('dropWatches({ graceful: true }) ends streams cleanly', async () => {
    const a = await watch('/api/v1/pods', { resourceVersion: c.resourceVersion() });
    await eventually(() => c.openWatches() >= 1, 'an open watch');
    c.faults.dropWatches({ graceful: true });
    expect(await a.done).toBeNull();
  });

  it('halfOpenWatches silences open streams (events and bookmarks) until the client times out, while new watches work', async () => {
    const rv = c.resourceVersion();
    const kc = ro.kc;
    const silentWatch = new k8s.Watch(kc);
    // The client's inactivity timeout (private, 30 s by default) is what detects a half-open stream.
    (silentWatch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = 1500;
    const silent: string[] = [];
    let silentDone: unknown = 'open';
    const ctl = await silentWatch.watch('/api/v1/namespaces/f3/pods', { resourceVersion: rv, allowWatchBookmarks: true }, (type) => silent.push(type), (err) => (silentDone = err));
    try {
      await eventually(() => silent.includes('BOOKMARK'), 'a bookmark before the fault');
      c.faults.halfOpenWatches();
      const before = silent.length;
      c.apply(podObject('unseen', 'f3'));
      const fresh = await watch('/api/v1/namespaces/f3/pods', { resourceVersion: rv, allowWatchBookmarks: true });
      await eventually(() => fresh.events.some((e) => e.type === 'ADDED') && fresh.events.filter((e) => e.type === 'BOOKMARK').length >= 3, 'the new watch to work');
      expect(silent.length).toBe(before);
      await eventually(() => silentDone !== 'open', 'the client inactivity timeout', 10_000);
      expect((silentDone as Error).name).toBe('TimeoutError');
    } finally {
      ctl.abort();
    }
  });

  it('compact does not disturb lists or watches from the current resourceVersion', async () => {
    c.apply(podObject('x', 'f4'));
    c.faults.compact();
    const list = await ro.core.listNamespacedPod({ namespace: 'f4' });
    expect(list.items).toHaveLength(1);
    const w = await watch('/api/v1/namespaces/f4/pods', { resourceVersion: list.metadata!.resourceVersion });
    c.apply(podObject('y', 'f4'));
    await eventually(() => w.events.length === 1, 'the event');
    expect(w.events[0]).toMatchObject({ type: 'ADDED', name: 'y' });
  });
});
