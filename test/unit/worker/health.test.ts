// The worker's /healthz and /readyz over real HTTP: alive is not ready; ready needs a RUNNING
// worker and an answer from Temporal, and a 503 says which of the two is missing.
import { startWorkerHealth, type WorkerHealth } from '../../../worker/health';

let state = 'RUNNING';
let ping: () => Promise<unknown> = async () => ({});
let health: WorkerHealth;
beforeAll(async () => {
  health = await startWorkerHealth({ host: '127.0.0.1', port: 0, timeoutMs: 300, source: { state: () => state, ping: () => ping() } });
});
afterAll(() => health.close());
beforeEach(() => {
  state = 'RUNNING';
  ping = async () => ({});
});

const get = async (path: string) => {
  const res = await fetch(`${health.url}${path}`);
  return { status: res.status, body: (await res.text()).trim() };
};

describe('the worker health endpoint', () => {
  it('answers /healthz while the process lives, whatever the worker does', async () => {
    state = 'DRAINING';
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok' });
  });

  it('is ready when the worker runs and Temporal answers', async () => {
    expect(await get('/readyz')).toEqual({ status: 200, body: 'ready' });
  });

  it('is not ready while the worker is not RUNNING, and says its state', async () => {
    state = 'DRAINING';
    expect(await get('/readyz')).toEqual({ status: 503, body: 'worker is DRAINING, not RUNNING' });
  });

  it('is not ready when Temporal refuses the call, and says why', async () => {
    ping = async () => {
      throw new Error('16 UNAUTHENTICATED: Request unauthorized.');
    };
    expect(await get('/readyz')).toEqual({ status: 503, body: 'Temporal does not answer: 16 UNAUTHENTICATED: Request unauthorized.' });
  });

  it('is not ready when Temporal does not answer in time', async () => {
    ping = () => new Promise(() => undefined);
    expect(await get('/readyz')).toEqual({ status: 503, body: 'Temporal does not answer: no answer within 300 ms' });
  });

  it('points elsewhere to the two paths it serves', async () => {
    expect(await get('/metrics')).toEqual({ status: 404, body: 'not found: try /healthz or /readyz' });
  });

  it('serves /metrics in the exposition format when given them, and says a failure', async () => {
    let fail = false;
    const metrics = async () => {
      if (fail) throw new Error('registry broke');
      return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'up 1\n' };
    };
    const served = await startWorkerHealth({ host: '127.0.0.1', port: 0, source: { state: () => state, ping }, metrics });
    try {
      const res = await fetch(`${served.url}/metrics`);
      expect({ status: res.status, type: res.headers.get('content-type'), body: await res.text() }).toEqual({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: 'up 1\n' });
      fail = true;
      const broken = await fetch(`${served.url}/metrics`);
      expect({ status: broken.status, body: (await broken.text()).trim() }).toEqual({ status: 500, body: 'metrics failed: registry broke' });
      expect((await (await fetch(`${served.url}/nope`)).text()).trim()).toBe('not found: try /healthz, /readyz or /metrics');
    } finally {
      await served.close();
    }
  });

  it('names worker.port when the port is taken', async () => {
    const port = Number(new URL(health.url).port);
    await expect(startWorkerHealth({ host: '127.0.0.1', port, source: { state: () => state, ping } })).rejects.toThrow(
      `worker.port: cannot listen on 127.0.0.1:${port} for the health endpoint (EADDRINUSE); choose another worker.host/worker.port`,
    );
  });
});
