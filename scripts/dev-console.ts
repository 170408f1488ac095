// What `make dev` shows of its children's output (issue 10, item 9: a calm console). Shown: start-up
// lines, warnings and errors of every child, and incident lifecycle lines. Hidden: per-request logs,
// Temporal's INFO chatter, the simulator's ticks, SDK INFO lines. `make dev VERBOSE=1` shows all.
// Anything the rules do not know is shown: an unknown line may be the one that explains a failure.
// The api, worker and watcher print pino JSON lines (logging/): shown ones become short readable
// lines (formatPino); the SDK's own INFO lines carry `sdkComponent` worker or core and are hidden.
import type { ChildName } from './dev-helpers';

/** A lifecycle line, whoever logs it: shown even at INFO. */
const LIFECYCLE = /\bincident\b.*\b(opened|alerted|paged|escalated|acked|acknowledged|handed off|resolved|reopened|recurred|recovered|postmortem)\b/i;
/** A level word in the usual places (`level=WARN`, `[WARN]`, ` WARN `, `warning:`). */
const LOUD_LEVEL = /(level=(warn|error|fatal|panic)|\[(warn|error)\]|\s(WARN|ERROR)\s|^(warning|error)\b|\bfailed\b)/i;
const QUIET_LEVEL = /(level=(info|debug|trace)\b|\[(info|debug|trace)\]|^\S+\s(INFO|DEBUG)\s)/i;

type Verdict = 'show' | 'hide' | 'continue';

/** SDK components whose INFO lines are chatter (worker state, core); workflow and activity lines are ours. */
const SDK_CHATTER = new Set(['worker', 'core']);

function pinoVerdict(line: string): Verdict | undefined {
  if (!line.startsWith('{')) return undefined;
  let entry: { level?: number; msg?: string; req?: unknown; res?: unknown; sdkComponent?: string };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return undefined;
  }
  if (typeof entry.level !== 'number') return undefined;
  if (entry.level >= 40) return 'show';
  // Request logs (one per request, logging/http.ts) and the SDK's own INFO lines. By message, not by
  // statusCode: an accepted anomaly's audit line carries the request's fields and is news.
  if (entry.req !== undefined || entry.res !== undefined || entry.msg === 'request completed') return 'hide';
  if (entry.sdkComponent && SDK_CHATTER.has(entry.sdkComponent)) return 'hide';
  return entry.level >= 30 ? 'show' : 'hide';
}

/** One child's rule for a line that is not a continuation of the line before it. */
export function classifyLine(child: ChildName | string, line: string): Verdict {
  if (line.trim() === '') return 'hide';
  // Continuations: a stack frame, the rest of an object the SDK logger printed over several lines.
  if (/^\s/.test(line) || /^[}\])]/.test(line)) return 'continue';
  const pino = pinoVerdict(line);
  if (pino) return pino;
  if (LIFECYCLE.test(line) || LOUD_LEVEL.test(line)) return 'show';
  if (child === 'cluster' && /^\[simcluster [^\]]+\] tick: /.test(line)) return 'hide';
  // The CLI's address table says "localhost"; the banner gives the addresses (127.0.0.1) instead.
  if (child === 'temporal' && /^Temporal (Server|UI|Metrics|Persistence):/.test(line)) return 'hide';
  // The watcher's INFO lines are few and each is news (leader, informers listed, recovered).
  if (child === 'watcher' && /^\S+ INFO \[/.test(line)) return 'show';
  if (QUIET_LEVEL.test(line)) return 'hide';
  return 'show';
}

const PINO_LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has, or that only matter when searching logs (ids, SDK bookkeeping). */
const PINO_NOISE = new Set(['level', 'time', 'pid', 'hostname', 'reqId', 'msg', 'service', 'version', 'runId', 'sdkComponent', 'namespace', 'taskQueue', 'activityId', 'attempt', 'isLocal', 'workflowType', 'lifecycle', 'console', 'identity']);

/**
 * A pino JSON line of any of our processes as one readable line: `INFO incident action
 * incidentId=... action=ack`. Fields whose value the message already says are left out (the
 * incident id of a lifecycle line, a workflow id that is the incident id). An `err` keeps its message
 * and stack (on the following lines).
 */
export function formatPino(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry.level !== 'number') return line;
  const msg = String(entry.msg ?? '');
  // A lifecycle line says it all in its message.
  const fields = Object.entries(entry.lifecycle === true ? {} : entry)
    .filter(([k, v]) => !PINO_NOISE.has(k) && k !== 'err' && !(typeof v === 'string' && msg.includes(v)) && !(k === 'workflowId' && v === entry.incidentId))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const head = [PINO_LEVELS[entry.level] ?? `level ${entry.level}`, msg, ...fields].filter(Boolean).join(' ');
  return err ? `${head}: ${err.stack ?? err.message ?? JSON.stringify(err)}` : head;
}

/** Per output stream of one child: decides line by line, continuations follow their first line. */
export class ConsoleFilter {
  private last: 'show' | 'hide' = 'show';
  hidden = 0;

  constructor(
    private readonly child: ChildName | string,
    private readonly verbose: boolean,
  ) {}

  /** The line as shown (a JSON log line made readable), or undefined when it is hidden. */
  render(line: string): string | undefined {
    if (this.verbose) return line;
    const v = classifyLine(this.child, line);
    if (v !== 'continue') this.last = v;
    if (this.last === 'hide') {
      this.hidden += 1;
      return undefined;
    }
    return line.startsWith('{') ? formatPino(line) : line;
  }
}

/** VERBOSE=1 (or true/yes) in the environment: everything every child prints. */
export function verboseFrom(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true|yes|on)$/i.test(env.VERBOSE ?? '');
}
