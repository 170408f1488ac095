// The one logger factory (logging/index.ts): JSON lines with service, version and level, the level
// from LOG_LEVEL, credentials redacted by header path and every configured secret scrubbed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, incidentFields, packageVersion, parseLevel, startupLog } from '../../../logging';
import { capture } from './capture';

const version = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')).version as string;

describe('the process logger', () => {
  it('writes one JSON line per entry with the service, the package version, a numeric level and an ISO time', () => {
    const out = capture();
    createLogger({ service: 'worker', destination: out.destination, env: {} }).info({ a: 1 }, 'hello');
    expect(out.raw).toHaveLength(1);
    expect(out.raw[0]!.endsWith('\n')).toBe(true);
    expect(out.entries()[0]).toMatchObject({ level: 30, service: 'worker', version, msg: 'hello', a: 1, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(packageVersion()).toBe(version);
  });

  it('takes the level from LOG_LEVEL in any casing and drops lines below it', () => {
    const out = capture();
    const log = createLogger({ service: 'api', destination: out.destination, env: { LOG_LEVEL: 'WARN' } });
    log.info('not shown');
    log.warn('shown');
    expect(out.entries().map((e) => e.msg)).toEqual(['shown']);
    expect(parseLevel('warning')).toBe('warn');
    expect(parseLevel(undefined)).toBe('info');
    expect(parseLevel(' Debug ')).toBe('debug');
  });

  it('refuses an unknown LOG_LEVEL naming the levels it accepts', () => {
    expect(() => parseLevel('loud')).toThrow('LOG_LEVEL is "loud": use one of trace, debug, info, warn, error, fatal, silent (e.g. LOG_LEVEL=debug), or leave it unset for info');
    expect(() => createLogger({ service: 'api', env: { LOG_LEVEL: 'verbose' }, destination: capture().destination })).toThrow(/LOG_LEVEL is "verbose"/);
  });

  it('redacts credential headers of requests and of errors that carry their request config', () => {
    const out = capture();
    const log = createLogger({ service: 'api', destination: out.destination, env: {} });
    log.info({ req: { headers: { authorization: 'Bearer abc', 'x-slack-signature': 'v0=123', cookie: 'sid=1', accept: 'text/html' } } }, 'in');
    log.warn({ err: { message: 'boom', config: { headers: { authorization: 'Bearer def' } } } }, 'out');
    const [inbound, failed] = out.entries();
    expect(inbound!.req.headers).toEqual({ authorization: '[redacted]', 'x-slack-signature': '[redacted]', cookie: '[redacted]', accept: 'text/html' });
    expect(failed!.err.config.headers.authorization).toBe('[redacted]');
  });

  it('redacts fields named like credentials at the top level and one level down, in lines and in child bindings', () => {
    const out = capture();
    const log = createLogger({ service: 'worker', destination: out.destination, env: {} });
    const config = { url: 'https://hooks.example/x', token: 'tok-nested-1', apiKey: 'key-nested-2' };
    const err = Object.assign(new Error('refused'), { password: 'pw-on-error-3' });
    log.warn({ token: 'tok-top-4', config, err, list: [{ secret: 'in-array-5' }] }, 'calling');
    log.child({ sink: { routingKey: 'rk-binding-6', name: 'pagerduty' } }).info('child');
    const [line, child] = out.entries();
    expect(line).toMatchObject({ token: '[redacted]', config: { url: 'https://hooks.example/x', token: '[redacted]', apiKey: '[redacted]' }, err: { type: 'Error', message: 'refused', password: '[redacted]', stack: expect.stringContaining('refused') } });
    expect(child!.sink).toEqual({ routingKey: '[redacted]', name: 'pagerduty' });
    for (const leaked of ['tok-nested-1', 'key-nested-2', 'pw-on-error-3', 'tok-top-4', 'rk-binding-6']) expect(out.raw.join('')).not.toContain(leaked);
    // Two levels down and inside arrays are left to the secret scrubber, as before.
    expect(line!.list).toEqual([{ secret: 'in-array-5' }]);
    // The logged objects themselves are untouched.
    expect([config.token, err.password]).toEqual(['tok-nested-1', 'pw-on-error-3']);
  });

  it('scrubs every configured secret from the message, any field and error stacks, also where JSON escapes it', () => {
    const out = capture();
    const plain = 'tok-3f9a1c2b7d';
    const quoted = 'pa"ss\\word-77';
    const log = createLogger({ service: 'worker', destination: out.destination, env: {}, secrets: [plain, quoted, 'abc'] });
    log.error({ detail: { nested: `x${plain}y` }, err: new Error(`refused ${quoted}`) }, `calling with ${plain}`);
    const line = out.raw.join('');
    expect(line).not.toContain(plain);
    expect(line).not.toContain(JSON.stringify(quoted).slice(1, -1));
    const entry = out.entries()[0]!;
    expect(entry.msg).toBe('calling with [redacted]');
    expect(entry.detail.nested).toBe('x[redacted]y');
    expect(entry.err.message).toBe('refused [redacted]');
    // Too short to be a secret worth garbling every line for.
    log.info('abc stays');
    expect(out.entries()[1]!.msg).toBe('abc stays');
  });

  it('gives an incident line its id, workflow id and run id (the id is the workflow id)', () => {
    expect(incidentFields('incident/prod/x', 'run-1')).toEqual({ incidentId: 'incident/prod/x', workflowId: 'incident/prod/x', runId: 'run-1' });
    expect(incidentFields('incident/prod/x')).toEqual({ incidentId: 'incident/prod/x', workflowId: 'incident/prod/x' });
  });
});

describe('the start-up line', () => {
  it('is written at info even when LOG_LEVEL is warn or error, and not when it is silent', () => {
    for (const [LOG_LEVEL, written] of [['warn', 1], ['error', 1], ['debug', 1], ['silent', 0]] as const) {
      const out = capture();
      const log = createLogger({ service: 'worker', destination: out.destination, env: { LOG_LEVEL } });
      startupLog(log).info('worker polling task queue "incidents"');
      log.info('other info');
      expect({ LOG_LEVEL, written: out.entries().filter((e) => e.msg.startsWith('worker polling')).length }).toEqual({ LOG_LEVEL, written });
      expect(out.entries().every((e) => e.level === 30)).toBe(true);
    }
  });
});
