// The process-wide tracing switch. Off (the default) nothing of OpenTelemetry is loaded, no
// interceptor is registered and no span is made: every helper here falls through to the plain
// call. On, ./sdk is loaded once and registered as the global tracer provider, context manager
// and W3C propagator, which the Temporal interceptors use to carry the trace across processes.
import type { FastifyInstance } from 'fastify';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type * as Sdk from './sdk';
import { TelemetryConfigError, tracingSettings, type TracedProcess, type TracingConfig, type TracingSettings } from './settings';

/** The workflow interceptor module: in the traced bundle (worker/bundle.ts) or bundled from sources. */
export const TRACING_WORKFLOW_MODULE = require.resolve('./workflow-interceptors');

export interface CallAttributes {
  system: string;
  platform: string;
  operation: string;
}

export interface Tracing {
  readonly settings: Extract<TracingSettings, { enabled: true }>;
  /** For `new Client({ interceptors })`: spans for start, signal-with-start, updates, queries, with the context in headers. */
  readonly clientInterceptors: ClientInterceptors;
  /** Activity interceptors and the workflow span sink; the workflow module too when the worker bundles from sources. */
  workerOptions(bundlingFromSources: boolean): Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** A SERVER span per request: route pattern, method, status; active while the handler runs. */
  instrumentFastify(app: FastifyInstance): void;
  /** A CLIENT span around one outgoing call: system, platform, operation, outcome, error type. */
  call<T>(attrs: CallAttributes, fn: () => Promise<T>, errorType: (err: unknown) => string): Promise<T>;
  /** Sends what is buffered. */
  flush(): Promise<void>;
  /** Flushes, then unregisters the globals. */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

export interface StartOptions {
  /** Replaces the OTLP exporter (tests pass a SimpleSpanProcessor over an InMemorySpanExporter). */
  spanProcessor?: SpanProcessor;
}

/** Starts tracing when `settings` say so; undefined (and nothing loaded) when off. */
export async function startTracing(settings: TracingSettings, opts: StartOptions = {}): Promise<Tracing | undefined> {
  if (!settings.enabled) return undefined;
  if (active) throw new TelemetryConfigError('tracing is already started in this process; stop it first');
  // require, not import(): loaded here and only here, synchronously, in CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createTracing } = require('./sdk') as typeof Sdk;
  active = createTracing(settings, opts.spanProcessor);
  return active;
}

/** startTracing from the config's `telemetry.tracing` and the OTEL_* environment. */
export function startTracingFromConfig(config: { telemetry?: { tracing?: TracingConfig } }, process: TracedProcess, env?: NodeJS.ProcessEnv): Promise<Tracing | undefined> {
  return startTracing(tracingSettings(config.telemetry?.tracing, process, env));
}

/** The running tracing of this process, if any. */
export function activeTracing(): Tracing | undefined {
  return active;
}

/** Flushes and unregisters the tracing of this process (a no-op when off). */
export async function stopTracing(): Promise<void> {
  const t = active;
  active = undefined;
  await t?.shutdown();
}

/** Runs `fn` in a call span when tracing is on; otherwise just runs it. */
export function tracedCall<T>(attrs: CallAttributes, fn: () => Promise<T>, errorType: (err: unknown) => string): Promise<T> {
  return active ? active.call(attrs, fn, errorType) : fn();
}

/** Request spans for the api when tracing is on; registers nothing when off. */
export function registerRequestSpans(app: FastifyInstance): void {
  active?.instrumentFastify(app);
}

/** Client interceptors when tracing is on, else undefined (the Client gets none). */
export function tracingClientInterceptors(): ClientInterceptors | undefined {
  return active?.clientInterceptors;
}
