import { execFileSync } from 'node:child_process';
import {
  appChildren, childPrefix, demoAnomaly, demoCurlCommand, describeExit, LinePrefixer, localBaseUrl, prefixLines,
  repoRoot, shellQuote, signalExitCode, temporalCliPath,
} from '../../../scripts/dev-helpers';
import { parseAnomaly } from '../../../intake/schema';
import { SEVERITIES, type Anomaly } from '../../../workflows/definitions';

/** Runs the printed command in a real shell with `curl` replaced by a function that echoes its argv. */
function curlArgv(command: string): string[] {
  const out = execFileSync('sh', ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }; ${command}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('demo curl command', () => {
  const token = 'f00dfeed0123456789abcdef0123456789abcdef01234567';
  const command = demoCurlCommand('http://127.0.0.1:8080', token);

  it('is one line a person can paste', () => {
    expect(command).not.toContain('\n');
    expect(command.startsWith('curl ')).toBe(true);
  });

  it('POSTs a complete CrashLoopBackOff anomaly for dev/shop/checkout with the bearer token', () => {
    const argv = curlArgv(command);
    expect(argv.slice(0, 3)).toEqual(['-sS', '-X', 'POST']);
    expect(argv[3]).toBe('http://127.0.0.1:8080/api/anomalies');
    expect(argv).toContain(`Authorization: Bearer ${token}`);
    expect(argv).toContain('Content-Type: application/json');
    const body = JSON.parse(argv[argv.indexOf('-d') + 1]!) as Anomaly;
    expect(body).toMatchObject({
      cluster: 'dev',
      kind: 'CrashLoopBackOff',
      resource: { namespace: 'shop' },
      owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' },
    });
    expect(SEVERITIES).toContain(body.severity);
    for (const key of ['fingerprint', 'reason', 'message'] as const) expect(body[key]).toEqual(expect.any(String));
    expect(body.labels).toEqual(expect.any(Object));
  });

  it('stamps observedAt when the command runs, as an ISO time with a zone', () => {
    const body = JSON.parse(curlArgv(command).at(-1)!) as Anomaly;
    expect(body.observedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Math.abs(Date.parse(body.observedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('keeps the same fingerprint, so a repeat is an occurrence of the same incident', () => {
    expect(demoAnomaly('a').fingerprint).toBe(demoAnomaly('b').fingerprint);
    // The fingerprint lands in a URL path (GET /api/incidents/:id): keep it free of characters needing escapes (':' needs none).
    expect(demoAnomaly('a').fingerprint).toMatch(/^[a-z0-9:-]+$/);
    // The watcher's key for the simulated crash loop, so the command adds to the incident the watcher opened.
    expect(demoAnomaly('a').fingerprint).toBe('deployment:shop:checkout:crashloopbackoff');
  });

  it('sends an anomaly the intake accepts (the api answers 400 to anything else)', () => {
    const body = JSON.parse(curlArgv(command).at(-1)!) as unknown;
    expect(parseAnomaly(body)).toMatchObject({ ok: true });
  });

  it('drops a trailing slash of the base URL', () => {
    expect(curlArgv(demoCurlCommand('http://localhost:9000/', 't'))[3]).toBe('http://localhost:9000/api/anomalies');
  });
});

describe('shellQuote', () => {
  it.each(["it's", 'a b', '$(rm -rf /)', '`x`', '"q"', 'plain-word_1.2'])('round-trips %p through sh', (word) => {
    expect(execFileSync('sh', ['-c', `printf '%s' ${shellQuote(word)}`], { encoding: 'utf8' })).toBe(word);
  });
});

describe('LinePrefixer', () => {
  it('prefixes whole lines and holds a partial line until its newline arrives', () => {
    const p = new LinePrefixer('[api]');
    expect(p.push('one\ntw')).toBe('[api] one\n');
    expect(p.push('o\nthree')).toBe('[api] two\n');
    expect(p.push('')).toBe('');
    expect(p.flush()).toBe('[api] three\n');
    expect(p.flush()).toBe('');
  });

  it('keeps empty lines and drops carriage returns', () => {
    expect(new LinePrefixer('[w]').push('a\r\n\nb\n')).toBe('[w] a\n[w] \n[w] b\n');
  });

  it('prefixLines handles a single line without newline', () => {
    expect(prefixLines('[dev]', 'ready')).toBe('[dev] ready\n');
  });
});

describe('process commands', () => {
  it('runs worker and api with this node and the same config file', () => {
    const [worker, api] = appChildren('/repo', '/repo/config/example.yaml', '/usr/bin/node');
    expect(worker).toEqual({ name: 'worker', command: '/usr/bin/node', args: ['/repo/dist/worker/main.js', '--config', '/repo/config/example.yaml'] });
    expect(api).toEqual({ name: 'api', command: '/usr/bin/node', args: ['/repo/dist/api/main.js', '--config', '/repo/config/example.yaml'] });
  });

  it('prefers TEMPORAL_CLI over the linked CLI', () => {
    expect(temporalCliPath('/repo', {})).toBe('/repo/.tools/bin/temporal');
    expect(temporalCliPath('/repo', { TEMPORAL_CLI: '/opt/temporal' })).toBe('/opt/temporal');
    expect(temporalCliPath('/repo', { TEMPORAL_CLI: 'bin/temporal' })).toBe('/repo/bin/temporal');
  });

  it('aligns prefixes to the longest name', () => {
    expect(childPrefix('api')).toBe('[api]     ');
    expect(childPrefix('temporal')).toBe('[temporal]');
  });
});

describe('small formatting helpers', () => {
  it('reaches a wildcard bind on loopback', () => {
    expect(localBaseUrl('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080');
    expect(localBaseUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
    expect(localBaseUrl('::1', 8080)).toBe('http://[::1]:8080');
  });

  it('uses the shell convention for exit codes and names how a child ended', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(describeExit('worker', 1, null)).toBe('worker exited with code 1');
    expect(describeExit('api', null, 'SIGKILL')).toBe('api was killed by SIGKILL');
  });
});

describe('repoRoot', () => {
  it('finds the repository from the built and the source location of dev.ts', () => {
    expect(repoRoot('/repo/dist/scripts')).toBe('/repo');
    expect(repoRoot('/repo/scripts')).toBe('/repo');
  });
});
