// The api's /metrics (prom-client): default process metrics plus request counts and a duration
// histogram per route pattern. Lifecycle series (acks, resolutions...) are counted in the worker's
// event publisher, which sees every transition whatever its source (chat, REST, recovery), once.
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import { exposition, processRegistry } from '../metrics/registry';

export function registerMetrics(app: FastifyInstance, registry: Registry = processRegistry()): Registry {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'api_http_requests_total', help: 'HTTP requests answered, by route pattern and status.', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'api_http_request_duration_seconds',
    help: 'Seconds spent answering, by route pattern and status.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    // The route pattern, not the raw URL, so incident ids do not explode the label set.
    const labels = { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await exposition(registry);
    return reply.type(contentType).send(body);
  });
  return registry;
}
