// One real Kubernetes API server (kube-apiserver + etcd) per Jest run: test/global-setup.ts starts it
// when the run includes a test file that imports this helper, passes how to reach it to the test
// workers in TEST_KUBE_APISERVER (JSON: url, CA, tokens, etcd url) and test/global-teardown.ts stops
// it. The binaries come from scripts/setup-kube.sh (.tools/bin) or KUBE_APISERVER / ETCD.
// There is no controller-manager, scheduler or kubelet: tests create the objects those would make
// and patch pod status themselves (test/integration/kube-real/cluster.ts); namespaces never finish
// deleting, so every test uses fresh ones.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** The variable that carries the run's API server to the test workers. */
export const KUBE_VAR = 'TEST_KUBE_APISERVER';
/** Token-file users: `admin` (system:masters) sets tests up; the others start with no rights at all. */
export const KUBE_USERS = ['admin', 'watcher', 'worker', 'api'] as const;
export type KubeUser = (typeof KUBE_USERS)[number];

export interface KubeConnection {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of the CA that signed the serving certificate. */
  ca: string;
  tokens: Record<KubeUser, string>;
  /** http://127.0.0.1:<port> of etcd (compaction, for 410 Gone). */
  etcd: string;
  /** JSON lines: every request of a service account or a non-admin token user, with its answer. */
  auditLog: string;
}

export interface KubeServer extends KubeConnection {
  stop(): Promise<void>;
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const srv = createServer();
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      return srv;
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function binary(envName: string, name: string): string {
  const p = process.env[envName] || join(ROOT, '.tools/bin', name);
  if (!existsSync(p)) throw new Error(`${name} not found at ${p}: run \`make setup\` (scripts/setup-kube.sh builds it once), or set ${envName} to a binary`);
  return p;
}

/** A throwaway CA and a serving certificate for 127.0.0.1, made with openssl. */
function certificates(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=k8s-incident-flow-test-ca');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext');
}

/** One HTTPS call to the API server as `token`; the body is parsed JSON when it is JSON. */
export function kubeFetch(
  conn: Pick<KubeConnection, 'url' | 'ca'>,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: any }> {
  return new Promise((ok, fail) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpsRequest(
      new URL(path, conn.url),
      { method, ca: conn.ca, headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(data ? { 'content-type': contentType } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // plain text (healthz, errors from proxies)
          }
          ok({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', fail);
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${path}: no answer in 15 s`)));
    req.end(data);
  });
}

/** Starts etcd and kube-apiserver on free loopback ports with RBAC, token users and a service-account key. */
export async function startKubeApiserver(opts: { timeoutMs?: number } = {}): Promise<KubeServer> {
  const apiserver = binary('KUBE_APISERVER', 'kube-apiserver');
  const etcd = binary('ETCD', 'etcd');
  const dir = mkdtempSync(join(tmpdir(), 'k8s-incident-flow-kube-'));
  certificates(dir);
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  writeFileSync(join(dir, 'sa.pub'), sa.publicKey);
  writeFileSync(join(dir, 'sa.key'), sa.privateKey, { mode: 0o600 });
  const tokens = Object.fromEntries(KUBE_USERS.map((u) => [u, randomBytes(24).toString('hex')])) as Record<KubeUser, string>;
  writeFileSync(join(dir, 'tokens.csv'), KUBE_USERS.map((u) => `${tokens[u]},${u},${u}${u === 'admin' ? ',"system:masters"' : ''}`).join('\n') + '\n', { mode: 0o600 });
  // Metadata of what the product's identities ask and get (tests check that only Secrets were refused).
  writeFileSync(join(dir, 'audit.yaml'), JSON.stringify({
    apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'],
    rules: [{ level: 'Metadata', userGroups: ['system:serviceaccounts'] }, { level: 'Metadata', users: KUBE_USERS.filter((u) => u !== 'admin') }, { level: 'None' }],
  }));
  const auditLog = join(dir, 'audit.log');
  const [client, peer, secure] = await freePorts(3);
  const etcdUrl = `http://127.0.0.1:${client}`;
  const etcdArgs = [
    '--name=test', `--data-dir=${join(dir, 'etcd')}`, `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`, `--initial-cluster=test=http://127.0.0.1:${peer}`,
    // Test data: no fsync (2 loaded cores), little logging.
    '--unsafe-no-fsync', '--log-level=warn',
  ];
  const issuer = 'https://kubernetes.default.svc.cluster.local';
  const apiArgs = [
    `--etcd-servers=${etcdUrl}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${secure}`,
    `--tls-cert-file=${join(dir, 'server.crt')}`, `--tls-private-key-file=${join(dir, 'server.key')}`, `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`, '--authorization-mode=RBAC',
    `--service-account-issuer=${issuer}`, `--api-audiences=${issuer}`,
    `--service-account-key-file=${join(dir, 'sa.pub')}`, `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    `--audit-policy-file=${join(dir, 'audit.yaml')}`, `--audit-log-path=${auditLog}`, '--audit-log-mode=blocking',
    // A loopback advertise address makes the endpoint reconciler fail; nothing here needs it.
    '--endpoint-reconciler-type=none',
    // Watches straight from etcd, so an etcd compaction answers an old resourceVersion with 410 Gone
    // (the watch cache would keep serving it).
    '--watch-cache=false',
    '--enable-priority-and-fairness=false', '--profiling=false', '--v=0',
  ];
  const q = (a: string) => `'${a}'`;
  // A watchdog in the process group stops both when this process dies without teardown (Ctrl-C, a
  // crash) or when either of them exits, so nothing outlives its run.
  const script = [
    `${q(etcd)} ${etcdArgs.map(q).join(' ')} > etcd.log 2>&1 & e=$!`,
    `${q(apiserver)} ${apiArgs.map(q).join(' ')} > apiserver.log 2>&1 & a=$!`,
    `while [ -d /proc/${process.pid} ] && kill -0 $e 2>/dev/null && kill -0 $a 2>/dev/null; do sleep 1; done`,
    'kill $a $e 2>/dev/null; wait',
  ].join('\n');
  const log = openSync(join(dir, 'sh.log'), 'a');
  const child: ChildProcess = spawn('/bin/sh', ['-c', script], { cwd: dir, detached: true, stdio: ['ignore', log, log] });
  let exited = false;
  const gone = new Promise((r) => child.once('exit', () => r((exited = true))));
  const stop = async () => {
    if (!exited && child.pid) {
      const group = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // already gone
        }
      };
      group('SIGTERM');
      const killer = setTimeout(() => group('SIGKILL'), 10_000);
      await gone;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const server: KubeServer = { url: `https://127.0.0.1:${secure}`, ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), tokens, etcd: etcdUrl, auditLog, stop };
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  for (;;) {
    const ready = await kubeFetch(server, tokens.admin, 'GET', '/readyz').then((r) => r.status === 200, () => false);
    if (ready) return server;
    if (exited || Date.now() > deadline) {
      const tail = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').split('\n').slice(-15).join('\n') : '(no log)');
      const logs = `etcd:\n${tail('etcd.log')}\nkube-apiserver:\n${tail('apiserver.log')}`;
      await stop();
      throw new Error(`the test Kubernetes API server ${exited ? 'exited' : 'was not ready in time'}; last output:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Whether a selected test file is in test/integration/kube-real or imports this helper. */
function runUsesKube(patterns: string[]): boolean {
  const uses = (f: string) => f.includes('/kube-real/') || /helpers\/kube-apiserver/.test(readFileSync(f, 'utf8'));
  const selected = (f: string) => patterns.length === 0 || patterns.some((p) => new RegExp(p, 'i').test(f));
  const walk = (d: string): boolean =>
    readdirSync(d, { withFileTypes: true }).some((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.test.ts') && selected(join(d, e.name)) && uses(join(d, e.name))));
  return walk(join(ROOT, 'test'));
}

const RUN_SERVER = Symbol.for('k8s-incident-flow.kube-apiserver');
type WithServer = typeof globalThis & { [RUN_SERVER]?: KubeServer };

/** From global-setup: starts the run's API server if a selected test needs it, and exports how to reach it. */
export async function startRunKubeApiserver(globalConfig: { testPathPatterns?: { patterns?: string[] } }): Promise<void> {
  if (process.env[KUBE_VAR] || !runUsesKube(globalConfig.testPathPatterns?.patterns ?? [])) return;
  const server = await startKubeApiserver();
  (globalThis as WithServer)[RUN_SERVER] = server;
  const { url, ca, tokens, etcd, auditLog } = server;
  process.env[KUBE_VAR] = JSON.stringify({ url, ca, tokens, etcd, auditLog } satisfies KubeConnection);
}

/** From global-teardown. */
export async function stopRunKubeApiserver(): Promise<void> {
  const g = globalThis as WithServer;
  await g[RUN_SERVER]?.stop();
  g[RUN_SERVER] = undefined;
}

/** The run's API server, for a test file; says what to do when there is none. */
export function runKubeConnection(): KubeConnection {
  const raw = process.env[KUBE_VAR];
  if (!raw) throw new Error(`no Kubernetes API server for this run (${KUBE_VAR} is unset): test/global-setup.ts starts one for test files that import test/helpers/kube-apiserver.ts`);
  return JSON.parse(raw) as KubeConnection;
}
