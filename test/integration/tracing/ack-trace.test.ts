// One signed Slack Ack click makes one connected trace, linked by span ids: the api's request span
// -> the Temporal Update call -> the workflow's Update handler -> the card update activity (start
// and run) -> its outgoing Slack call. The anomaly's trace starts at its POST the same way. Real
// Temporal, real api and worker with tracing on; Slack is the strict fake.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Worker } from '@temporalio/worker';
import { eventually } from '../../helpers/eventually';
import { testWorkflowCode } from '../../helpers/temporal';
import { ALICE, startTraceStack, type TraceStack } from './trace-stack';

let s: TraceStack;
beforeAll(async () => {
  s = await startTraceStack();
}, 120_000);
afterAll(async () => s?.stop());

const parentOf = (span: ReadableSpan) => span.parentSpanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

/** The one span named `name` whose parent is `parent` (by id), failing with what there was instead. */
function childOf(spans: ReadableSpan[], parent: ReadableSpan, name: string): ReadableSpan {
  const found = spans.filter((x) => x.name === name && parentOf(x) === idOf(parent));
  if (found.length !== 1) {
    const named = spans.filter((x) => x.name === name).map((x) => `${x.name} (parent ${parentOf(x)})`);
    throw new Error(`expected one "${name}" under "${parent.name}" (${idOf(parent)}), found ${found.length}; spans so far with that name: ${named.join(', ') || 'none'}`);
  }
  return found[0]!;
}

/** Waits until the incident has nothing in flight: no activity, no workflow task. */
async function quiet(id: string): Promise<void> {
  await eventually(async () => {
    const d = await s.client.workflow.getHandle(id).describe();
    return (d.raw.pendingActivities ?? []).length === 0 && !d.raw.pendingWorkflowTask;
  }, 'no pending activity or workflow task');
}

describe('a trace from a chat click to the chat call it causes', () => {
  let id: string;
  let alertTs: string;

  it('roots the anomaly trace at the api request: POST /api/anomalies -> signal-with-start -> the alert post activity -> its Slack call', async () => {
    id = await s.report();
    const alert = await eventually(async () => s.fake.messages(s.channel)[0], 'the alert in Slack');
    alertTs = alert.ts;
    // Paging and diagnostics update the card too; the click below must come after them.
    await eventually(async () => s.fake.dms(ALICE).length > 0, 'the page to alice');
    await quiet(id);

    const spans = await s.spans();
    const request = spans.find((x) => x.name === 'POST /api/anomalies')!;
    expect(request).toBeDefined();
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(parentOf(request)).toBeUndefined();
    expect(request.attributes).toMatchObject({ 'http.route': '/api/anomalies', 'http.response.status_code': 202 });
    const signal = childOf(spans, request, 'SignalWithStartWorkflow:incidentWorkflow');
    // The run's own span ends with the run (the last test resolves it); its activities are there now.
    const start = spans.find((x) => x.name === 'StartActivity:postAlert')!;
    expect(start.spanContext().traceId).toBe(request.spanContext().traceId);
    const post = childOf(spans, start, 'RunActivity:postAlert');
    const call = childOf(spans, post, 'chat postAlert');
    expect(call.attributes).toMatchObject({ 'incident.call.platform': 'slack', 'incident.call.outcome': 'ok' });
    for (const span of [signal, post, call]) expect(span.spanContext().traceId).toBe(request.spanContext().traceId);
  });

  it('makes one connected trace of an Ack click: request -> Update -> handler -> card update activity -> Slack call', async () => {
    const updatesBefore = s.fake.callsOf('chat.update').length;
    const res = await s.inbound.click(ALICE, s.channel, alertTs, 'incident:ack');
    expect(res.status).toBe(200);
    await eventually(async () => JSON.stringify(s.fake.messages(s.channel)[0]!.blocks).includes('Acknowledged by'), 'the card showing the ack');
    await quiet(id);

    const spans = await s.spans();
    const clicks = spans.filter((x) => x.name === 'POST /slack/events');
    expect(clicks).toHaveLength(1);
    const request = clicks[0]!;
    expect(parentOf(request)).toBeUndefined();
    expect(request.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/slack/events', 'http.response.status_code': 200 });

    const update = childOf(spans, request, 'StartWorkflowUpdate:acknowledge');
    const handler = childOf(spans, update, 'HandleUpdate:acknowledge');
    const run = childOf(spans, childOf(spans, handler, 'StartActivity:updateAlerts'), 'RunActivity:updateAlerts');
    const call = childOf(spans, run, 'chat updateAlert');
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(call.attributes).toEqual({ 'incident.call.system': 'chat', 'incident.call.platform': 'slack', 'incident.call.operation': 'updateAlert', 'incident.call.outcome': 'ok' });

    // One trace: every link above shares the click's trace id, and the trace began at the click.
    const trace = request.spanContext().traceId;
    for (const span of [update, handler, run, call]) expect(span.spanContext().traceId).toBe(trace);
    expect(spans.filter((x) => x.spanContext().traceId === trace && !x.parentSpanId)).toEqual([request]);
    // The span stands for a real call: the fake saw the card update it wraps.
    expect(s.fake.callsOf('chat.update').length).toBeGreaterThan(updatesBefore);
  });

  it('closes the run span with the run: a REST resolve -> Update -> handler, and the run under the anomaly\'s signal-with-start, parent of its activities', async () => {
    const res = await s.post(`/api/incidents/${encodeURIComponent(id)}/resolve`, 'alice', { summary: 'rolled back the checkout deploy' });
    expect(res.status).toBe(200);
    await s.client.workflow.getHandle(id).result();

    const spans = await s.spans();
    const request = spans.find((x) => x.name === 'POST /api/incidents/:id/:action')!;
    expect(request.attributes).toMatchObject({ 'http.route': '/api/incidents/:id/:action', 'http.response.status_code': 200 });
    childOf(spans, childOf(spans, request, 'StartWorkflowUpdate:resolve'), 'HandleUpdate:resolve');
    const signal = spans.find((x) => x.name === 'SignalWithStartWorkflow:incidentWorkflow')!;
    const run = childOf(spans, signal, 'RunWorkflow:incidentWorkflow');
    childOf(spans, run, 'StartActivity:postAlert');
    // The postmortem store call has a span of its own under its activity.
    const store = spans.find((x) => x.name === 'RunActivity:storePostmortem')!;
    expect(childOf(spans, store, 'postmortem put').attributes).toMatchObject({ 'incident.call.system': 'postmortem', 'incident.call.outcome': 'ok' });
  });

  it('leaves a history the workflow code without tracing replays: tracing can be turned off under open incidents', async () => {
    const history = await s.client.workflow.getHandle(id).fetchHistory();
    expect(JSON.stringify(history)).toContain('_tracer-data'); // the traced run's headers are in it
    const code = testWorkflowCode();
    await Worker.runReplayHistory('workflowBundlePath' in code ? { workflowBundle: { codePath: code.workflowBundlePath } } : { workflowsPath: require.resolve('../../../workflows') }, history, id);
  });

  it('puts no secret into any span attribute', async () => {
    const text = JSON.stringify((await s.spans()).map((x) => x.attributes));
    expect(text).not.toContain(s.fake.botToken);
    expect(text).not.toContain(s.signingSecret);
    for (const token of Object.values(s.tokens)) expect(text).not.toContain(token);
  });
});
