// The `make dev` entry point as a real process: it starts the server, writes a read-only kubeconfig,
// runs the scenario and says what it did; bad arguments get a message and exit code 2.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { apiError, eventually, k8s } from './helpers';

const ROOT = resolve(__dirname, '../../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

function run(args: string[]) {
  // Sources through @swc-node/register, so the test needs no build.
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'simcluster/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out, exited };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The CLI running `scenarios` in a fresh directory, once they said they run; with a client on its kubeconfig. */
async function started(scenarios: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'simcluster-cli-'));
  dirs.push(dir);
  const kubeconfig = join(dir, 'kubeconfig');
  const p = run(['--port', '0', '--scenario', scenarios.join(','), '--kubeconfig', kubeconfig]);
  await eventually(() => p.out.stdout.includes(`${scenarios.at(-1)}:`) || p.child.exitCode !== null, 'the scenarios to run', 20_000);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { p, dir, kubeconfig, core: kc.makeApiClient(k8s.CoreV1Api) };
}

describe('simcluster CLI', () => {
  it('serves a scenario and writes a read-only kubeconfig the real client can use', async () => {
    const { p, kubeconfig, core } = await started(['crashLoopRollout', 'nodeNotReady']);
    expect(p.out.stdout).toMatch(/API server at http:\/\/127\.0\.0\.1:\d+; kubeconfig .* written to /);
    expect(p.out.stdout).toContain('crashLoopRollout: deployment shop/checkout');

    expect((await core.listNamespacedPod({ namespace: 'shop' })).items).toHaveLength(10);
    expect((await apiError(core.deleteNamespacedPod({ namespace: 'shop', name: 'x' }))).code).toBe(403);
    expect(readFileSync(kubeconfig, 'utf8')).not.toContain('sim-admin-');

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.out.stdout).toContain('SIGTERM: stopping');
  });

  it('recovers the scenarios when the file "recover" appears next to the kubeconfig, and removes it', async () => {
    const { p, dir, core } = await started(['crashLoopRollout']);
    const ready = async () => (await core.listNamespacedPod({ namespace: 'shop' })).items.filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    expect(await ready()).toBe(0);
    writeFileSync(join(dir, 'recover'), '');
    await eventually(async () => (await ready()) > 0, 'pods to turn ready after the recover file', 10_000);
    expect(p.out.stdout).toContain('found: recovering crashLoopRollout');
    expect(existsSync(join(dir, 'recover'))).toBe(false);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('refuses an unknown scenario with the list of known ones and exit code 2', async () => {
    const p = run(['--port', '0', '--scenario', 'crashloop']);
    expect(await p.exited).toBe(2);
    expect(p.out.stderr).toContain('unknown scenario "crashloop"');
    expect(p.out.stderr).toContain('crashLoopRollout');
  });
});
