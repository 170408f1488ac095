// Overlapping Alertmanager notifications of one incident share a signal (intake/alertmanager/send.ts),
// as concurrent POST /api/anomalies do: Alertmanager sends groups in parallel and repeats them. Real
// api, real Temporal dev server, no worker: signals and their counts are read from each history,
// right after the answers, so a 200 given before Temporal took an alert would show as a short count.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Anomaly } from '../../../workflows/definitions';
import { occurrenceSignal, recoveredSignal } from '../../../workflows/definitions';
import { startStack, type Stack } from '../../helpers/stack';

const SIGNALED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => stack?.stop());

/** The signals one workflow received, in order: the count of each occurrence, or "recovered". */
async function signals(workflowId: string): Promise<(number | 'recovered')[]> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.eventType === SIGNALED)
    .map((e) => {
      const attrs = e.workflowExecutionSignaledEventAttributes!;
      if (attrs.signalName === recoveredSignal.name) return 'recovered';
      expect(attrs.signalName).toBe(occurrenceSignal.name);
      return defaultPayloadConverter.fromPayload<Anomaly>(attrs.input!.payloads![0]!).count ?? 1;
    });
}

const alert = (cluster: string, fingerprint: string, status: 'firing' | 'resolved' = 'firing') => ({
  status,
  labels: { alertname: 'KubePodCrashLooping', cluster, namespace: 'shop', pod: `checkout-${fingerprint.slice(0, 6)}`, severity: 'critical' },
  annotations: {},
  startsAt: '2026-12-05T10:00:00Z',
  endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
  fingerprint,
});
const notify = (alerts: unknown[]) => stack.request('/api/alertmanager', { token: 'ops', json: { version: '4', status: 'firing', receiver: 'api', groupKey: '{}:{}', alerts } });

describe('overlapping Alertmanager notifications', () => {
  it('turn 100 concurrent notifications of a 4-alert group into 4 incidents counting 100 each, with far fewer signals, all taken before the 200s', async () => {
    const cluster = 'am-overlap';
    const fingerprints = Array.from({ length: 4 }, () => randomBytes(8).toString('hex'));
    const ids = fingerprints.map((f) => `incident/${cluster}/am-${f}`);
    const answers = await Promise.all(Array.from({ length: 100 }, () => notify(fingerprints.map((f) => alert(cluster, f)))));
    expect(answers.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { incidents: { incidentId: string; signal: string }[] }[];
    for (const b of bodies) expect(b.incidents.map((i) => [i.incidentId, i.signal])).toEqual(ids.map((id) => [id, 'occurrence']));

    const perIncident = await Promise.all(ids.map(signals));
    // Nothing lost: every alert of every answered notification is counted already.
    expect(perIncident.map((s) => s.reduce<number>((a, c) => a + (c as number), 0))).toEqual([100, 100, 100, 100]);
    for (const s of perIncident) expect(s[0]).toBe(1); // leading edge: the first notification went alone
    // One signal per alert per notification would be 400.
    expect(perIncident.reduce((n, s) => n + s.length, 0)).toBeLessThanOrEqual(200);

    // A later resolved notification comes after every occurrence it followed.
    const res = await notify([alert(cluster, fingerprints[0]!, 'resolved')]);
    expect(((await res.json()) as { incidents: unknown[] }).incidents).toEqual([{ incidentId: ids[0], signal: 'recovered' }]);
    expect((await signals(ids[0]!)).at(-1)).toBe('recovered');
    await Promise.all(ids.map((id) => stack.client.workflow.getHandle(id).terminate('test cleanup: no worker runs here')));
  }, 60_000);
});
