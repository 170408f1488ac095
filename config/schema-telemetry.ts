// The `telemetry` section: OpenTelemetry tracing (telemetry/, docs/observability.md). Off by
// default; the standard OTEL_* environment overrides what is written here.
import { z } from 'zod';

const tracing = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe('Trace requests through Temporal to every activity and its outgoing call (OTLP/HTTP). OTEL_TRACES_EXPORTER=otlp turns it on, =none off, whatever this says.'),
    endpoint: z
      .string()
      .url()
      .optional()
      .describe('Base URL of the OpenTelemetry collector\'s OTLP/HTTP receiver, e.g. "http://otel-collector:4318"; spans go to <endpoint>/v1/traces. OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT win; default http://localhost:4318.'),
  })
  .strict();

export const telemetrySchema = z
  .object({
    tracing: tracing.default({ enabled: false }).describe('OpenTelemetry traces of the api, worker and watcher; service names k8s-incident-flow-<process> unless OTEL_SERVICE_NAME is set.'),
  })
  .strict()
  .default({ tracing: { enabled: false } })
  .describe('Observability beyond /metrics: OpenTelemetry tracing (docs/observability.md)');
