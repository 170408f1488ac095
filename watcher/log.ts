// The watcher's log: pino JSON lines like every process (logging/), with the cluster on each line.
// A line about one fingerprint passes `{ fingerprint }` and gets the incident's fields
// (incidentId, workflowId), since the incident id is `incident/<cluster>/<fingerprint>`.
// LOG_LEVEL=debug|info|warn|error. Messages never carry tokens or kubeconfig contents (only object
// names, reasons and counts); configured secrets are scrubbed from every line anyway.
import { createLogger as createProcessLogger, incidentFields, type Logger as PinoLogger } from '../logging';
import { incidentWorkflowId } from '../workflows/definitions';

export type LogFields = Record<string, unknown> & { fingerprint?: string };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** The watcher's Logger over a pino logger, for one cluster. */
export function watcherLogger(base: PinoLogger, cluster: string): Logger {
  const log = base.child({ cluster });
  const fields = (f: LogFields | undefined) => (f?.fingerprint ? { ...f, ...incidentFields(incidentWorkflowId(cluster, f.fingerprint)) } : (f ?? {}));
  return {
    debug: (msg, f) => log.debug(fields(f), msg),
    info: (msg, f) => log.info(fields(f), msg),
    warn: (msg, f) => log.warn(fields(f), msg),
    error: (msg, f) => log.error(fields(f), msg),
  };
}

/**
 * A standalone watcher logger (tests and tools that run watchers in-process): `name` is
 * `watcher <cluster>[ <identity>]`, lines go to `write` (default stdout).
 */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info', write?: (line: string) => void): Logger {
  const [, cluster = name, ...rest] = name.split(' ');
  const base = createProcessLogger({ service: 'watcher', level, ...(write ? { destination: { write } } : {}), base: rest.length ? { identity: rest.join(' ') } : {} });
  return watcherLogger(base, cluster);
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
