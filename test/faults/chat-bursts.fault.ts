// Fault 4, chat 429 and 5xx bursts: six incidents open at once against the strict
// fake Slack enforcing Slack's published per-method limits, while it also answers bursts of 429
// (Retry-After), 500/503 and posts it carried out but answered after the client gave up. Every
// incident must be alerted and paged exactly once. Single faults are tested one by one in
// test/integration/slack/{delivery,ratelimits}.test.ts; this is the mix, with figures.
import { anomaly } from '../helpers/anomaly';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { expectNothingLostOrDuplicated, pagesFor, reportFigures, routeToFaultSlack, slackTally, startFaultSlack, type FaultSlack } from '../helpers/faults';

const INCIDENTS = 6;
let slack: FaultSlack;
let stack: Stack;

beforeAll(async () => {
  slack = await startFaultSlack({ rateLimits: true });
  stack = await startStack({ worker: true, config: (raw) => routeToFaultSlack(raw, slack, raw.dataDir, { level1: '1h', level2: '1h' }) });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await slack?.fake.stop();
});

describe('chat 429 and 5xx bursts', () => {
  it('alert and page every incident of a burst exactly once', async () => {
    const { fake } = slack;
    fake.failNext('chat.postMessage', 429, { retryAfter: 1, times: 3 });
    fake.failNext('chat.postMessage', 503, { times: 2 });
    fake.failNext('chat.postMessage', 500, { times: 2 });
    fake.failNext('conversations.open', 500, { times: 2 });
    fake.failNext('chat.update', 503, { times: 2 });
    // Carried out, answered after the client's 2 s timeout: the retry must find the post, not repeat it.
    fake.stallNext('chat.postMessage', 3_000, { times: 2 });

    const started = Date.now();
    const ids = await Promise.all(
      Array.from({ length: INCIDENTS }, async (_, i) => {
        const name = `burst-${i}`;
        const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'bursts', resource: { kind: 'Pod', name: `${name}-x`, namespace: 'shop' }, owner: { kind: 'Deployment', name, namespace: 'shop' } }) });
        expect(res.status).toBe(202);
        return ((await res.json()) as { incidentId: string }).incidentId;
      }),
    );
    const done = () => {
      const t = slackTally(slack);
      return ids.every((id) => t.alerted.has(id) && pagesFor(t, 'alice', id) >= 1);
    };
    await eventually(done, 'every incident alerted and paged', 90_000, 200);
    const recoverMs = Date.now() - started;
    // The faults were served (else this case tests nothing).
    const statuses = fake.calls.map((c) => c.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect(statuses.filter((s) => s >= 500).length).toBeGreaterThanOrEqual(6);
    // Let retries still in flight land before counting duplicates.
    await new Promise((r) => setTimeout(r, 3_000));

    const t = slackTally(slack);
    const figures = {
      incidents: INCIDENTS,
      lost: ids.filter((id) => !t.alerted.has(id) || pagesFor(t, 'alice', id) === 0).length,
      duplicatePages: t.duplicatePages,
      duplicateMessages: t.duplicateMessages,
      recoverMs,
    };
    reportFigures('chat 429 and 5xx bursts', figures);
    expectNothingLostOrDuplicated(figures);
    expect(fake.messages(slack.channel).filter((m) => !m.threadTs)).toHaveLength(INCIDENTS);
  }, 150_000);
});
