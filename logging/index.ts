// One JSON log format for every process (issue 15, item 4): pino lines on stdout with the service
// and version on each, the level from LOG_LEVEL, header secrets redacted by path and every
// configured secret value scrubbed from the finished line (logging/secrets.ts), whatever logged it.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';
import { secretScrubber } from './secrets';
import { CENSOR, censorNestedSecrets, SECRET_FIELDS } from './redact';

export type { Logger } from 'pino';
export { incidentFields, type IncidentFields } from './fields';
export type Service = 'api' | 'worker' | 'watcher';

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type Level = (typeof LEVELS)[number];

/** `LOG_LEVEL` in any casing (`WARN`, `warning`); anything else fails naming the choices. */
export function parseLevel(value: string | undefined, source = 'LOG_LEVEL'): Level {
  if (value === undefined || value.trim() === '') return 'info';
  const v = value.trim().toLowerCase();
  const level = v === 'warning' ? 'warn' : v;
  if ((LEVELS as readonly string[]).includes(level)) return level as Level;
  throw new Error(`${source} is "${value}": use one of ${LEVELS.join(', ')} (e.g. LOG_LEVEL=debug), or leave it unset for info`);
}

/**
 * Headers and fields that hold credentials, by path. Inbound requests (Fastify's req serializer),
 * outbound calls logged with their headers, error objects that carry a config or request, and
 * secret fields at the top level; the same fields one level down: censorNestedSecrets (no `*.x`
 * paths here: pino would run them on every field of every line).
 */
export const REDACT_PATHS = [
  ...['req.headers', 'res.headers', 'headers', 'err.config.headers', 'err.request.headers', 'error.config.headers'].flatMap((h) =>
    ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-slack-signature', 'x-signature-ed25519', 'x-api-key', 'x-mattermost-token'].map((n) => `${h}["${n}"]`),
  ),
  ...SECRET_FIELDS,
];

export interface LoggerOptions {
  service: Service;
  /** Default: LOG_LEVEL from `env`, else info. */
  level?: string;
  env?: NodeJS.ProcessEnv;
  /** Values never to print (every resolved secret of the config: configSecrets()). */
  secrets?: Iterable<string>;
  /** Default: stdout, written synchronously so a line logged before process.exit is not lost. */
  destination?: DestinationStream;
  /** Extra fields on every line (e.g. the watcher's cluster). */
  base?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions): Logger {
  const env = opts.env ?? process.env;
  const scrub = secretScrubber(opts.secrets ?? []);
  const logger = pino(
    {
      level: parseLevel(opts.level ?? env.LOG_LEVEL),
      base: { service: opts.service, version: packageVersion(), pid: process.pid, hostname: hostname(), ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      formatters: { log: censorNestedSecrets, bindings: censorNestedSecrets },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      // The last step before a line is written: no configured secret leaves, whichever field held it.
      hooks: { streamWrite: scrub },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  // pino formats only the root's bindings: a child's (and, inheriting this, a grandchild's) are censored here.
  type Child = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  const pinoChild = logger.child as unknown as Child;
  const child: Child = function (bindings, options) {
    return pinoChild.call(this, censorNestedSecrets(bindings), options);
  };
  logger.child = child as unknown as Logger['child'];
  return logger;
}

let version: string | undefined;
/** The version in the nearest package.json above this file (logging/ in sources, dist/logging/ built). */
export function packageVersion(): string {
  if (version) return version;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (version = String(JSON.parse(readFileSync(file, 'utf8')).version));
  }
  return (version = 'unknown');
}

/**
 * The logger for a process's start-up line (where it polls or listens): at info whatever LOG_LEVEL
 * says, silent aside. It is one line per start, what a person (and a supervisor) looks for first.
 */
export function startupLog(log: Logger): Logger {
  return log.level === 'silent' || log.levelVal <= pino.levels.values.info! ? log : log.child({}, { level: 'info' });
}
