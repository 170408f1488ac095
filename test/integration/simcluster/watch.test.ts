// Watches and informers from the real client library against the simulated cluster: replay from a
// resourceVersion, selectors, bookmarks, timeoutSeconds, 410 Gone after compaction and relisting.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { startSimCluster, type SimCluster } from '../../../simcluster';
import { clients, type Clients, eventually, k8s, podObject, watchRecorder } from './helpers';

let c: SimCluster;
let ro: Clients;
const watches = watchRecorder(() => ro.kc);
const watch = watches.watch;

beforeAll(async () => {
  c = await startSimCluster({ name: 'sim-watch', bookmarkIntervalMs: 100 });
  ro = clients(c);
});
afterEach(() => {
  watches.abortAll();
});
afterAll(() => c?.stop());

const rvOf = async (namespace: string) => (await ro.core.listNamespacedPod({ namespace })).metadata!.resourceVersion!;

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED after the resourceVersion it starts from', async () => {
    c.apply(podObject('before', 'w1'));
    const rv = await rvOf('w1');
    const w = await watch('/api/v1/namespaces/w1/pods', { resourceVersion: rv });
    c.apply(podObject('p1', 'w1'));
    c.patchStatus('v1', 'Pod', 'w1', 'p1', { phase: 'Running' });
    c.remove('v1', 'Pod', 'w1', 'p1');
    await eventually(() => w.events.length >= 3, 'three events');
    expect(w.events.map((e) => [e.type, e.name])).toEqual([['ADDED', 'p1'], ['MODIFIED', 'p1'], ['DELETED', 'p1']]);
    const rvs = w.events.map((e) => Number(e.rv));
    expect(rvs[0]).toBeGreaterThan(Number(rv));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    expect(w.events[0]!.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
  });

  it('replays changes made between the list and the watch', async () => {
    const rv = await rvOf('w2');
    c.apply(podObject('missed', 'w2'));
    const w = await watch('/api/v1/namespaces/w2/pods', { resourceVersion: rv });
    await eventually(() => w.events.length >= 1, 'the replayed event');
    expect(w.events[0]).toMatchObject({ type: 'ADDED', name: 'missed' });
  });

  it('without a resourceVersion starts with ADDED for every existing object', async () => {
    c.apply(podObject('a', 'w3'));
    c.apply(podObject('b', 'w3'));
    const w = await watch('/api/v1/namespaces/w3/pods', {});
    await eventually(() => w.events.length >= 2, 'initial events');
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED a', 'ADDED b']);
  });

  it('applies the label selector and turns leaving or entering it into DELETED and ADDED', async () => {
    const rv = await rvOf('w4');
    const w = await watch('/api/v1/namespaces/w4/pods', { resourceVersion: rv, labelSelector: 'app=web' });
    c.apply(podObject('other', 'w4', { app: 'db' }));
    c.apply(podObject('web', 'w4', { app: 'web' }));
    c.apply(podObject('web', 'w4', { app: 'retired' }));
    c.apply(podObject('other', 'w4', { app: 'web' }));
    await eventually(() => w.events.length >= 3, 'three events');
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED web', 'DELETED web', 'ADDED other']);
  });

  it('applies field selectors to events by involved object', async () => {
    const rv = (await ro.core.listNamespacedEvent({ namespace: 'w5' })).metadata!.resourceVersion!;
    const w = await watch('/api/v1/namespaces/w5/events', { resourceVersion: rv, fieldSelector: 'involvedObject.name=p1,type=Warning' });
    c.apply(podObject('p1', 'w5'));
    c.recordEvent({ involvedObject: { kind: 'Pod', name: 'p2', namespace: 'w5' }, reason: 'BackOff', type: 'Warning', message: 'other pod' });
    c.recordEvent({ involvedObject: { kind: 'Pod', name: 'p1', namespace: 'w5' }, reason: 'Pulled', type: 'Normal', message: 'normal' });
    c.recordEvent({ involvedObject: { kind: 'Pod', name: 'p1', namespace: 'w5' }, reason: 'BackOff', type: 'Warning', message: 'back-off' });
    c.recordEvent({ involvedObject: { kind: 'Pod', name: 'p1', namespace: 'w5' }, reason: 'BackOff', type: 'Warning', message: 'back-off' });
    await eventually(() => w.events.length >= 2, 'two events');
    expect(w.events.map((e) => [e.type, e.object.reason, e.object.count])).toEqual([['ADDED', 'BackOff', 1], ['MODIFIED', 'BackOff', 2]]);
  });

  it('sends BOOKMARK events with the current resourceVersion when asked', async () => {
    const w = await watch('/api/v1/namespaces/w6/pods', { resourceVersion: await rvOf('w6'), allowWatchBookmarks: true });
    c.apply(podObject('x', 'w6'));
    await eventually(() => w.events.some((e) => e.type === 'BOOKMARK' && Number(e.rv) >= Number(c.resourceVersion())), 'a bookmark');
    const plain = await watch('/api/v1/namespaces/w6/pods', { resourceVersion: c.resourceVersion() });
    await eventually(() => w.events.filter((e) => e.type === 'BOOKMARK').length >= 3, 'more bookmarks');
    expect(plain.events).toEqual([]);
  });

  it('ends the stream cleanly after timeoutSeconds', async () => {
    const w = await watch('/api/v1/pods', { resourceVersion: c.resourceVersion(), timeoutSeconds: 1 });
    const err = await w.done;
    expect(err).toBeNull();
  });

  it('answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const old = await rvOf('w7');
    c.apply(podObject('after', 'w7'));
    c.faults.compact();
    const w = await watch('/api/v1/namespaces/w7/pods', { resourceVersion: old });
    expect(await w.done).toBeNull();
    expect(w.events).toHaveLength(1);
    expect(w.events[0]!.type).toBe('ERROR');
    expect(w.events[0]!.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    // A relist gives a resourceVersion that can be watched again.
    const again = await watch('/api/v1/namespaces/w7/pods', { resourceVersion: await rvOf('w7') });
    c.apply(podObject('later', 'w7'));
    await eventually(() => again.events.length >= 1, 'an event after the relist');
    expect(again.events[0]).toMatchObject({ type: 'ADDED', name: 'later' });
  });
});

describe('informer', () => {
  it('sees ADDED, MODIFIED and DELETED and relists after 410 Gone', async () => {
    c.apply(podObject('seed', 'inf'));
    const informer = k8s.makeInformer<V1Pod>(ro.kc, '/api/v1/namespaces/inf/pods', () => ro.core.listNamespacedPod({ namespace: 'inf' }));
    const seen: string[] = [];
    const note = (verb: string) => (o: KubernetesObject) => seen.push(`${verb} ${o.metadata?.name}`);
    informer.on('add', note('add'));
    informer.on('update', note('update'));
    informer.on('delete', note('delete'));
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      await eventually(() => seen.includes('add seed') && c.openWatches() > 0, 'the informer to list and watch');
      c.apply(podObject('p', 'inf'));
      c.patchStatus('v1', 'Pod', 'inf', 'p', { phase: 'Running' });
      c.remove('v1', 'Pod', 'inf', 'p');
      await eventually(() => seen.includes('delete p'), 'the delete');
      expect(seen).toEqual(['add seed', 'add p', 'update p', 'delete p']);

      // The stream ends, and before the informer resumes, history it has not seen is compacted away:
      // its watch gets 410 Gone, it relists (seeing `r` in the list) and keeps watching.
      c.clearRequests();
      c.faults.dropWatches({ graceful: true });
      c.apply(podObject('r', 'inf'));
      c.faults.compact();
      await eventually(() => seen.includes('add r'), 'r from the relist');
      expect(c.requests().map((r) => r.query.replace(/resourceVersion=\d+/, 'resourceVersion=N'))).toEqual(
        expect.arrayContaining(['watch=true&resourceVersion=N', '']),
      );
      c.apply(podObject('s', 'inf'));
      await eventually(() => seen.includes('add s'), 's from the new watch');
      expect(informer.list().map((p) => p.metadata?.name).sort()).toEqual(['r', 's', 'seed']);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});
