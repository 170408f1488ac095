// What a library prints on its own (console.*, process warnings) would break "every line is JSON"
// and could carry a credential: both are routed into the process logger, with the pattern-based
// redaction for their free-form text.
import { format } from 'node:util';
import type { Logger } from 'pino';
import { redact } from '../activities/diagnostics/redact';
import { createLogger, type Service } from './index';
import { configSecrets } from './secrets';

const CONSOLE_LEVELS = { log: 'info', info: 'info', debug: 'debug', trace: 'trace', warn: 'warn', error: 'error' } as const;

/** console.log/info/debug/trace/warn/error write JSON lines through `logger` (field `console: true`). */
export function routeConsole(logger: Logger): void {
  const out = logger.child({ console: true });
  for (const [method, level] of Object.entries(CONSOLE_LEVELS) as [keyof typeof CONSOLE_LEVELS, (typeof CONSOLE_LEVELS)[keyof typeof CONSOLE_LEVELS]][]) {
    console[method] = (...args: unknown[]) => out[level](redact(format(...args)));
  }
}

/** Node's warnings (deprecations, process.emitWarning) as warn lines instead of `(node:1) Warning: ...` on stderr. */
export function routeWarnings(logger: Logger): void {
  // Removing Node's own listener is the documented way to stop its stderr printing.
  process.removeAllListeners('warning');
  process.on('warning', (w: Error & { code?: string }) => logger.warn({ warning: w.name, ...(w.code ? { code: w.code } : {}) }, redact(w.message)));
}

/** Both of the above: every line a process prints is one of the logger's. */
export function routeProcessOutput(logger: Logger): void {
  routeConsole(logger);
  routeWarnings(logger);
}

/**
 * A process's logger, with console and warnings routed into it. Before the config is read there
 * are no secrets to scrub (nothing secret is logged before); call again with the config. A bad
 * LOG_LEVEL stops the start with exit code 2 and what to set.
 */
export function processLogger(service: Service, config?: unknown): Logger {
  let logger: Logger;
  try {
    logger = createLogger({ service, secrets: config === undefined ? [] : configSecrets(config) });
  } catch (err) {
    process.stderr.write(`${service}: ${(err as Error).message}\n`);
    process.exit(2);
  }
  routeProcessOutput(logger);
  return logger;
}
