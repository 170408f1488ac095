// A small Prometheus text endpoint for the api: request counts and latency per route and status.
// Kept dependency-free; counters live in process memory (each replica is scraped on its own).
import type { FastifyInstance } from 'fastify';

type Labels = Record<string, string>;
const key = (labels: Labels) => Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',');

export class Metrics {
  private readonly counters = new Map<string, Map<string, number>>();
  private readonly help = new Map<string, string>();

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    this.help.set(name, help);
    const series = this.counters.get(name) ?? new Map<string, number>();
    const k = key(labels);
    series.set(k, (series.get(k) ?? 0) + by);
    this.counters.set(name, series);
  }

  render(): string {
    const out: string[] = [];
    for (const [name, series] of this.counters) {
      out.push(`# HELP ${name} ${this.help.get(name)}`, `# TYPE ${name} counter`);
      for (const [labels, value] of series) out.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    return `${out.join('\n')}\n`;
  }
}

export function registerMetrics(app: FastifyInstance, metrics = new Metrics()): Metrics {
  app.addHook('onResponse', async (req, reply) => {
    // The route pattern, not the raw URL, so incident ids do not explode the label set.
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route, status: String(reply.statusCode) };
    metrics.inc('api_http_requests_total', 'HTTP requests answered, by route pattern and status.', labels);
    metrics.inc('api_http_request_seconds_sum', 'Total seconds spent answering, by route pattern and status.', labels, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(metrics.render()));
  return metrics;
}
