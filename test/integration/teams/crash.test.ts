// The window the in-process ledger cannot cover: the worker PROCESS dies (SIGKILL) after Teams
// accepted the alert card and before the answer arrived. Temporal retries the post on a new worker
// process, which finds the card through Microsoft Graph: the channel keeps one card, and the
// incident's updates reach it.
import type { IncidentState } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { killAllWorkerProcesses, startWorkerProcess, writeWorkerConfig } from '../../helpers/worker-process';
import { FakeBotFramework } from '../../fakes/botframework/server';
import { OPS, fakeOptions, withTeams } from './fixtures';

let fake: FakeBotFramework;
let stack: Stack;
let configFile: string;

const teamsRoute = (raw: Record<string, any>) => {
  withTeams(raw, fake, { graph: { enabled: true } });
  raw.routing = { rules: [], default: { channels: [{ platform: 'teams', channel: 'ops' }], policy: raw.routing.default.policy } };
};

beforeAll(async () => {
  fake = await FakeBotFramework.start(fakeOptions());
  stack = await startStack({ worker: false, config: teamsRoute });
  configFile = writeWorkerConfig(stack, (raw) => {
    raw.platforms = {};
    teamsRoute(raw);
  });
}, 120_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await stack?.stop();
  await fake?.stop();
});

const cardsOf = (id: string) => fake.cards(OPS).filter((c) => c.activity.attachments[0].content.refresh.action.data.incidentId === id);
async function state(id: string): Promise<IncidentState> {
  const res = await stack.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' });
  if (res.status !== 200) throw new Error(`GET incident answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as IncidentState;
}

/** How the incident's alert post was scheduled (its activity id and heartbeat timeout). */
async function postAlertScheduled(id: string) {
  const events = (await stack.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes).find((a) => a?.activityType?.name === 'postAlert');
  if (!scheduled) throw new Error(`no postAlert scheduled in ${id}`);
  return scheduled;
}

describe('a worker process killed after Teams accepted the alert card', () => {
  it('is replaced by one that finds the card through Graph instead of posting a second', async () => {
    const first = startWorkerProcess(configFile);
    await first.ready;
    // Teams stores posts at once but the answers never reach this worker.
    fake.answerLate(10 * 60_000);
    const res = await stack.request('/api/anomalies', { token: 'ops', json: anomaly({ cluster: 'teams-crash' }) });
    expect(res.status).toBe(202);
    const { incidentId } = (await res.json()) as { incidentId: string };
    await eventually(async () => cardsOf(incidentId).length === 1, 'the card stored by Teams', 30_000);
    await first.kill('SIGKILL');
    fake.answerLate(0);

    // Temporal retries the post on the new process once the dead attempt's heartbeat timeout (30 s)
    // passes. The test checks that timeout is set and, instead of sleeping through it, fails the dead
    // attempt as an operator's `temporal activity fail` would: the retry is the same either way.
    const second = startWorkerProcess(configFile);
    await second.ready;
    const post = await postAlertScheduled(incidentId);
    expect(Number(post.heartbeatTimeout?.seconds ?? 0)).toBeGreaterThan(0);
    expect(Number(post.heartbeatTimeout?.seconds)).toBeLessThanOrEqual(30);
    await stack.client.activity.fail({ workflowId: incidentId, activityId: post.activityId! }, new Error('its worker process was killed'));
    const card = cardsOf(incidentId)[0]!;
    await eventually(async () => (await state(incidentId)).messages[0]?.id === card.id, 'the incident to adopt the card the dead worker posted');
    expect(fake.graphRequests.some((r) => r.path.endsWith('/messages/delta') && r.status === 200)).toBe(true);

    const ack = await stack.request(`/api/incidents/${encodeURIComponent(incidentId)}/ack`, { token: 'alice', json: {} });
    expect(((await ack.json()) as { outcome: string }).outcome).toBe('done');
    await eventually(async () => String(fake.latest(card).attachments[0].content.body[0].items[0].text).startsWith('ACKNOWLEDGED'), 'the card to show the ack');
    expect(cardsOf(incidentId)).toHaveLength(1);
    await second.kill('SIGTERM');
  }, 150_000);
});
