// High availability with real watcher PROCESSES on one simulated cluster: one leader by Lease; a
// SIGKILLed leader is replaced within the lease duration (plus one poll); a SIGTERMed leader
// releases the Lease so the next candidate takes over at once; the incident is never duplicated.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stringify } from 'yaml';
import { scenarios } from '../../../simcluster';
import { incidentWorkflowId } from '../../../workflows/definitions';
import { defaultLeaseName } from '../../../watcher/lease';
import { parseConfig } from '../../../config/load';
import { exampleRaw } from '../../helpers/config';
import { eventually } from '../../helpers/stack';
import { startDevServer } from '../../helpers/temporal';
import { fastWatch, Resources, runsOf, signalledCount, type TestCluster } from './helpers';

const ROOT = resolve(__dirname, '../../..');
const LEASE = { leaseDuration: '3s', renewDeadline: '2s', retryPeriod: '500ms' };
const CRASH = incidentWorkflowId('ha', 'deployment:shop:checkout:crashloopbackoff');

interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

let env: TestWorkflowEnvironment;
let ha: TestCluster;
let configFile: string;
let raw: Record<string, any>;
const config = () => parseConfig(raw, configFile);
const res = new Resources();
const procs: Proc[] = [];

beforeAll(async () => {
  env = await startDevServer();
  res.add(() => env.teardown());
  ha = await res.cluster('ha');
  raw = exampleRaw();
  raw.temporal = { address: env.address, namespace: 'default', taskQueue: 'incidents' };
  raw.dataDir = res.dir;
  delete raw.kubectl; // the example's channels name its `dev` cluster
  raw.clusters = [{ name: 'ha', kubeconfig: ha.kubeconfig, watch: fastWatch({ leaderElection: { enabled: true, ...LEASE } }) }];
  configFile = join(res.dir, 'config.yaml');
  writeFileSync(configFile, stringify(raw));
  res.add(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
  });
}, 60_000);

afterAll(() => res.cleanup());

function startWatcher(name: string): Promise<Proc> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'watcher/main.ts', '--config', configFile, '--cluster', 'ha', '--identity', name], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: process.env.WATCHER_LOG ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let out = '';
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /metrics on (http:\/\/\S+)\/metrics/.exec(out);
      if (m) {
        const p = { name, child, url: m[1]!, exited };
        procs.push(p);
        ok(p);
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
      if (process.env.WATCHER_LOG) process.stderr.write(d);
    });
    void exited.then((code) => fail(new Error(`watcher ${name} exited early (${code}): ${out}`)));
  });
}

async function leaders(ps: Proc[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of ps) {
    const h = (await (await fetch(`${p.url}/healthz`)).json()) as { leader: boolean };
    if (h.leader) out.push(p.name);
  }
  return out;
}

const holder = () => ha.sim.get('coordination.k8s.io/v1', 'Lease', ha.sim.leaseNamespace, defaultLeaseName('ha'))?.spec?.holderIdentity as string | undefined;

describe('watcher replicas on one cluster', () => {
  it('elect one leader, replace a killed one within the lease duration and never duplicate the incident', async () => {
    scenarios.crashLoopRollout(ha.sim, { replicas: 4 });
    const all = await Promise.all(['alpha', 'beta'].map(startWatcher));
    const [first] = await eventually(async () => {
      const l = await leaders(all);
      return l.length === 1 && holder() === l[0] ? l : undefined;
    }, 'exactly one leader holding the Lease');
    await eventually(async () => (await signalledCount(env.client, CRASH)) === 4, 'the incident with four occurrences from the leader');
    expect(await leaders(all)).toEqual([first]);

    const dead = all.find((p) => p.name === first)!;
    dead.child.kill('SIGKILL');
    await dead.exited;
    const killedAt = Date.now();
    const rest = all.filter((p) => p !== dead);
    const [second] = await eventually(async () => {
      const l = await leaders(rest);
      return l.length === 1 ? l : undefined;
    }, 'a standby taking over', 15_000);
    const takeover = Date.now() - killedAt;
    // leaseDuration (3s) counted from the standby's last sight of a renewal: at most one retry
    // period (500ms, +20% jitter) after the kill, plus this test's polling.
    expect(takeover).toBeLessThan(3_000 + 2 * 600 + 800);
    expect(holder()).toBe(second);
    // The new leader reports the still crash-looping pods again: more occurrences, same incident.
    await eventually(async () => (await signalledCount(env.client, CRASH)) === 8, 'the new leader\'s occurrences');

    const leader2 = rest[0]!;
    leader2.child.kill('SIGTERM');
    expect(await leader2.exited).toBe(0);
    expect(holder()).toBe(''); // released on the way out
    const releasedAt = Date.now();
    const third = await res.watcher(config(), 'ha', env.client, 'gamma');
    await eventually(async () => third.isLeader(), 'the next candidate taking the released lease', 10_000);
    // Released, not expired: nobody waits out the lease duration.
    expect(Date.now() - releasedAt).toBeLessThan(3_000);
    await eventually(async () => (await signalledCount(env.client, CRASH)) === 12, 'the third leader\'s occurrences');

    const runs = await eventually(async () => {
      const r = await runsOf(env.client, 'ha');
      return r.length ? r : undefined;
    }, 'the incident in visibility');
    expect(runs).toEqual([expect.objectContaining({ workflowId: CRASH })]);
  }, 60_000);
});

describe('the watcher process entry', () => {
  it('exits with code 2 naming the configured clusters when --cluster is unknown', () => {
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', 'watcher/main.ts', '--config', configFile, '--cluster', 'nope'], {
      cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 30_000,
    });
    expect(r.status).toBe(2);
    // The process logs JSON lines only (docs/logging.md): the reason is its fatal line.
    const fatal = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: unknown; msg: string }).filter((l) => l.level === 60 || l.level === 'fatal');
    expect(fatal.map((l) => l.msg)).toEqual([expect.stringContaining('cluster "nope" is not in the config; clusters[] has: ha')]);
  });
});
