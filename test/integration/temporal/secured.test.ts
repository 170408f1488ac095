// Worker, api and watcher against a Temporal frontend that requires TLS, then mTLS, then an API key
// (a real TLS terminator on loopback in front of the real dev server): an incident goes from the
// watcher's anomaly to alert, ack and resolution. Rotated client certificates and API keys are
// picked up while it runs. A wrong CA, a missing client certificate and a wrong key stop the worker
// and api processes with a message naming the config path and the cause.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stringify } from 'yaml';
import { scenarios } from '../../../simcluster';
import { incidentWorkflowId, type IncidentState } from '../../../workflows/definitions';
import type { LocalMessage } from '../../../platforms/local/shared/protocol';
import { exampleRaw } from '../../helpers/config';
import { eventually } from '../../helpers/eventually';
import { startDevServer } from '../../helpers/temporal';
import { makeTestCerts, SERVER_NAME, startTlsProxy, type TestCerts, type TlsProxy, type TlsProxyOptions } from '../../helpers/temporal-tls';
import { connectTemporalClient, connectTemporalWorker } from '../../../temporal/connection';
import { securedCluster, startSecuredStack, WATCH_MS, type SecuredStack } from './secured-stack';

const ROOT = resolve(__dirname, '../../..');
let env: TestWorkflowEnvironment;
let certs: TestCerts;
const proxies: TlsProxy[] = [];

beforeAll(async () => {
  env = await startDevServer();
  certs = makeTestCerts();
}, 120_000);
afterAll(async () => {
  for (const p of proxies) await p.stop();
  certs?.remove();
  await env?.teardown();
});

async function proxy(opts: Omit<TlsProxyOptions, 'target' | 'certs'> = {}): Promise<TlsProxy> {
  const p = await startTlsProxy({ target: env.address, certs, ...opts });
  proxies.push(p);
  return p;
}

const tls = () => ({ caFile: certs.caFile, serverName: SERVER_NAME });
const CRASH = 'deployment:shop:checkout:crashloopbackoff';

/** Runs the three processes on `temporal`, opens an incident from the cluster, acks it, calls `midway`, resolves it. */
async function lifecycle(cluster: string, temporal: Record<string, unknown>, vars: NodeJS.ProcessEnv, midway: (s: SecuredStack) => Promise<void> = async () => {}): Promise<void> {
  const { sim, kubeconfig } = await securedCluster(cluster, certs.dir);
  let stack: SecuredStack | undefined;
  try {
    scenarios.crashLoopRollout(sim, { replicas: 1 });
    stack = await startSecuredStack({ cluster, temporal, env: vars, kubeconfig, sim });
    const s = stack;
    const id = incidentWorkflowId(cluster, CRASH);
    const path = `/api/incidents/${encodeURIComponent(id)}`;
    await eventually(async () => {
      const r = await s.request('/local-chat/api/channels/incidents/messages');
      const { messages } = (await r.json()) as { messages: LocalMessage[] };
      return messages.find((m) => m.incidentId === id && m.card && !m.threadId);
    }, 'the alert card from the watcher anomaly');
    const ack = await s.request(`${path}/ack`, { token: 'alice', json: {} });
    expect(await ack.json()).toMatchObject({ outcome: 'done', status: 'acknowledged' });
    await midway(s);
    const resolved = await s.request(`${path}/resolve`, { token: 'alice', json: { summary: 'rolled back' } });
    expect(resolved.status).toBe(200);
    await eventually(async () => {
      const st = (await (await s.request(path, { token: 'ops' })).json()) as IncidentState;
      return st.status === 'resolved' && st.postmortemId ? st : undefined;
      // After a worker rotation the incident is still sticky to the draining worker until the sticky
      // queue times out, and a loaded machine adds to that: allow more than the default 20 s.
    }, 'the incident resolved with its postmortem', 45_000);
  } finally {
    await stack?.stop();
    await sim.stop();
  }
}

describe('a secured Temporal frontend', () => {
  it('runs an incident from anomaly to resolution when the frontend requires TLS with a private CA', async () => {
    const p = await proxy();
    await lifecycle('tls-only', { address: p.address, tls: tls() }, {});
    expect(p.clientNames).toEqual([]);
  }, 120_000);

  it('runs it with mTLS, and a rotated client certificate is used by the worker and the clients', async () => {
    const p = await proxy({ requireClientCert: true });
    const certFile = join(certs.dir, 'mtls.pem');
    const keyFile = join(certs.dir, 'mtls.key');
    certs.issueClient('incident-first', certFile, keyFile);
    await lifecycle('mtls', { address: p.address, tls: { ...tls(), certFile, keyFile } }, {}, async (s) => {
      expect(new Set(p.clientNames)).toEqual(new Set(['incident-first']));
      certs.issueClient('incident-rotated', certFile, keyFile);
      await eventually(async () => s.worker.rotations() === 1 || undefined, 'the worker to reconnect with the new certificate');
      p.dropSessions();
      // The api's next call needs a new handshake, which must use the rotated certificate.
      expect((await s.request('/api/incidents?cluster=mtls', { token: 'ops' })).status).toBe(200);
    });
    const after = p.clientNames.slice(p.clientNames.lastIndexOf('incident-first') + 1);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(new Set(after)).toEqual(new Set(['incident-rotated']));
  }, 120_000);

  it('runs it with an API key (as Temporal Cloud), and a rotated key file is picked up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'temporal-key-'));
    try {
      const keyFile = join(dir, 'api-key');
      writeFileSync(keyFile, 'key-one\n');
      let valid = ['key-one'];
      const p = await proxy({ apiKeys: () => valid });
      await lifecycle('cloud', { address: p.address, tls: tls(), apiKey: { fromFile: keyFile } }, {}, async (s) => {
        // As in Temporal Cloud: the new key is valid before the old one is revoked.
        valid = ['key-one', 'key-two'];
        writeFileSync(keyFile, 'key-two\n');
        await eventually(async () => {
          await s.request('/api/incidents?cluster=cloud', { token: 'ops' });
          return (p.keyUses.get('key-two') ?? 0) > 0 || undefined;
        }, 'calls with the new key');
        await new Promise((r) => setTimeout(r, 3 * WATCH_MS));
        valid = ['key-two'];
      });
      expect(p.refused).toBe(0);
      expect([...p.namespaceHeaders]).toEqual(['default']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

interface Proc {
  output(): string;
  exited: Promise<number | null>;
  kill(): void;
}

/** Starts `entry` (worker/main.ts or api/main.ts) with a config on `temporal`; removes its dir on exit. */
function startProcess(entry: string, temporal: Record<string, unknown>, vars: Record<string, string> = {}): Proc {
  const dir = mkdtempSync(join(tmpdir(), 'temporal-proc-'));
  const raw = exampleRaw();
  raw.temporal = { namespace: 'default', taskQueue: 'incidents-process', ...temporal };
  raw.dataDir = dir;
  raw.api = { host: '127.0.0.1', port: 0, tokens: [] };
  raw.worker = { host: '127.0.0.1', port: 0, sdkMetricsPort: 0 }; // no fixed SDK metrics port: other worker processes may run at once
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(raw));
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry, '--config', file], {
    cwd: ROOT,
    env: { ...process.env, ...vars, NODE_OPTIONS: '', LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      done(code);
    }),
  );
  return { output: () => output, exited, kill: () => child.exitCode === null && child.signalCode === null && child.kill('SIGTERM') };
}

async function runProcess(entry: string, temporal: Record<string, unknown>, vars: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const p = startProcess(entry, temporal, vars);
  const code = await p.exited;
  return { code, output: p.output() };
}

async function bothRefuse(temporal: Record<string, unknown>, expected: string, vars: Record<string, string> = {}): Promise<void> {
  const [worker, api] = await Promise.all([runProcess('worker/main.ts', temporal, vars), runProcess('api/main.ts', temporal, vars)]);
  expect(worker.code).toBe(1);
  expect(worker.output).toContain(`worker failed: ${expected}`);
  expect(api.code).toBe(1);
  expect(api.output).toContain(`api failed to start: ${expected}`);
  for (const out of [worker.output, api.output]) for (const secret of ['the-real-key', ...Object.values(vars)]) expect(out).not.toContain(secret);
}

describe('a connection the frontend refuses', () => {
  it('stops the worker and the api naming temporal.tls.caFile when the CA did not sign the server certificate', async () => {
    const p = await proxy();
    await bothRefuse({ address: p.address, tls: { caFile: certs.otherCaFile, serverName: SERVER_NAME } }, "temporal.tls.caFile: the server's certificate is not signed by this CA");
  }, 90_000);

  it('stops them naming temporal.tls.certFile when the frontend requires a client certificate', async () => {
    const p = await proxy({ requireClientCert: true });
    await bothRefuse({ address: p.address, tls: tls() }, 'temporal.tls.certFile: the server requires a client certificate (mTLS)');
  }, 90_000);

  it('stops them naming temporal.apiKey when the key is refused, without printing it', async () => {
    const p = await proxy({ apiKeys: () => ['the-real-key'] });
    await bothRefuse({ address: p.address, tls: tls(), apiKey: { fromEnv: 'SECURED_WRONG_KEY' } }, 'temporal.apiKey: the server refused the API key (UNAUTHENTICATED)', {
      SECURED_WRONG_KEY: 'a-wrong-key',
    });
    expect(p.refused).toBeGreaterThanOrEqual(2);
  }, 90_000);
});

describe('the connection factory explains other mistakes', () => {
  const both = async (temporal: Record<string, unknown>, vars: NodeJS.ProcessEnv = {}) => {
    const cfg = { namespace: 'default', ...temporal } as Parameters<typeof connectTemporalClient>[0];
    const client = await connectTemporalClient(cfg, { env: vars, connectTimeoutMs: 3_000 }).then((c) => c.close(), (e: Error) => e.message);
    const worker = await connectTemporalWorker(cfg, { env: vars }).then((c) => c.close(), (e: Error) => e.message);
    return { client, worker };
  };

  it('names temporal.tls.serverName when the certificate is for another name', async () => {
    const p = await proxy();
    const { client, worker } = await both({ address: p.address, tls: { caFile: certs.caFile, serverName: 'elsewhere.test' } });
    for (const m of [client, worker]) expect(m).toMatch(/^temporal\.tls\.serverName: the server's certificate is not valid for "elsewhere\.test"/);
  });

  it('says the frontend speaks TLS when temporal.tls is off', async () => {
    const p = await proxy();
    const { client, worker } = await both({ address: p.address });
    for (const m of [client, worker]) expect(m).toBe(`temporal.tls: ${p.address} speaks TLS but temporal.tls is off; set temporal.tls: true (or caFile/serverName for a private CA)`);
  }, 30_000);

  it('names the unset variable of temporal.apiKey', async () => {
    const p = await proxy({ apiKeys: () => ['k'] });
    const { client, worker } = await both({ address: p.address, tls: tls(), apiKey: { fromEnv: 'SECURED_UNSET_KEY' } });
    for (const m of [client, worker]) expect(m).toBe('temporal.apiKey: secret environment variable SECURED_UNSET_KEY is not set');
  });
});

describe('the worker process health endpoint', () => {
  it('is ready while the worker polls through the secured frontend, and says so when the key is revoked', async () => {
    let valid = ['health-key'];
    const p = await proxy({ apiKeys: () => valid });
    const worker = startProcess('worker/main.ts', { address: p.address, tls: tls(), apiKey: { fromEnv: 'SECURED_HEALTH_KEY' } }, { SECURED_HEALTH_KEY: 'health-key' });
    try {
      const url = await eventually(async () => /health on (http:\/\/[\d.:]+)\/healthz/.exec(worker.output())?.[1], 'the worker to print its health URL');
      const get = async (path: string) => {
        const res = await fetch(`${url}${path}`);
        return { status: res.status, body: (await res.text()).trim() };
      };
      expect(await get('/healthz')).toEqual({ status: 200, body: 'ok' });
      await eventually(async () => (await get('/readyz')).status === 200 || undefined, 'the worker to be ready');
      valid = [];
      expect(await get('/readyz')).toEqual({ status: 503, body: expect.stringMatching(/^Temporal does not answer: .*(UNAUTHENTICATED|authentication)/i) });
      expect(await get('/healthz')).toEqual({ status: 200, body: 'ok' });
      valid = ['health-key'];
      await eventually(async () => (await get('/readyz')).status === 200 || undefined, 'the worker to be ready again once the key is valid');
      worker.kill();
      expect(await worker.exited).toBe(0);
    } finally {
      worker.kill();
      await worker.exited;
    }
  }, 90_000);
});
