// Whether a process traces, and where the spans go: the `telemetry.tracing` config section and the
// standard OTEL_* environment. The environment wins (it is how a deployment turns tracing on or off
// without a config change); nothing here loads OpenTelemetry.
export type TracedProcess = 'api' | 'worker' | 'watcher';

export interface TracingConfig {
  enabled: boolean;
  endpoint?: string;
}

export type TracingSettings =
  | { enabled: false }
  | {
      enabled: true;
      serviceName: string;
      /** The OTLP/HTTP traces URL from the config; absent when the OTEL_* environment names one (or the exporter's default applies). */
      url?: string;
      /** Where the spans go, for the start-up line (never carries headers or credentials). */
      destination: string;
    };

export class TelemetryConfigError extends Error {
  override name = 'TelemetryConfigError';
}

const truthy = (v: string | undefined) => /^(1|true|yes|on)$/i.test(v?.trim() ?? '');

function checkedUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TelemetryConfigError(`${what} is not a URL ("${value}"): give the collector's OTLP/HTTP address, e.g. http://127.0.0.1:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TelemetryConfigError(`${what} must be an http:// or https:// URL (OTLP over HTTP), got "${value}"`);
  return value;
}

/** Where a base URL (OTEL_EXPORTER_OTLP_ENDPOINT, telemetry.tracing.endpoint) sends traces. */
export const tracesUrl = (base: string) => `${base.replace(/\/+$/, '')}/v1/traces`;

/** Throws a TelemetryConfigError naming the variable or key and what to set instead. */
export function tracingSettings(config: TracingConfig | undefined, process: TracedProcess, env: NodeJS.ProcessEnv = globalThis.process.env): TracingSettings {
  if (truthy(env.OTEL_SDK_DISABLED)) return { enabled: false };
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  const unsupported = exporters.filter((e) => e !== 'otlp' && e !== 'none');
  if (unsupported.length > 0)
    throw new TelemetryConfigError(`OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER} is not supported: this service exports traces over OTLP/HTTP only; set OTEL_TRACES_EXPORTER=otlp (or none to switch tracing off)`);
  const enabled = exporters.length > 0 ? exporters.includes('otlp') : (config?.enabled ?? false);
  if (!enabled) return { enabled: false };

  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol && protocol !== 'http/json' && protocol !== 'http/protobuf')
    throw new TelemetryConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: spans go over OTLP/HTTP; unset it or use http/json, and point the endpoint at the collector's HTTP port (4318)`);
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || `k8s-incident-flow-${process}`;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    return { enabled: true, serviceName, destination: checkedUrl(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') };
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT)
    return { enabled: true, serviceName, destination: tracesUrl(checkedUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'OTEL_EXPORTER_OTLP_ENDPOINT')) };
  if (config?.endpoint) {
    const url = tracesUrl(checkedUrl(config.endpoint, 'telemetry.tracing.endpoint'));
    return { enabled: true, serviceName, url, destination: url };
  }
  return { enabled: true, serviceName, destination: 'http://localhost:4318/v1/traces (the OTLP default)' };
}

export function describeTracing(settings: TracingSettings): string {
  return settings.enabled ? `tracing on: spans of service "${settings.serviceName}" go over OTLP/HTTP to ${settings.destination}` : 'tracing off';
}
