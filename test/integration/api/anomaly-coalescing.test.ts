// Issue 11: concurrent POST /api/anomalies for one incident share a signal-with-start, and what
// arrives meanwhile is folded into one follow-up signal carrying its count. Real api, real
// Temporal dev server, no worker: the signals and their counts are read from each workflow's history.
import { incidentWorkflowId } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { startStack, type Stack } from '../../helpers/stack';
import { occurrenceCounts } from '../../helpers/intake-history';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => stack?.stop());

describe('anomaly intake under a storm of POSTs', () => {
  it('turns 1,000 concurrent POSTs over 10 fingerprints into 10 incidents counting 1,000 occurrences with far fewer signals', async () => {
    const problems = Array.from({ length: 10 }, () => anomaly());
    const ids = problems.map((p) => incidentWorkflowId(p.cluster, p.fingerprint));
    const responses = await Promise.all(
      Array.from({ length: 1_000 }, async (_, i) => {
        const res = await stack.request('/api/anomalies', { token: 'ops', json: { ...problems[i % 10]!, observedAt: new Date().toISOString() } });
        return { i, status: res.status, body: (await res.json()) as { incidentId: string } };
      }),
    );
    // Every caller got its own answer, naming the incident its anomaly went to.
    expect(responses.filter((r) => r.status !== 202)).toEqual([]);
    for (const r of responses) expect(r.body.incidentId).toBe(ids[r.i % 10]);

    const perIncident = await Promise.all(ids.map((id) => occurrenceCounts(stack.client, id)));
    const signals = perIncident.reduce((n, c) => n + c.length, 0);
    const counted = perIncident.map((c) => c.reduce((a, b) => a + b, 0));
    expect(counted).toEqual(Array(10).fill(100));
    // Without coalescing 1,000; folding only while a call is in flight measured 588 here.
    expect(signals).toBeLessThanOrEqual(400);
    for (const c of perIncident) expect(c[0]).toBe(1); // leading edge: the first anomaly went alone

    const open = await Promise.all(ids.map((id) => stack.client.workflow.getHandle(id).describe()));
    expect(open.map((d) => d.status.name)).toEqual(Array(10).fill('RUNNING'));
    await Promise.all(ids.map((id) => stack.client.workflow.getHandle(id).terminate('test cleanup: no worker runs here')));
  }, 60_000);
});
