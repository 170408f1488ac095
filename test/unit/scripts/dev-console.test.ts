// What `make dev` shows of its children's output (scripts/dev-console.ts). The sample lines were
// captured from a real `make dev VERBOSE=1` run, or follow the children's own log calls.
import { classifyLine, ConsoleFilter, formatPino, verboseFrom } from '../../../scripts/dev-console';

const apiRequest = '{"level":30,"time":"2026-12-05T19:54:50.881Z","service":"api","version":"0.1.0","pid":8952,"hostname":"vm","reqId":"req-1","method":"GET","url":"/api/incidents/incident%2Fdev%2Fx","route":"/api/incidents/:id","statusCode":200,"responseTime":39.6,"incidentId":"incident/dev/x","workflowId":"incident/dev/x","msg":"request completed"}';
const apiCompleted = '{"level":30,"time":1796495433966,"pid":8952,"hostname":"vm","reqId":"req-1","res":{"statusCode":200},"responseTime":8.145370000000185,"msg":"request completed"}';
const apiListening = '{"level":30,"time":1796495433835,"pid":8952,"hostname":"vm","msg":"Server listening at http://127.0.0.1:8080"}';
const apiAccepted = '{"level":30,"time":1796495514719,"pid":8952,"hostname":"vm","reqId":"req-b","incident":"incident/dev/deployment-shop-checkout-crashloopbackoff","via":"api:dev","msg":"anomaly accepted"}';
// Since issue 11 the audit line of an accepted anomaly is also its request's line (logging/http.ts).
const apiAcceptedWithRequest = '{"level":30,"time":"2026-12-06T02:10:00.000Z","service":"api","version":"0.1.0","pid":8952,"hostname":"vm","reqId":"req-d","method":"POST","url":"/api/anomalies","route":"/api/anomalies","statusCode":202,"responseTime":4.2,"incidentId":"incident/dev/x","workflowId":"incident/dev/x","runId":"r-1","via":"api:dev","msg":"anomaly accepted"}';
const apiAction = '{"level":30,"time":1796495514789,"pid":8952,"hostname":"vm","reqId":"req-c","incident":"incident/dev/deployment-shop-checkout-crashloopbackoff","action":"ack","via":"api:dev","outcome":"done","msg":"incident action"}';
const apiWarn = '{"level":40,"time":1796495433835,"pid":8952,"hostname":"vm","msg":"no api.tokens configured: REST and anomaly intake will answer 401 to everyone"}';
const apiError = '{"level":50,"time":1796495433835,"pid":8952,"hostname":"vm","reqId":"req-9","err":{"type":"Error","message":"boom","stack":"Error: boom\\n    at handler (api/rest.ts:1:1)"},"msg":"error during shutdown"}';
const apiDebug = '{"level":20,"time":1796495433835,"pid":8952,"hostname":"vm","msg":"route registered"}';

describe('which lines `make dev` shows', () => {
  it('hides the api per-request logs but shows its start-up line, lifecycle lines, warnings and errors', () => {
    expect(classifyLine('api', apiRequest)).toBe('hide');
    expect(classifyLine('api', apiCompleted)).toBe('hide');
    expect(classifyLine('api', apiDebug)).toBe('hide');
    for (const line of [apiListening, apiAccepted, apiAcceptedWithRequest, apiAction, apiWarn, apiError]) expect(classifyLine('api', line)).toBe('show');
  });

  it('hides the simulated cluster ticks but shows what it set up and its recovery', () => {
    expect(classifyLine('cluster', '[simcluster dev] tick: crashLoopRollout got worse (resourceVersion 105)')).toBe('hide');
    expect(classifyLine('cluster', '[simcluster dev] API server at http://127.0.0.1:6443; kubeconfig (read-only identity system:serviceaccount:default:k8s-incident-flow) written to /work/main/data/sim/kubeconfig')).toBe('show');
    expect(classifyLine('cluster', '[simcluster dev] /work/main/data/sim/recover found: recovering crashLoopRollout')).toBe('show');
  });

  it("hides Temporal's INFO chatter and localhost address table but shows its version and every warning", () => {
    expect(classifyLine('temporal', 'Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)')).toBe('show');
    expect(classifyLine('temporal', 'Temporal Server:      localhost:7233')).toBe('hide');
    expect(classifyLine('temporal', 'Temporal UI:          http://localhost:8233')).toBe('hide');
    expect(classifyLine('temporal', 'time=2026-12-05T18:30:29.000Z level=INFO msg="history client started"')).toBe('hide');
    expect(classifyLine('temporal', 'time=2026-12-05T18:30:29.000Z level=WARN msg="Failed to poll for task." service=worker')).toBe('show');
    expect(classifyLine('temporal', 'time=2026-12-05T18:30:29.000Z level=ERROR msg="unable to open database"')).toBe('show');
  });

  it("hides the worker SDK's INFO lines but shows its own start-up line, lifecycle lines, notes and SDK warnings", () => {
    const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 30, time: '2026-12-05T19:54:50.050Z', service: 'worker', version: '0.1.0', pid: 1, hostname: 'vm', ...fields });
    expect(classifyLine('worker', line({ sdkComponent: 'worker', taskQueue: 'incidents', state: 'RUNNING', msg: 'Worker state changed' }))).toBe('hide');
    expect(classifyLine('worker', line({ sdkComponent: 'core', target: 'temporalio_sdk_core::worker', msg: 'Initializing worker' }))).toBe('hide');
    expect(classifyLine('worker', line({ level: 20, method: 'GET', url: '/healthz', statusCode: 200, msg: 'request completed' }))).toBe('hide');
    expect(classifyLine('worker', line({ msg: 'worker polling task queue "incidents" on 127.0.0.1:7233 (namespace default)' }))).toBe('show');
    expect(classifyLine('worker', line({ msg: 'note: platforms.local is enabled' }))).toBe('show');
    expect(classifyLine('worker', line({ level: 40, sdkComponent: 'core', msg: 'Failed to poll' }))).toBe('show');
    const lifecycle = line({ sdkComponent: 'activity', activityType: 'publishEvents', workflowId: 'incident/dev/x', runId: 'r-1', incidentId: 'incident/dev/x', lifecycle: true, msg: 'incident incident/dev/x acknowledged by alice' });
    expect(classifyLine('worker', lifecycle)).toBe('show');
    expect(formatPino(lifecycle)).toBe('INFO incident incident/dev/x acknowledged by alice');
  });

  it("hides the worker SDK's INFO lines of the text logger it had before (kept for old output)", () => {
    expect(classifyLine('worker', "2026-12-05T18:30:33.821Z [INFO] Worker state changed { sdkComponent: 'worker', taskQueue: 'incidents', state: 'RUNNING' }")).toBe('hide');
    expect(classifyLine('worker', '2026-12-05T18:30:33.824Z [INFO] No Nexus services registered, not polling for Nexus tasks')).toBe('hide');
    expect(classifyLine('worker', 'worker polling task queue "incidents" on 127.0.0.1:7233 (namespace default); health on http://127.0.0.1:9465/healthz')).toBe('show');
    expect(classifyLine('worker', 'note: platforms.local is enabled')).toBe('show');
    expect(classifyLine('worker', "2026-12-05T18:31:00.000Z [WARN] event sinks refused audit entries { from: 3, count: 2 }")).toBe('show');
    expect(classifyLine('worker', '2026-12-05T18:31:00.000Z [ERROR] Activity failed')).toBe('show');
    expect(classifyLine('worker', 'worker failed: connect ECONNREFUSED 127.0.0.1:7233')).toBe('show');
  });

  it("shows the watcher's few INFO lines and its warnings, hides its DEBUG lines", () => {
    const line = (level: number, msg: string) => JSON.stringify({ level, time: '2026-12-05T19:54:43.739Z', service: 'watcher', version: '0.1.0', pid: 1, hostname: 'vm', cluster: 'dev', msg });
    expect(classifyLine('watcher', line(30, 'acquired lease default/k8s-incident-flow-watcher-dev as vm_8953_d57006'))).toBe('show');
    expect(classifyLine('watcher', line(40, 'could not release the lease'))).toBe('show');
    expect(classifyLine('watcher', line(20, 'signalled 3 occurrence(s) of deployment-shop-checkout-crashloopbackoff'))).toBe('hide');
    expect(formatPino(line(30, 'all informers listed; scanning the current state of cluster dev'))).toBe('INFO all informers listed; scanning the current state of cluster dev');
    expect(classifyLine('watcher', '2026-12-05T18:30:31.686Z INFO [watcher dev] acquired lease default/k8s-incident-flow-watcher-dev as vm_8953_d57006')).toBe('show');
    expect(classifyLine('watcher', '2026-12-05T18:30:31.686Z WARN [watcher dev] could not release the lease (a standby takes over after it expires): connect ECONNREFUSED')).toBe('show');
    expect(classifyLine('watcher', '2026-12-05T18:30:31.686Z DEBUG [watcher dev] pod shop/checkout-1 updated')).toBe('hide');
  });

  it('shows a line it has no rule for, and hides empty lines', () => {
    expect(classifyLine('worker', 'something nobody expected')).toBe('show');
    expect(classifyLine('temporal', '')).toBe('hide');
  });
});

describe('a child stream through the console filter', () => {
  it('hides the continuation lines of a hidden SDK entry and keeps the stack of a shown error', () => {
    const f = new ConsoleFilter('worker', false);
    const lines = [
      '2026-12-05T18:30:33.821Z [INFO] Worker state changed {',
      "  sdkComponent: 'worker',",
      '}',
      '2026-12-05T18:31:00.000Z [ERROR] Activity failed {',
      '  error: Error: boom',
      '      at postAlert (activities/chat.ts:1:1)',
      '}',
    ];
    expect(lines.map((l) => f.render(l)).filter((l) => l !== undefined)).toEqual(lines.slice(3));
    expect(f.hidden).toBe(3);
  });

  it('turns api JSON lines into one readable line each, secrets-free fields kept, noise dropped', () => {
    const f = new ConsoleFilter('api', false);
    expect(f.render(apiRequest)).toBeUndefined();
    expect(f.render(apiAction)).toBe('INFO incident action incident=incident/dev/deployment-shop-checkout-crashloopbackoff action=ack via=api:dev outcome=done');
    const action = '{"level":30,"time":"2026-12-05T19:54:52.007Z","service":"api","version":"0.1.0","pid":1,"hostname":"vm","reqId":"req-6","incidentId":"incident/dev/x","workflowId":"incident/dev/x","action":"resolve","via":"api:alice","outcome":"done","msg":"incident action"}';
    expect(f.render(action)).toBe('INFO incident action incidentId=incident/dev/x action=resolve via=api:alice outcome=done');
    expect(formatPino(apiError)).toBe('ERROR error during shutdown: Error: boom\n    at handler (api/rest.ts:1:1)');
    expect(formatPino('not json')).toBe('not json');
  });

  it('shows every line unchanged with VERBOSE', () => {
    const f = new ConsoleFilter('api', true);
    expect(f.render(apiRequest)).toBe(apiRequest);
    expect(new ConsoleFilter('cluster', true).render('[simcluster dev] tick: crashLoopRollout got worse (resourceVersion 105)')).toBeDefined();
  });

  it('reads VERBOSE=1, true, yes or on from the environment, anything else is calm', () => {
    expect(['1', 'true', 'YES', 'on'].map((v) => verboseFrom({ VERBOSE: v }))).toEqual([true, true, true, true]);
    expect(['', '0', 'no'].map((v) => verboseFrom({ VERBOSE: v }))).toEqual([false, false, false]);
    expect(verboseFrom({})).toBe(false);
  });
});
