// Every process's /metrics after one scripted incident on real Temporal: a crash loop in a
// simulated cluster -> the watcher -> the real worker process (alert, page) -> ack and resolve over
// the api. Each exposition must pass a strict text parser and count exactly this one incident.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { scenarios } from '../../../simcluster';
import type { RunningWatcher } from '../../../watcher/run';
import { incidentWorkflowId, type IncidentState } from '../../../workflows/definitions';
import { dashboardSchema, queriedMetrics } from '../../helpers/dashboard';
import { sampleSum, scrape, type Family } from '../../helpers/prom-text';
import { CHART, helmTemplate, manifests } from '../charts/helm';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { killAllWorkerProcesses, startWorkerProcess, writeWorkerConfig, type WorkerProcess } from '../../helpers/worker-process';
import { fastWatch, Resources } from '../watcher/helpers';

const CLUSTER = 'metrics-west';
const ID = incidentWorkflowId(CLUSTER, 'deployment:shop:checkout:crashloopbackoff');
const res = new Resources();
let stack: Stack;
let worker: WorkerProcess;
let watcher: RunningWatcher;
let sdkPort: number;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

async function state(): Promise<IncidentState | undefined> {
  const r = await stack.request(`/api/incidents/${encodeURIComponent(ID)}`, { token: 'ops' });
  return r.status === 200 ? ((await r.json()) as IncidentState) : undefined;
}

beforeAll(async () => {
  const cluster = await res.cluster(CLUSTER);
  scenarios.crashLoopRollout(cluster.sim, { replicas: 3 });
  stack = await startStack({ config: (raw) => (raw.clusters = [{ name: CLUSTER, kubeconfig: cluster.kubeconfig, watch: fastWatch() }]) });
  sdkPort = await freePort();
  const file = writeWorkerConfig(stack, (raw) => {
    raw.worker.sdkMetricsPort = sdkPort;
    raw.worker.memoryLimit = '1Gi'; // as the chart's limit: the worker caps its workflow heap and reports the limit
    raw.platforms = { local: { enabled: true, url: stack.url } };
    raw.schedules = [{ id: 'primary', timezone: 'UTC', layers: [{ rotation: 'weekly', start: '2020-01-06', participants: ['alice'] }] }];
    raw.escalationPolicies = [{ id: 'default', levels: [{ targets: [{ schedule: 'primary' }], delay: '1h' }] }];
    raw.routing = { rules: [], default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' } };
  });
  worker = startWorkerProcess(file);
  await worker.ready;
  watcher = await res.watcher(stack.config, CLUSTER, stack.client);
}, 120_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await res.cleanup().finally(() => stack?.stop());
});

const workerUrl = () => /metrics on (http:\/\/\S+)\/metrics/.exec(worker.output())![1]!;
const processSeries = ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds'];
const expectProcessMetrics = (families: Map<string, Family>) => {
  for (const name of processSeries) expect({ name, present: families.has(name) }).toEqual({ name, present: true });
};

describe('metrics after one incident lifecycle', () => {
  let api: Map<string, Family>;
  let own: Map<string, Family>;
  const scraped: Map<string, Family>[] = [];

  beforeAll(async () => {
    await eventually(async () => (await state())?.timeline.some((e) => e.type === 'paged'), 'the alert and the page', 60_000);
    const ack = await stack.request(`/api/incidents/${encodeURIComponent(ID)}/ack`, { token: 'alice', json: {} });
    expect(ack.status).toBe(200);
    const resolve = await stack.request(`/api/incidents/${encodeURIComponent(ID)}/resolve`, { token: 'alice', json: { summary: 'rolled back' } });
    expect(resolve.status).toBe(200);
    // The lifecycle counters move once the publisher has handed the resolution to the sinks.
    await eventually(async () => {
      const s = await state();
      return s && s.status === 'resolved' && (s.publishedUpTo ?? 0) >= s.timeline.length ? s : undefined;
    }, 'the resolution published', 60_000);
    api = await scrape(`${stack.url}/metrics`);
    own = await scrape(`${workerUrl()}/metrics`);
    scraped.push(api, own);
  }, 150_000);

  it('counts the worker lifecycle once: one opened, one acknowledged, one resolved, none escalated', () => {
    const labels = { cluster: CLUSTER, severity: 'error' };
    expect(sampleSum(own, 'incidents_opened_total', labels)).toBe(1);
    expect(sampleSum(own, 'incidents_acknowledged_total', labels)).toBe(1);
    expect(sampleSum(own, 'incidents_resolved_total', labels)).toBe(1);
    expect(sampleSum(own, 'incidents_escalated_total')).toBe(0);
    expect(sampleSum(own, 'incidents_handed_off_total')).toBe(0);
    expect(own.get('incidents_opened_total')?.type).toBe('counter');
  });

  it('reports the memory limit it sized its heaps for, beside its resident memory (the chart rule divides them)', () => {
    expect(own.get('worker_memory_limit_bytes')?.type).toBe('gauge');
    expect(sampleSum(own, 'worker_memory_limit_bytes')).toBe(1024 ** 3);
    expect(sampleSum(own, 'process_resident_memory_bytes')).toBeLessThan(1024 ** 3);
  });

  it('sizes its sticky cache from that limit (maxCachedWorkflows auto) and reports it', () => {
    expect(own.get('worker_sticky_cache_capacity')?.type).toBe('gauge');
    expect(sampleSum(own, 'worker_sticky_cache_capacity')).toBe(770);
  });

  it('observes time-to-ack and time-to-alert once each, as histograms', () => {
    expect(own.get('incident_time_to_ack_seconds')?.type).toBe('histogram');
    expect(sampleSum(own, 'incident_time_to_ack_seconds_count', { cluster: CLUSTER })).toBe(1);
    expect(sampleSum(own, 'incident_time_to_ack_seconds_sum', { cluster: CLUSTER })).toBeGreaterThan(0);
    expect(sampleSum(own, 'incident_time_to_alert_seconds_count', { platform: 'local' })).toBe(1);
  });

  it('counts chat and paging calls by platform and outcome', () => {
    expect(sampleSum(own, 'worker_external_calls_total', { system: 'chat', platform: 'local', operation: 'postAlert', outcome: 'ok' })).toBe(1);
    expect(sampleSum(own, 'worker_external_calls_total', { system: 'paging', platform: 'local', operation: 'directMessage', outcome: 'ok' })).toBe(1);
    expect(sampleSum(own, 'worker_external_calls_total', { outcome: 'error' })).toBe(0);
    expectProcessMetrics(own);
  });

  it('serves the api request counts and duration histogram by route pattern, never by incident id', () => {
    const ack = { method: 'POST', route: '/api/incidents/:id/:action', status: '200' };
    expect(sampleSum(api, 'api_http_requests_total', ack)).toBe(2); // the ack and the resolve
    expect(api.get('api_http_request_duration_seconds')?.type).toBe('histogram');
    expect(sampleSum(api, 'api_http_request_duration_seconds_count', ack)).toBe(2);
    const routes = [...api.get('api_http_requests_total')!.samples.map((s) => s.labels.route)];
    expect(routes.filter((r) => r?.includes(CLUSTER))).toEqual([]);
    expectProcessMetrics(api);
  });

  it('serves the Temporal SDK metrics of the worker process on worker.sdkMetricsPort', async () => {
    const sdk = await scrape(`http://127.0.0.1:${sdkPort}/metrics`);
    scraped.push(sdk);
    const names = [...sdk.keys()];
    for (const prefix of ['temporal_workflow_task_execution_latency', 'temporal_activity_execution_latency', 'temporal_worker_task_slots_available', 'temporal_sticky_cache_size']) {
      expect({ prefix, found: names.some((n) => n.startsWith(prefix)) }).toEqual({ prefix, found: true });
    }
    // The worker polled and ran this incident's tasks (counts, not just declared families).
    expect(sampleSum(sdk, 'temporal_workflow_task_queue_poll_succeed', { task_queue: 'incidents' })).toBeGreaterThanOrEqual(1);
    expect(sampleSum(sdk, 'temporal_activity_execution_latency_count', { activity_type: 'postAlert' })).toBe(1);
  });

  it('serves the watcher series with the cluster label, including coalesced occurrences', async () => {
    const w = await scrape(`${watcher.url}/metrics`);
    scraped.push(w);
    expect(sampleSum(w, 'watcher_lists_total', { cluster: CLUSTER })).toBeGreaterThan(0);
    const occurrences = sampleSum(w, 'watcher_occurrences_total', { cluster: CLUSTER });
    const signalled = sampleSum(w, 'watcher_signals_total', { cluster: CLUSTER, type: 'occurrence' });
    expect(occurrences).toBeGreaterThanOrEqual(3);
    expect(signalled).toBeGreaterThan(0);
    expect(signalled).toBeLessThanOrEqual(occurrences);
    expect(sampleSum(w, 'watcher_synced', { cluster: CLUSTER })).toBe(1);
    expect(w.get('watcher_relists_total')?.type).toBe('counter');
    expectProcessMetrics(w);
  });

  // Runs after the scrapes above (Jest keeps order within a file): every query must find its series.
  it('has a loadable dashboard and rules whose every queried metric is in the scraped output', () => {
    const exists = (name: string) => scraped.some((f) => f.has(name) || f.has(name.replace(/_(bucket|sum|count)$/, '')));
    expect(scraped).toHaveLength(4);
    const dashboard = dashboardSchema.parse(JSON.parse(readFileSync(join(CHART, 'files/dashboard.json'), 'utf8')));
    const rendered = helmTemplate([], ['metrics.prometheusRule.enabled=true']);
    expect(rendered.status).toBe(0);
    const rule = manifests(rendered.stdout).find((o) => o.kind === 'PrometheusRule')!;
    const exprs = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...rule.spec.groups.flatMap((g: { rules: { expr: string }[] }) => g.rules.map((r) => r.expr))];
    const names = [...new Set(exprs.flatMap(queriedMetrics))];
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !exists(n))).toEqual([]);
  });
});
