// One prom-client Registry per process role (api, worker, watcher), never the global one: tests run
// the api and the worker in one Node process and each must expose only its own series.
import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry with the default process metrics (event loop lag, heap, GC, CPU, file descriptors). */
export function processRegistry(defaultLabels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  if (Object.keys(defaultLabels).length) registry.setDefaultLabels(defaultLabels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The exposition body and its content type, for any HTTP server. */
export async function exposition(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Seconds-scale buckets from 50 ms to 1 h: time-to-alert and time-to-ack live here. */
export const INCIDENT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
