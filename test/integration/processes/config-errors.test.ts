// A bad config file stops every process at start with exit code 2 and every problem listed by
// path, before anything connects anywhere.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

function run(entry: string, configText: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, configText);
    return spawnSync(process.execPath, ['-r', '@swc-node/register', entry, '--config', file], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', INCIDENT_API_TOKEN: 'a-token-that-is-long-enough' },
      encoding: 'utf8',
      timeout: 30_000,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const broken = readFileSync(join(ROOT, 'config/example.yaml'), 'utf8')
  .replace('delay: 5m', 'delay: five minutes')
  .replace('participants: [alice, bob]', 'participants: [alice, zed]')
  .replace('port: 8080', 'port: 80800');

/** The process's fatal JSON line (every service process logs JSON lines only: docs/logging.md). */
function fatalLine(stdout: string): { msg: string; problems: string[]; configFile: string } {
  const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: unknown; msg: string; problems: string[]; configFile: string });
  const fatal = lines.filter((l) => l.level === 60 || l.level === 'fatal');
  expect(fatal).toHaveLength(1);
  return fatal[0]!;
}

describe.each(['worker/main.ts', 'api/main.ts', 'watcher/main.ts'])('%s with a bad config file', (entry) => {
  it('exits with code 2 and lists every problem by path in its fatal JSON line', () => {
    const result = run(entry, broken);
    expect(result.status).toBe(2);
    const fatal = fatalLine(result.stdout);
    expect(fatal.msg).toContain('invalid config');
    expect(fatal.problems).toEqual(expect.arrayContaining([
      expect.stringContaining('escalationPolicies[0].levels[0].delay: expected a duration like "30s"'),
      expect.stringContaining('schedules[0].layers[0].participants[1]: unknown person "zed"'),
      expect.stringMatching(/^api\.port:/),
    ]));
    expect(result.stderr).toBe('');
  });

  it.each([
    [['--config', '/nonexistent/config.yaml'], '/nonexistent/config.yaml'],
    [['--config=/nonexistent/other.yaml'], '/nonexistent/other.yaml'],
  ])('says which file it could not read (%j)', (args, path) => {
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', entry, ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    const fatal = fatalLine(result.stdout);
    expect(fatal.configFile).toBe(path);
    expect(fatal.msg).toContain(`invalid config ${path}:`);
    expect(fatal.problems.join('\n')).toContain('cannot read the file (ENOENT: there is no such file)');
  });
});

describe('worker/main.ts with a sticky cache its memory limit cannot hold', () => {
  it('exits with code 2 before connecting, naming the cache size that fits and the limit the configured one needs', () => {
    const example = readFileSync(join(ROOT, 'config/example.yaml'), 'utf8');
    const result = run('worker/main.ts', `${example}\nworker:\n  memoryLimit: 512Mi\n  maxCachedWorkflows: 1000\n`);
    expect(result.status).toBe(2);
    expect(fatalLine(result.stdout).msg).toBe(
      'worker.maxCachedWorkflows 1000 needs about 464 MiB of workflow heap, but the worker.memoryLimit of 512 MiB leaves it 204 MiB (40%): lower worker.maxCachedWorkflows to 350 or less (or set it to auto), or raise the memory limit to at least 1160 MiB',
    );
  });
});
