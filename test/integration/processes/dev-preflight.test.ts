// Issue 10, bug 3: a second `make dev` must check ports and config before it touches dist/, so the
// first one keeps serving. The Makefile runs the preflight first; the preflight (scripts/dev.ts run
// from source) refuses a taken port or a bad config with exit 1 or 2 and says what to do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { exampleRaw } from '../../helpers/config';

const ROOT = resolve(__dirname, '../../..');
let dir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dev-preflight-'));
  server = createServer();
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function preflight(configFile: string) {
  return spawnSync(process.execPath, ['-r', '@swc-node/register', 'scripts/dev.ts', '--preflight', '--config', configFile], {
    cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 60_000,
  });
}

describe('make dev preflight', () => {
  it('runs before the build that removes dist/, and the stack starts after it', () => {
    // VERBOSE=1: the calm mode captures the (dry-run) build output and prints it only on failure.
    const plan = spawnSync('make', ['-n', '--no-print-directory', 'dev', 'VERBOSE=1'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(plan.status).toBe(0);
    const at = (text: string) => plan.stdout.indexOf(text);
    expect(at('scripts/dev.ts --preflight')).toBeGreaterThanOrEqual(0);
    expect(at('rm -rf dist')).toBeGreaterThan(at('scripts/dev.ts --preflight'));
    // The stack itself runs from source (dev scripts are not in the build): the last dev.ts line.
    const start = plan.stdout.lastIndexOf("VERBOSE='1' node -r @swc-node/register scripts/dev.ts\n");
    expect(start).toBeGreaterThan(at('rm -rf dist'));
  });

  it('refuses a port that is already taken, naming it and how to find who holds it', () => {
    const raw = exampleRaw();
    raw.api = { ...raw.api, host: '127.0.0.1', port };
    const file = join(dir, 'taken.yaml');
    writeFileSync(file, stringify(raw));
    const result = preflight(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`api port 127.0.0.1:${port} is already in use. Is another \`make dev\` still running?`);
    expect(result.stderr).toContain(`ss -ltnp 'sport = :${port}'`);
  });

  it('refuses a config file that does not exist, naming it, before anything is built', () => {
    const result = preflight(join(dir, 'missing.yaml'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`invalid config ${join(dir, 'missing.yaml')}:`);
  });
});
