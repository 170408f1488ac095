// The worker's two metric endpoints: its own series (incident lifecycle, time-to-alert/ack, outside
// call outcomes, process metrics) at /metrics on the health port, and the Temporal SDK's Core
// metrics (task latencies, slots, sticky cache, polls) served by the Runtime's own Prometheus
// exporter on `worker.sdkMetricsPort` (0 = off). Two scrape targets, no proxying between them.
import { Runtime, type RuntimeOptions, type TelemetryOptions } from '@temporalio/worker';
import { Gauge } from 'prom-client';
import type { WorkerConfig } from '../config/schema-temporal';
import { exposition } from '../metrics/registry';
import { workerRegistry } from '../metrics/incidents';

export const workerMetrics = () => exposition(workerRegistry);

// With process_resident_memory_bytes beside it, the chart's rule warns before the pod is OOM-killed.
const memoryLimit = new Gauge({
  name: 'worker_memory_limit_bytes',
  help: 'The memory limit the worker sized its V8 heaps for (worker.memoryLimit or the container limit); 0 without one.',
  registers: [workerRegistry],
});

/** Records the limit of the heap plan (worker/memory.ts); 0 when there is none. */
export const recordMemoryLimit = (bytes: number | undefined): void => memoryLimit.set(bytes ?? 0);

// Beside the SDK's temporal_sticky_cache_size: how full the cache is, and what `auto` chose.
const cacheCapacity = new Gauge({
  name: 'worker_sticky_cache_capacity',
  help: 'Open incidents this worker keeps in memory at most (worker.maxCachedWorkflows, or what auto sized from the memory limit).',
  registers: [workerRegistry],
});

export const recordStickyCacheCapacity = (incidents: number): void => cacheCapacity.set(incidents);

/** Telemetry options for `Runtime.install`: the SDK's Prometheus exporter, or none. */
export function sdkTelemetry(worker: Pick<WorkerConfig, 'host' | 'sdkMetricsPort'>): TelemetryOptions | undefined {
  if (!worker.sdkMetricsPort) return undefined;
  const host = worker.host.includes(':') ? `[${worker.host}]` : worker.host;
  // Durations in seconds like every other series here; counter names as in Temporal's SDK metrics
  // reference (no added _total, which would also turn local_activity_total into ..._total_total).
  return { metrics: { prometheus: { bindAddress: `${host}:${worker.sdkMetricsPort}`, useSecondsForDurations: true } } };
}

/** `Runtime.install` with the SDK exporter (kept beside the caller's telemetry, e.g. log forwarding); a taken port fails with the config key to change. */
export function installRuntime(worker: Pick<WorkerConfig, 'host' | 'sdkMetricsPort'>, options: RuntimeOptions): void {
  const telemetryOptions = sdkTelemetry(worker);
  try {
    Runtime.install({ ...options, ...(telemetryOptions ? { telemetryOptions: { ...options.telemetryOptions, ...telemetryOptions } } : {}) });
  } catch (err) {
    if (!telemetryOptions) throw err;
    throw new Error(`worker.sdkMetricsPort: cannot serve Temporal SDK metrics on ${worker.host}:${worker.sdkMetricsPort} (${(err as Error).message}); choose another port, or 0 to turn them off`);
  }
}
