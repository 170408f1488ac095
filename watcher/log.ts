// One-line logs with a level and the cluster; LOG_LEVEL=debug|info|warn|error. Messages never carry
// tokens or kubeconfig contents (only object names, reasons and counts).
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

export function createLogger(prefix: string, level: string = process.env.LOG_LEVEL ?? 'info', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = Math.max(0, LEVELS.indexOf(level.toLowerCase() as Level));
  const at = (l: Level) => (msg: string) => {
    if (LEVELS.indexOf(l) >= min) write(`${new Date().toISOString()} ${l.toUpperCase()} [${prefix}] ${msg}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
