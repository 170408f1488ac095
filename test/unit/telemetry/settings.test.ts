// Whether a process traces and where to: telemetry.tracing in the config, the standard OTEL_*
// environment on top, and a clear error for what this service cannot do.
import { describeTracing, TelemetryConfigError, tracingSettings } from '../../../telemetry/settings';
import { testConfig } from '../../helpers/config';

describe('tracing settings', () => {
  it('are off by default, in the schema and without any environment', () => {
    const config = testConfig();
    expect(config.telemetry).toEqual({ tracing: { enabled: false } });
    expect(tracingSettings(config.telemetry.tracing, 'api', {})).toEqual({ enabled: false });
  });

  it('turn on from the config, sending to <endpoint>/v1/traces under the process service name', () => {
    const config = testConfig((raw) => (raw.telemetry = { tracing: { enabled: true, endpoint: 'http://127.0.0.1:4318/' } }));
    expect(tracingSettings(config.telemetry.tracing, 'worker', {})).toEqual({
      enabled: true,
      serviceName: 'k8s-incident-flow-worker',
      url: 'http://127.0.0.1:4318/v1/traces',
      destination: 'http://127.0.0.1:4318/v1/traces',
    });
  });

  it('turn on with OTEL_TRACES_EXPORTER=otlp and off with none, whatever the config says', () => {
    expect(tracingSettings({ enabled: false }, 'api', { OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({ enabled: true, serviceName: 'k8s-incident-flow-api' });
    expect(tracingSettings({ enabled: true }, 'api', { OTEL_TRACES_EXPORTER: 'none' })).toEqual({ enabled: false });
    expect(tracingSettings({ enabled: true }, 'api', { OTEL_SDK_DISABLED: 'true' })).toEqual({ enabled: false });
  });

  it('leave the endpoint to the exporter when OTEL_EXPORTER_OTLP_* names one, and take OTEL_SERVICE_NAME', () => {
    const env = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SERVICE_NAME: 'incidents-api' };
    expect(tracingSettings({ enabled: true, endpoint: 'http://127.0.0.2:4318' }, 'api', env)).toEqual({
      enabled: true,
      serviceName: 'incidents-api',
      destination: 'http://127.0.0.1:4318/v1/traces',
    });
    expect(tracingSettings({ enabled: true }, 'watcher', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/custom' })).toMatchObject({ destination: 'http://127.0.0.1:4318/custom' });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, /OTEL_TRACES_EXPORTER=jaeger is not supported.*set OTEL_TRACES_EXPORTER=otlp/],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported.*HTTP port \(4318\)/],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL/],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /OTEL_EXPORTER_OTLP_ENDPOINT is not a URL \("not a url"\): give the collector's OTLP\/HTTP address/],
  ])('refuse %j with a message saying what to set', (env, message) => {
    expect(() => tracingSettings(undefined, 'api', env)).toThrow(TelemetryConfigError);
    expect(() => tracingSettings(undefined, 'api', env)).toThrow(message);
  });

  it('are refused in the config file when the endpoint is not a URL or a key is unknown', () => {
    expect(() => testConfig((raw) => (raw.telemetry = { tracing: { enabled: true, endpoint: 'collector' } }))).toThrow(/telemetry\.tracing\.endpoint/);
    expect(() => testConfig((raw) => (raw.telemetry = { tracing: { enable: true } }))).toThrow(/telemetry\.tracing/);
  });

  it('describe where spans go for the start-up line, without headers', () => {
    const env = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer s3cr3t-value' };
    const line = describeTracing(tracingSettings(undefined, 'api', env));
    expect(line).toBe('tracing on: spans of service "k8s-incident-flow-api" go over OTLP/HTTP to http://127.0.0.1:4318/v1/traces');
    expect(describeTracing({ enabled: false })).toBe('tracing off');
  });
});
