// Loaded only when tracing is on (telemetry/tracing.ts imports it lazily): the tracer provider
// with an OTLP/HTTP exporter (or the span processor a test gives), registered globally with the
// AsyncLocalStorage context manager and the W3C propagators, and the Temporal interceptors on it.
import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource, envDetectorSync } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry/lib/worker';
import { AsyncLocalStorageContextManager } from './context';
import { instrumentFastify } from './fastify';
import type { TracingSettings } from './settings';
import { TRACING_WORKFLOW_MODULE, type Tracing } from './tracing';

export const TRACER_NAME = 'k8s-incident-flow';

export function createTracing(settings: Extract<TracingSettings, { enabled: true }>, spanProcessor?: SpanProcessor): Tracing {
  // OTEL_RESOURCE_ATTRIBUTES add to the resource; the service name is the one settings resolved.
  const resource = envDetectorSync.detect().merge(new Resource({ [ATTR_SERVICE_NAME]: settings.serviceName }));
  // The exporter reads OTEL_EXPORTER_OTLP_* itself (endpoint, headers, timeout); the URL is passed
  // only when it comes from the config file.
  const processor = spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter(settings.url ? { url: settings.url } : {}));
  // The sampler follows OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default: parent-based, always on).
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  const contextManager = new AsyncLocalStorageContextManager();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const tracer = provider.getTracer(TRACER_NAME);

  return {
    settings,
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer })] },
    workerOptions: (bundlingFromSources) => ({
      interceptors: {
        activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
        // A prebuilt bundle has the module baked in (worker/bundle.ts); the SDK refuses it beside one.
        ...(bundlingFromSources && { workflowModules: [TRACING_WORKFLOW_MODULE] }),
      },
      // Workflow code cannot export: its spans come out through this sink into the same processor.
      sinks: { exporter: makeWorkflowExporter(processor, resource) },
    }),
    instrumentFastify: (app) => instrumentFastify(app, tracer),
    call: (attrs, fn, errorType) =>
      tracer.startActiveSpan(
        `${attrs.system} ${attrs.operation}`,
        { kind: SpanKind.CLIENT, attributes: { 'incident.call.system': attrs.system, 'incident.call.platform': attrs.platform, 'incident.call.operation': attrs.operation } },
        async (span) => {
          try {
            const result = await fn();
            span.setAttribute('incident.call.outcome', 'ok');
            return result;
          } catch (err) {
            // The type only: error messages may quote URLs or bodies that carry tokens.
            span.setAttributes({ 'incident.call.outcome': 'error', 'error.type': errorType(err) });
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw err;
          } finally {
            span.end();
          }
        },
      ),
    flush: () => provider.forceFlush(),
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}
