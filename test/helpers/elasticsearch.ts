// One real Elasticsearch node per Jest run: test/global-setup.ts starts it (when the run includes a
// test that uses it), passes its URL to the test workers as TEST_ELASTICSEARCH_URL, and
// test/global-teardown.ts stops it and removes its data. The install comes from
// scripts/setup-elasticsearch.sh (.tools/elasticsearch and .tools/elasticsearch-jdk) or
// ELASTICSEARCH_HOME / ES_JAVA_HOME. Each test file names its indices with its own prefix
// (testIndexPrefix), so files running in parallel on the one node never meet.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** The variable that carries the run's node to the test workers. */
export const ES_URL_VAR = 'TEST_ELASTICSEARCH_URL';

export interface EsNode {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Whether a user other than root can reach `path` (every parent directory searchable by others). */
function othersCanReach(path: string): boolean {
  for (let p = dirname(path); ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (p === dirname(p)) return true;
  }
}

/** A tree the run-as user can read: the original, or a hard-linked (else copied) staging of it. */
function readable(path: string, into: string): string {
  const real = realpathSync(path);
  if (othersCanReach(real)) return real;
  try {
    execFileSync('cp', ['-al', real, into]);
  } catch {
    cpSync(real, into, { recursive: true });
  }
  return into;
}

/** Data dirs of runs that died without teardown (their watchdog stopped the node already). */
function removeOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = /^k8s-incident-flow-es-(\d+)-/.exec(name)?.[1];
    if (pid && !existsSync(`/proc/${pid}`)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Whether a process of that group still runs (zombies, which nothing here may reap, do not count). */
function liveInGroup(pgid: number): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      // stat: pid (comm) state ppid pgrp ...; comm may hold spaces, so read after the last ')'.
      const [state, , pgrp] = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!statSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
}

/** Starts a single-node Elasticsearch on free loopback ports, data in a temp dir, security off. */
export async function startElasticsearch(opts: { heap?: string; timeoutMs?: number } = {}): Promise<EsNode> {
  const home = process.env.ELASTICSEARCH_HOME ?? join(ROOT, '.tools/elasticsearch');
  const javaHome = process.env.ES_JAVA_HOME ?? join(ROOT, '.tools/elasticsearch-jdk');
  if (!existsSync(join(home, 'bin/elasticsearch')))
    throw new Error(`Elasticsearch is not installed at ${home}: run \`make setup\` (scripts/setup-elasticsearch.sh), or set ELASTICSEARCH_HOME to an install`);
  if (!existsSync(join(javaHome, 'bin/java'))) throw new Error(`no Java at ${javaHome}: run \`make setup\`, or set ES_JAVA_HOME to a Java 21+`);
  removeOrphans();
  const dir = mkdtempSync(join(tmpdir(), `k8s-incident-flow-es-${process.pid}-`));
  chmodSync(dir, 0o755); // mkdtemp's 0700 would lock the run-as user out
  const root = process.getuid?.() === 0;
  // Elasticsearch refuses to run as root: run it as the user setup created, owning its dirs.
  const user = process.env.ELASTICSEARCH_RUN_AS ?? 'esrun';
  let ids: { uid: number; gid: number } | undefined;
  if (root) {
    try {
      ids = { uid: Number(execFileSync('id', ['-u', user]).toString()), gid: Number(execFileSync('id', ['-g', user]).toString()) };
    } catch {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Elasticsearch cannot run as root and the user ${user} does not exist: run \`make setup\` (it creates it), or set ELASTICSEARCH_RUN_AS`);
    }
  }
  const esHome = root ? readable(home, join(dir, 'home')) : realpathSync(home);
  const esJava = root ? readable(javaHome, join(dir, 'jdk')) : realpathSync(javaHome);
  cpSync(join(esHome, 'config'), join(dir, 'config'), { recursive: true }); // the keystore is written here
  for (const d of ['data', 'logs', 'tmp']) mkdirSync(join(dir, d));
  if (ids) for (const d of ['config', 'data', 'logs', 'tmp']) chownTree(join(dir, d), ids.uid, ids.gid);
  const [httpPort, transportPort] = [await freePort(), await freePort()];
  const settings = {
    'cluster.name': 'k8s-incident-flow-test',
    'node.name': 'test',
    'discovery.type': 'single-node',
    'xpack.security.enabled': 'false',
    'network.host': '127.0.0.1',
    'http.port': String(httpPort),
    'transport.port': String(transportPort),
    'path.data': join(dir, 'data'),
    'path.logs': join(dir, 'logs'),
    // A nearly full disk must not turn the test indices read-only.
    'cluster.routing.allocation.disk.threshold_enabled': 'false',
  };
  const esArgs = Object.entries(settings).flatMap(([k, v]) => ['-E', `${k}=${v}`]);
  const launcher = [join(esHome, 'bin/elasticsearch'), ...esArgs].map((a) => `'${a}'`).join(' ');
  // A watchdog in the same process group stops the node if this process dies without teardown
  // (Ctrl-C, a crash), so no node outlives its run.
  const script = `${launcher} & es=$!; while [ -d /proc/${process.pid} ] && kill -0 $es 2>/dev/null; do sleep 2; done; kill $es 2>/dev/null; wait`;
  const out = openSync(join(dir, 'logs/console.log'), 'a');
  const child: ChildProcess = spawn('/bin/sh', ['-c', script], {
    cwd: join(dir, 'tmp'),
    detached: true,
    stdio: ['ignore', out, out],
    ...(ids ?? {}),
    env: {
      PATH: process.env.PATH,
      HOME: join(dir, 'tmp'),
      LANG: 'C.UTF-8',
      ES_JAVA_HOME: esJava,
      ES_PATH_CONF: join(dir, 'config'),
      ES_TMPDIR: join(dir, 'tmp'),
      ES_JAVA_OPTS: `-Xms${opts.heap ?? '512m'} -Xmx${opts.heap ?? '512m'}`,
    },
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    // The launcher, the server JVM and the watchdog share one process group: end all of them.
    const group = child.pid!;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-group, sig);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    for (let waited = 0; liveInGroup(group); waited += 100) {
      if (waited === 20_000) signal('SIGKILL');
      await new Promise((r) => setTimeout(r, 100));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const status = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`)
      .then(async (r) => (r.ok ? ((await r.json()) as { status: string }).status : undefined))
      .catch(() => undefined);
    if (status === 'green' || status === 'yellow') return { url, stop };
    if (exited || Date.now() > deadline) {
      const log = readFileSync(join(dir, 'logs/console.log'), 'utf8').split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`Elasticsearch ${exited ? 'exited' : 'did not become healthy in time'} (${home}); its last output:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Whether a test file of this run uses the node (imports this helper, or calls esTarget). */
function runUsesElasticsearch(patterns: string[]): boolean {
  if (patterns.length === 0) return true; // the whole suite
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(test|fault)\.ts$/.test(e.name)) files.push(p);
    }
  };
  walk(join(ROOT, 'test'));
  const matches = (f: string) => patterns.some((p) => new RegExp(p, 'i').test(f));
  return files.some((f) => matches(f) && /helpers\/elasticsearch'|esTarget\(/.test(readFileSync(f, 'utf8')));
}

const RUN_NODE = Symbol.for('k8s-incident-flow.elasticsearch');
type WithNode = typeof globalThis & { [RUN_NODE]?: EsNode };

/** From global-setup: starts the run's node if a selected test needs it, and exports its URL. */
export async function startRunElasticsearch(globalConfig: { testPathPatterns?: { patterns?: string[] } }): Promise<void> {
  if (process.env[ES_URL_VAR] || !runUsesElasticsearch(globalConfig.testPathPatterns?.patterns ?? [])) return;
  const node = await startElasticsearch();
  (globalThis as WithNode)[RUN_NODE] = node;
  process.env[ES_URL_VAR] = node.url;
}

/** From global-teardown. */
export async function stopRunElasticsearch(): Promise<void> {
  const g = globalThis as WithNode;
  await g[RUN_NODE]?.stop();
  g[RUN_NODE] = undefined;
}

/** The run's node, for a test file; says what to do when there is none. */
export function runElasticsearchUrl(): string {
  const url = process.env[ES_URL_VAR];
  if (!url) throw new Error(`no Elasticsearch node for this run (${ES_URL_VAR} is unset): test/global-setup.ts starts one for test files that import test/helpers/elasticsearch.ts`);
  return url;
}

/** A lowercase index-name prefix unique to the calling test file and this run. */
export function testIndexPrefix(): string {
  const file = basename(expect.getState().testPath ?? 'test').replace(/\.test\.ts$/, '');
  return `${file.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomBytes(3).toString('hex')}`;
}
