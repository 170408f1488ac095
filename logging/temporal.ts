// The Temporal SDK's logs in the process's pino logger: `Runtime.install({ logger })` receives the
// SDK's own lines, the workflow `log` (through the SDK's logger sink) and the activity
// `Context.current().log`; core (Rust) lines arrive too when forwarding is on (runtimeLogging()).
// Lines of an incident's workflow or activities get incidentId, workflowId and runId.
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from 'pino';
import { redact } from '../activities/diagnostics/redact';
import { INCIDENT_ID_PREFIX } from './fields';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
/** Attributes that only make lines long (the activity task token is an opaque blob). */
const DROPPED = new Set(['taskToken']);

/** SDK metadata as pino fields: run ids under one name, errors as `err`, text from outside redacted. */
export function temporalFields(meta: LogMetadata | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (DROPPED.has(key) || value === undefined) continue;
    if (key === 'workflowRunId' || key === 'run_id') fields.runId = value;
    else if (key === 'workflow_id') fields.workflowId = value;
    else if (value instanceof Error) fields[key === 'error' || key === 'failure' ? 'err' : key] = redactError(value);
    else fields[key] = typeof value === 'string' ? redact(value) : value;
  }
  if (typeof fields.workflowId === 'string' && fields.workflowId.startsWith(INCIDENT_ID_PREFIX)) fields.incidentId = fields.workflowId;
  return fields;
}

function redactError(err: Error): { type: string; message: string; stack?: string; cause?: unknown } {
  const cause = (err as { cause?: unknown }).cause;
  return {
    type: err.name,
    message: redact(err.message),
    ...(err.stack ? { stack: redact(err.stack) } : {}),
    ...(cause instanceof Error ? { cause: redactError(cause) } : {}),
  };
}

/** A Temporal `Logger` writing to `logger`; `sdkComponent` (worker, core, workflow, activity) stays on each line. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => logger[PINO_LEVEL[level]](temporalFields(meta), redact(message));
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}

/**
 * Core's own lines forwarded to the Runtime logger at the process level, but never below INFO
 * unless LOG_LEVEL=trace: core DEBUG is a line per poll and activation.
 */
export function runtimeLogging(level: string): { filter: { core: LogLevel; other: LogLevel }; forward: Record<string, never> } {
  const core: LogLevel = level === 'trace' ? 'DEBUG' : level === 'debug' || level === 'info' ? 'INFO' : level === 'warn' ? 'WARN' : 'ERROR';
  return { filter: { core, other: 'ERROR' }, forward: {} };
}
