// PagerDuty in the escalation ladder, on the time-skipping test server: level 1 pages by chat only;
// when nobody acknowledges, level 2 pages by chat DM and a PagerDuty trigger; the ack and the
// resolution reach PagerDuty as acknowledge and resolve of the same alert (dedup key = incident id).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { startTimeSkippingServer, runTestWorker, type RunningWorker } from '../../helpers/temporal';
import { testConfig } from '../../helpers/config';
import { anomaly } from '../../helpers/anomaly';
import { actor } from '../../helpers/actors';
import { eventually } from '../../helpers/stack';
import { MemoryChat } from '../../fakes/memory-chat';
import { FakePagerDuty } from '../../fakes/pagerduty/server';
import { acknowledgeUpdate, incidentWorkflowId, occurrenceSignal, resolveUpdate, stateQuery, TASK_QUEUE, type IncidentInput } from '../../../workflows/definitions';

const MIN = 60_000;
const ROUTING_KEY = 'r'.repeat(32);
let env: TestWorkflowEnvironment | undefined;
let worker: RunningWorker | undefined;
let fake: FakePagerDuty | undefined;
let chat: MemoryChat;
let dataDir: string | undefined;

beforeAll(async () => {
  fake = await FakePagerDuty.start();
  env = await startTimeSkippingServer();
  chat = new MemoryChat();
  const config = testConfig((raw) => {
    // No debounce timer on the time-skipping server: it can refuse the cancel of a timer that just fired
    // (sdk-java#3088) and leave the run stuck; the real server accepts it (test/workflow/flapping.test.ts).
    raw.alertUpdateDebounce = '0ms';
    // The routing key lives in the test's own data dir, removed with it.
    writeFileSync(join(raw.dataDir, 'routing-key'), ROUTING_KEY);
    raw.escalationPolicies = [
      {
        id: 'default',
        levels: [
          { targets: [{ schedule: 'primary' }], delay: '5m', via: ['chat'] },
          { targets: [{ person: 'carol' }], delay: '10m', via: ['chat', 'pagerduty'] },
        ],
      },
    ];
    raw.paging = { pagerduty: { enabled: true, url: fake!.url, routingKey: { fromFile: join(raw.dataDir, 'routing-key') } } };
  });
  dataDir = config.dataDir;
  worker = await runTestWorker(env, { config, platforms: { local: chat } });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await fake?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function open(): Promise<WorkflowHandle> {
  const a = anomaly({ severity: 'critical' });
  return env!.client.workflow.signalWithStart('incidentWorkflow', {
    workflowId: incidentWorkflowId(a.cluster, a.fingerprint),
    taskQueue: TASK_QUEUE,
    args: [{ anomaly: a } as IncidentInput],
    signal: occurrenceSignal,
    signalArgs: [a],
  });
}

const dmsTo = (h: WorkflowHandle, user: string) => chat.dms.filter((d) => d.user === user && d.key.startsWith(`${h.workflowId}@`));

/** Waits for completion by polling `describe`: awaiting `result()` would let the server skip time ahead. */
async function completed(h: WorkflowHandle): Promise<void> {
  await eventually(async () => (await h.describe()).status.name === 'COMPLETED', `${h.workflowId} to complete`, 15_000);
}

describe('PagerDuty in the escalation ladder', () => {
  it('triggers PagerDuty when nobody acknowledges level 1, then mirrors the ack and the resolution', async () => {
    const h = await open();
    await eventually(async () => dmsTo(h, 'alice').length === 1, 'the level 1 page to alice');
    // Level 1 pages by chat only.
    expect(fake!.eventsFor(h.workflowId)).toEqual([]);

    await env!.sleep(5 * MIN + 1000);
    await eventually(async () => dmsTo(h, 'carol').length === 1 && fake!.alertState(h.workflowId) === 'triggered', 'level 2: a chat page to carol and a PagerDuty trigger');
    const [trigger] = fake!.eventsFor(h.workflowId);
    expect(trigger).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: h.workflowId, payload: { severity: 'critical', custom_details: { person: 'carol' } } });
    const paged = (await h.query(stateQuery)).timeline.filter((e) => e.type === 'paged').map((e) => e.text);
    expect(paged[1]).toMatch(/^Paged Carol Danvers \(level 2\) via pagerduty, local DM to carol/);

    await h.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('carol', ['responder', 'admin']) }] });
    await eventually(async () => fake!.alertState(h.workflowId) === 'acknowledged', 'the PagerDuty acknowledge');

    await h.executeUpdate(resolveUpdate, { args: [{ actor: actor('carol', ['responder', 'admin']), summary: 'rolled back' }] });
    await completed(h);
    expect(fake!.alertState(h.workflowId)).toBe('resolved');
    expect(fake!.eventsFor(h.workflowId).map((e) => e.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
  });
});
