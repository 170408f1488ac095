// Workflow interceptors of the traced bundle: the SDK's OpenTelemetry ones (spans for the run,
// signals, updates and every activity scheduled, context in the activity headers), plus one rule
// of ours. The incident workflow does a person's work in its main loop (the alert updater wakes
// on a flag the Update handler sets), where the active span is the run's, whose trace began with
// the first anomaly. So activities scheduled from the main loop in the workflow task that handled
// an Update become children of that Update's span: an ack's trace reaches the card update and its
// chat call. Spans and headers only; no command changes, so replay is unaffected.
import * as otel from '@opentelemetry/api';
import type { ActivityInput, Next, UpdateInput, WorkflowExecuteInput, WorkflowInboundCallsInterceptor, WorkflowInterceptors, WorkflowOutboundCallsInterceptor, WorkflowInternalsInterceptor, ConcludeActivationInput } from '@temporalio/workflow';
import { OpenTelemetryInboundInterceptor, OpenTelemetryInternalsInterceptor, OpenTelemetryOutboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/workflow';

/** Per workflow run: the run's span and the Update span of the current workflow task, if any. */
class UpdateCause implements WorkflowInboundCallsInterceptor {
  private runSpan?: otel.Span;
  private cause?: otel.SpanContext;

  // Inside the SDK's interceptor, so the active span is the one it just started.
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    this.runSpan = otel.trace.getSpan(otel.context.active());
    return next(input);
  }

  async handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    const span = otel.trace.getSpan(otel.context.active())?.spanContext();
    if (span && otel.isSpanContextValid(span)) this.cause = span;
    return next(input);
  }

  /** Outside the SDK's outbound interceptor, so its StartActivity span gets this parent. */
  readonly outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) => {
      const current = otel.trace.getSpan(otel.context.active());
      if (!this.cause || !this.runSpan || current !== this.runSpan) return next(input);
      return otel.context.with(otel.trace.setSpanContext(otel.context.active(), this.cause), () => next(input));
    },
  };

  readonly internals: WorkflowInternalsInterceptor = {
    concludeActivation: (input: ConcludeActivationInput, next: Next<WorkflowInternalsInterceptor, 'concludeActivation'>) => {
      this.cause = undefined;
      return next(input);
    },
  };
}

export const interceptors = (): WorkflowInterceptors => {
  const cause = new UpdateCause();
  return {
    inbound: [new OpenTelemetryInboundInterceptor(), cause],
    outbound: [cause.outbound, new OpenTelemetryOutboundInterceptor()],
    internals: [cause.internals, new OpenTelemetryInternalsInterceptor()],
  };
};
