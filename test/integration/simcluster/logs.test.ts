// pods/log through the real client (readNamespacedPodLog and the streaming Log class): container
// choice, previous=true, tailLines, limitBytes and the kubelet's refusals.
import { PassThrough } from 'node:stream';
import { startSimCluster, type SimCluster } from '../../../simcluster';
import { apiError, clients, type Clients, k8s, podObject } from './helpers';

let c: SimCluster;
let ro: Clients;

beforeAll(async () => {
  c = await startSimCluster({ name: 'sim-logs' });
  ro = clients(c);
  c.apply({
    ...podObject('api', 'shop'),
    status: { containerStatuses: [{ name: 'app', restartCount: 2, ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }] },
  });
  c.setLogs('shop', 'api', 'app', { current: 'boot\n', previous: 'line 1\nline 2\nline 3\npanic: boom\n' });
  c.apply({
    ...podObject('fresh', 'shop'),
    status: { containerStatuses: [{ name: 'app', restartCount: 0, ready: true, state: { running: {} }, lastState: {} }] },
  });
  c.setLogs('shop', 'fresh', 'app', { current: 'ok\n' });
  c.apply({
    ...podObject('two', 'shop'),
    spec: { containers: [{ name: 'app', image: 'a' }, { name: 'sidecar', image: 'b' }] },
  });
  c.setLogs('shop', 'two', 'sidecar', { current: 'proxy up\n' });
  c.apply({
    ...podObject('pulling', 'shop'),
    status: { containerStatuses: [{ name: 'app', restartCount: 0, ready: false, state: { waiting: { reason: 'ImagePullBackOff' } }, lastState: {} }] },
  });
});
afterAll(() => c?.stop());

describe('pod logs', () => {
  it('returns the previous container log with previous=true', async () => {
    expect(await ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'api', container: 'app', previous: true })).toBe('line 1\nline 2\nline 3\npanic: boom\n');
    expect(await ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'api' })).toBe('boot\n');
  });

  it('keeps the last lines with tailLines and cuts at limitBytes', async () => {
    expect(await ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'api', previous: true, tailLines: 2 })).toBe('line 3\npanic: boom\n');
    expect(await ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'api', previous: true, limitBytes: 4 })).toBe('line');
  });

  it('refuses previous=true when no container has terminated yet, as the real server does', async () => {
    const err = await apiError(ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'fresh', previous: true }));
    expect(err.code).toBe(400);
    expect(err.status).toMatchObject({ reason: 'BadRequest', message: 'previous terminated container "app" in pod "fresh" not found' });
  });

  it('asks for a container name when the pod has several, and refuses an unknown one', async () => {
    const err = await apiError(ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'two' }));
    expect(err.status.message).toBe('a container name must be specified for pod two, choose one of: [app sidecar]');
    const bad = await apiError(ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'two', container: 'nope' }));
    expect(bad.status.message).toBe('container nope is not valid for pod two');
    expect(await ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'two', container: 'sidecar' })).toBe('proxy up\n');
  });

  it('refuses the log of a container that never started', async () => {
    const err = await apiError(ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'pulling' }));
    expect(err.status.message).toBe('container "app" in pod "pulling" is waiting to start: trying and failing to pull image');
    const missing = await apiError(ro.core.readNamespacedPodLog({ namespace: 'shop', name: 'ghost' }));
    expect(missing.code).toBe(404);
  });

  it('streams through the Log class with previous and tailLines', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise((r) => out.on('end', r));
    await new k8s.Log(ro.kc).log('shop', 'api', 'app', out, { previous: true, tailLines: 1 });
    await ended;
    expect(Buffer.concat(chunks).toString()).toBe('panic: boom\n');
  });
});
