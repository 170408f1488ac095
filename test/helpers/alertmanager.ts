// A real Alertmanager (built by scripts/setup-alertmanager.sh) on loopback ports, configured with
// one webhook receiver (the api under test) and short group/repeat timers so grouping and repeat
// notifications happen within a test. stop() ends it and removes its directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './elasticsearch';

const ROOT = join(__dirname, '../..');
const VERSION = '0.35.0';

export interface AlertmanagerOptions {
  /** Where notifications go, e.g. http://127.0.0.1:<port>/api/alertmanager. */
  webhookUrl: string;
  /** What the receiver's http_config sends. */
  auth: { bearer: string } | { basic: { username: string; password: string } };
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

/** An alert as `POST /api/v2/alerts` takes it (alertmanager's PostableAlert). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface RunningAlertmanager {
  url: string;
  /** POST /api/v2/alerts, as Prometheus sends them; throws on a non-2xx answer. */
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  stop(): Promise<void>;
}

/** The binary: $ALERTMANAGER, .tools/bin/alertmanager, or the setup script's cache. */
export function alertmanagerBinary(): string {
  const cache = process.env.K8S_INCIDENT_FLOW_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'k8s-incident-flow');
  const candidates = [process.env.ALERTMANAGER, join(ROOT, '.tools/bin/alertmanager'), join(cache, `alertmanager/v${VERSION}/alertmanager`)];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new Error('No alertmanager binary: run `make setup` (scripts/setup-alertmanager.sh builds it once) or set ALERTMANAGER');
  return found;
}

export function alertmanagerConfig(opts: AlertmanagerOptions): Record<string, unknown> {
  const httpConfig = 'bearer' in opts.auth ? { authorization: { type: 'Bearer', credentials: opts.auth.bearer } } : { basic_auth: opts.auth.basic };
  return {
    route: {
      receiver: 'api',
      group_by: opts.groupBy ?? ['alertname', 'cluster'],
      group_wait: opts.groupWait ?? '1s',
      group_interval: opts.groupInterval ?? '2s',
      repeat_interval: opts.repeatInterval ?? '3s',
    },
    receivers: [{ name: 'api', webhook_configs: [{ url: opts.webhookUrl, send_resolved: true, http_config: httpConfig }] }],
  };
}

export async function startAlertmanager(opts: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const bin = alertmanagerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
  writeFileSync(join(dir, 'alertmanager.yml'), stringify(alertmanagerConfig(opts)), { mode: 0o600 });
  const port = await freePort();
  const log = openSync(join(dir, 'alertmanager.log'), 'a');
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // A single node: no gossip port, no peers to wait for.
      '--cluster.listen-address=',
      '--log.level=info',
    ],
    { cwd: dir, stdio: ['ignore', log, log] },
  );
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const postAlerts = async (alerts: PostableAlert[]) => {
    const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, postAlerts, stop };
    if (exited || Date.now() > deadline) {
      const out = readFileSync(join(dir, 'alertmanager.log'), 'utf8').split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`Alertmanager ${exited ? 'exited' : 'did not become ready in time'} (${bin}); its last output:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
