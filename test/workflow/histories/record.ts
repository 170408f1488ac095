// Records the histories the replay test checks (run: `make record-histories`, then commit the
// JSON). Re-record deliberately when a workflow change is meant to be incompatible, and version
// the change with patched() when running incidents must survive it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';
import { startDevServer, testWorkflowCode } from '../../helpers/temporal';
import { openIncident } from '../../helpers/incident';
import { signalAnomaly } from '../../../intake/signal';
import { testConfig } from '../../helpers/config';
import { anomaly } from '../../helpers/anomaly';
import { actor } from '../../helpers/actors';
import { MemoryChat } from '../../fakes/memory-chat';
import { createIncidentWorker } from '../../../worker/worker';
import { acknowledgeUpdate, actionItemUpdate, handoffUpdate, noteSignal, occurrenceSignal, recoveredSignal, resolveUpdate, stateQuery, TASK_QUEUE } from '../../../workflows/definitions';

it('records incident histories for the replay test', async () => {
  const env = await startDevServer();
  const config = testConfig((raw) => {
    raw.autoResolve = { enabled: true, quietPeriod: '1s' };
    raw.escalationPolicies[0].levels[0].delay = '2s';
  });
  const worker = await createIncidentWorker({ connection: env.nativeConnection, namespace: 'default', config, platforms: { local: new MemoryChat() }, ...testWorkflowCode() });
  const running = worker.run();
  const replayAnomaly = () => ({ ...anomaly(), fingerprint: `replay-${Math.random().toString(36).slice(2, 8)}` });
  const open = () => openIncident(env.client, replayAnomaly());
  const save = async (name: string, handle: WorkflowHandle) => {
    await handle.result();
    writeFileSync(join(__dirname, `${name}.json`), historyToJSON(await handle.fetchHistory()));
  };
  try {
    // Escalation to level 2, a refused ack, ack, handoff, new ack, resolve, postmortem.
    const full = await open();
    await new Promise((r) => setTimeout(r, 3000));
    await full.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor(null, [], 'local:mallory') }] });
    await full.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('carol', ['responder', 'admin']) }] });
    await full.executeUpdate(handoffUpdate, { args: [{ actor: actor('carol', ['responder', 'admin']), to: 'bob', toRequested: '@bob', note: 'yours' }] });
    await new Promise((r) => setTimeout(r, 500));
    await full.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('bob') }] });
    await full.executeUpdate(actionItemUpdate, { args: [{ actor: actor('bob'), text: 'pin image tags in CI' }] });
    await full.signal(noteSignal, { type: 'kubectl', actor: 'bob', text: 'kubectl get pods -n shop' });
    await full.executeUpdate(resolveUpdate, { args: [{ actor: actor('bob'), summary: 'fixed the image tag' }] });
    await save('lifecycle', full);
    // Recovery then auto-resolve after the quiet period.
    const recovering = await open();
    await new Promise((r) => setTimeout(r, 500));
    await recovering.signal(recoveredSignal, { observedAt: new Date().toISOString(), message: 'pods ready' });
    await save('auto-resolve', recovering);
    // Continue-as-new: the second run is the one replayed (it starts from carried state).
    const started = await signalAnomaly(env.client, replayAnomaly(), { taskQueue: TASK_QUEUE, historyLimit: 40 });
    const long = env.client.workflow.getHandle(started.workflowId);
    for (let i = 0; i < 50; i++) await long.signal(occurrenceSignal, anomaly());
    while ((await long.query(stateQuery)).generation < 1) await new Promise((r) => setTimeout(r, 100));
    await long.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'done' }] });
    const first = env.client.workflow.getHandle(long.workflowId, started.runId);
    writeFileSync(join(__dirname, 'continue-as-new-first-run.json'), historyToJSON(await first.fetchHistory()));
    await save('continue-as-new-second-run', env.client.workflow.getHandle(long.workflowId));
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }
}, 120_000);
