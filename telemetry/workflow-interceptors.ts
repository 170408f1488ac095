// Workflow interceptors of the traced bundle: spans for the run, signals, Updates and every
// activity scheduled, the context passed on in the activity and continue-as-new headers.
//
// Written here rather than taken from @temporalio/interceptors-opentelemetry because those add
// microtask ticks (async wrappers, and extra yields for histories without their SDK flags): an
// incident opened before tracing was turned on then fails replay with a nondeterminism error once
// it has seen an Update (test/integration/tracing/replay.test.ts). These return the very promise
// the SDK gave them and end spans on a side chain, so the commands come out in the same order with
// or without tracing, both ways. The package's header format, span exporter sink and isolate
// context manager are reused, so the worker side (telemetry/sdk.ts) is the package's.
//
// One rule of ours: the incident does a person's work in its main loop (the alert updater wakes on
// a flag the Update handler sets), where the active span is the run's, whose trace began with the
// first anomaly. Activities the main loop schedules in the workflow task that handled an Update are
// children of that Update's span, so an ack's trace reaches the card update and its chat call.
import '@temporalio/interceptors-opentelemetry/lib/workflow/runtime';
import * as otel from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { UPDATE_ID_ATTR_KEY, extractContextFromHeaders, headersWithContext } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { ContextManager } from '@temporalio/interceptors-opentelemetry/lib/workflow/context-manager';
import { SpanExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/span-exporter';
import { ContinueAsNew, workflowInfo } from '@temporalio/workflow';
import type {
  ActivityInput, ContinueAsNewInput, GetLogAttributesInput, LocalActivityInput, Next, SignalInput, SignalWorkflowInput, UpdateInput,
  WorkflowExecuteInput, WorkflowInboundCallsInterceptor, WorkflowInterceptors, WorkflowInternalsInterceptor, WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

let tracer: otel.Tracer | undefined;
let contextManager: ContextManager | undefined;

function getTracer(): otel.Tracer {
  if (!tracer) {
    contextManager = new ContextManager();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new SpanExporter())] });
    provider.register({ contextManager });
    tracer = provider.getTracer('@temporalio/interceptor-workflow');
  }
  return tracer;
}

function failed(span: otel.Span, err: unknown): void {
  if (err instanceof ContinueAsNew) return void span.setStatus({ code: otel.SpanStatusCode.OK });
  span.setStatus({ code: otel.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** Runs `fn` with `span` active and returns what it returned, untouched; the span ends when that settles. */
function around<T>(span: otel.Span, parent: otel.Context, fn: () => T): T {
  let result: T;
  try {
    result = otel.context.with(otel.trace.setSpan(parent, span), fn);
  } catch (err) {
    failed(span, err);
    span.end();
    throw err;
  }
  if (result instanceof Promise) {
    result.then(
      () => span.end(),
      (err: unknown) => {
        failed(span, err);
        span.end();
      },
    );
  } else span.end();
  return result;
}

class TracingInterceptors implements WorkflowInboundCallsInterceptor, WorkflowOutboundCallsInterceptor {
  private readonly tracer = getTracer();
  private runSpan?: otel.Span;
  /** The Update span of the current workflow task, if one was handled. */
  private cause?: otel.SpanContext;

  private start(name: string, parent: otel.Context, attributes?: otel.Attributes): otel.Span {
    return this.tracer.startSpan(name, { attributes }, parent);
  }

  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const parent = extractContextFromHeaders(input.headers) ?? otel.ROOT_CONTEXT;
    this.runSpan = this.start(`RunWorkflow:${workflowInfo().workflowType}`, parent);
    return around(this.runSpan, parent, () => next(input));
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    const parent = extractContextFromHeaders(input.headers) ?? otel.context.active();
    return around(this.start(`HandleSignal:${input.signalName}`, parent), parent, () => next(input));
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    const parent = extractContextFromHeaders(input.headers) ?? otel.context.active();
    around(this.start(`ValidateUpdate:${input.name}`, parent, { [UPDATE_ID_ATTR_KEY]: input.updateId }), parent, () => next(input));
  }

  handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    const parent = extractContextFromHeaders(input.headers) ?? otel.context.active();
    const span = this.start(`HandleUpdate:${input.name}`, parent, { [UPDATE_ID_ATTR_KEY]: input.updateId });
    this.cause = span.spanContext();
    return around(span, parent, () => next(input));
  }

  /** The context new outbound spans hang under: the Update's when the main loop acts on one. */
  private outboundParent(): otel.Context {
    const active = otel.context.active();
    return this.cause && this.runSpan && otel.trace.getSpan(active) === this.runSpan ? otel.trace.setSpanContext(active, this.cause) : active;
  }

  /** A span around an outbound call whose input carries the span's context in its headers. */
  private withHeaders<I extends { headers: ActivityInput['headers'] }, R>(name: string, input: I, next: (input: I) => R, attributes?: otel.Attributes): R {
    const parent = this.outboundParent();
    const span = this.start(name, parent, attributes);
    const headers = otel.context.with(otel.trace.setSpan(parent, span), () => headersWithContext(input.headers));
    return around(span, parent, () => next({ ...input, headers }));
  }

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return this.withHeaders(`StartActivity:${input.activityType}`, input, next);
  }

  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return this.withHeaders(`StartActivity:${input.activityType}`, input, next);
  }

  signalWorkflow(input: SignalWorkflowInput, next: Next<WorkflowOutboundCallsInterceptor, 'signalWorkflow'>): Promise<void> {
    return this.withHeaders(`SignalWorkflow:${input.signalName}`, input, next);
  }

  continueAsNew(input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>): Promise<never> {
    return this.withHeaders(`ContinueAsNew:${input.options.workflowType ?? workflowInfo().workflowType}`, input, next);
  }

  getLogAttributes(input: GetLogAttributesInput, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>): Record<string, unknown> {
    const context = otel.trace.getSpan(otel.context.active())?.spanContext();
    return context && otel.isSpanContextValid(context) ? next({ trace_id: context.traceId, span_id: context.spanId, ...input }) : next(input);
  }

  readonly internals: WorkflowInternalsInterceptor = {
    concludeActivation: (input, next) => {
      this.cause = undefined;
      return next(input);
    },
    dispose: (input, next) => {
      contextManager?.disable();
      next(input);
    },
  };
}

export const interceptors = (): WorkflowInterceptors => {
  const tracing = new TracingInterceptors();
  return { inbound: [tracing], outbound: [tracing], internals: [tracing.internals] };
};
