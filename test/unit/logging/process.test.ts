// Output a library prints on its own becomes log lines (logging/process.ts): console.* and Node's
// process warnings, with the pattern-based redaction for their free-form text.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../../../logging';
import { routeConsole } from '../../../logging/process';
import { capture } from './capture';

const ROOT = resolve(__dirname, '../../..');
const saved = { ...console };
afterEach(() => Object.assign(console, saved));

describe('a library printing on its own', () => {
  it('turns console.log, warn and error into JSON lines at info, warn and error, formatted and redacted', () => {
    const out = capture();
    routeConsole(createLogger({ service: 'worker', destination: out.destination, env: {} }));
    console.log('[slack] %s posted', 'chat.postMessage');
    console.warn('retrying with token=xoxb-1234567890-abcdef');
    console.error(new Error('socket hang up'));
    const entries = out.entries();
    expect(entries.map((e) => [e.level, e.console])).toEqual([[30, true], [40, true], [50, true]]);
    expect(entries[0]!.msg).toBe('[slack] chat.postMessage posted');
    expect(entries[1]!.msg).not.toContain('xoxb-1234567890');
    expect(entries[2]!.msg).toMatch(/^Error: socket hang up/);
  });

  // Node's warning printer is process-wide state, so this one runs in a child process of its own.
  it('turns a process warning into a warn line instead of Node printing it to stderr', async () => {
    const script = `
      const { createLogger } = require('./logging');
      const { routeProcessOutput } = require('./logging/process');
      routeProcessOutput(createLogger({ service: 'watcher', env: {} }));
      process.emitWarning('the old flag is deprecated', { code: 'DEP_X' });
      console.log('from a library');`;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 20_000 });
    expect(stderr).toBe('');
    const entries = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({ level: 30, console: true, msg: 'from a library' }),
      expect.objectContaining({ level: 40, warning: 'Warning', code: 'DEP_X', msg: 'the old flag is deprecated', service: 'watcher' }),
    ]);
  }, 30_000);
});
