// Records the release histories the replay test checks: `make record-histories` runs the lifecycle
// scenarios with the current workflow code on a dev server and writes them to
// releases/<package.json version>/ (see docs/upgrades.md, release checklist). Several scenarios end
// while the incident is still open, because those are the histories a deploy meets.
// RECORD_HISTORIES_DIR overrides the folder (to record a release from a git worktree of its commit).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';
import { startDevServer, testWorkflowCode } from '../../helpers/temporal';
import { openIncident } from '../../helpers/incident';
import { eventually } from '../../helpers/eventually';
import { testConfig } from '../../helpers/config';
import { anomaly } from '../../helpers/anomaly';
import { actor } from '../../helpers/actors';
import { MemoryChat } from '../../fakes/memory-chat';
import { createIncidentWorker } from '../../../worker/worker';
import { acknowledgeUpdate, actionItemUpdate, handoffUpdate, noteSignal, occurrenceSignal, recoveredSignal, resolveUpdate, stateQuery, type IncidentState } from '../../../workflows/definitions';

const version = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')).version as string;
const out = resolve(process.env.RECORD_HISTORIES_DIR ?? join(__dirname, 'releases', version));

it(`records the lifecycle histories of release ${version}`, async () => {
  if (existsSync(out) && readdirSync(out).length && process.env.RERECORD !== '1') {
    throw new Error(`${out} exists: a release's histories stay as recorded. Bump "version" in package.json for a new release, or run RERECORD=1 make record-histories to replace them on purpose.`);
  }
  mkdirSync(out, { recursive: true });
  const env = await startDevServer();
  // Scenarios pick their escalation and auto-resolve rules by the anomaly label `scenario`.
  const config = testConfig((raw) => {
    raw.escalationPolicies = [
      { id: 'slow', levels: [{ targets: [{ schedule: 'primary' }], delay: '1h' }, { targets: [{ person: 'carol' }], delay: '1h' }], repeat: 0 },
      { id: 'fast', levels: [{ targets: [{ schedule: 'primary' }], delay: '1s' }, { targets: [{ person: 'carol' }], delay: '1h' }], repeat: 0 },
    ];
    const channels = [{ platform: 'local', channel: 'incidents' }];
    raw.routing = {
      rules: [
        { name: 'escalates', match: { labels: { scenario: 'escalates' } }, channels, policy: 'fast' },
        { name: 'recovers', match: { labels: { scenario: 'recovers' } }, channels, policy: 'slow', autoResolve: { enabled: true, quietPeriod: '1s' } },
      ],
      default: { channels, policy: 'slow' },
    };
  });
  const worker = await createIncidentWorker({ connection: env.nativeConnection, namespace: 'default', config, platforms: { local: new MemoryChat() }, ...testWorkflowCode() });
  const running = worker.run();
  const open = (scenario = 'waits', opts: { historyLimit?: number } = {}) => {
    const a = anomaly();
    return openIncident(env.client, { ...a, fingerprint: `release-${version}-${scenario}-${a.fingerprint}`, labels: { ...a.labels, scenario } }, opts);
  };
  const state = (h: WorkflowHandle) => h.query(stateQuery);
  const until = (h: WorkflowHandle, what: string, ok: (s: IncidentState) => boolean) => eventually(async () => ok(await state(h)), what);
  const paged = (personId: string) => (s: IncidentState) => s.timeline.some((e) => e.type === 'paged' && e.data?.personId === personId);
  const write = async (name: string, h: WorkflowHandle) => writeFileSync(join(out, `${name}.json`), historyToJSON(await h.fetchHistory()));
  const saveOpen = async (name: string, h: WorkflowHandle) => write(name, await quiet(h));
  const saveClosed = async (name: string, h: WorkflowHandle) => {
    await h.result();
    await write(name, h);
  };
  const alice = actor('alice');
  const carol = actor('carol', ['responder', 'admin']);
  try {
    const waiting = await open();
    await waiting.signal(occurrenceSignal, anomaly());
    await waiting.signal(occurrenceSignal, anomaly());
    await until(waiting, 'the level-1 page and the occurrences', (s) => paged('alice')(s) && s.occurrences.count >= 2 && !!s.diagnostics);
    await saveOpen('open-waiting', waiting);

    const escalated = await open('escalates');
    await until(escalated, 'the level-2 page', paged('carol'));
    await saveOpen('escalated', escalated);

    const acked = await open();
    await until(acked, 'the level-1 page', paged('alice'));
    await acked.executeUpdate(acknowledgeUpdate, { args: [{ actor: alice }] });
    await saveOpen('acknowledged', acked);

    const handedOff = await open();
    await until(handedOff, 'the level-1 page', paged('alice'));
    await handedOff.executeUpdate(acknowledgeUpdate, { args: [{ actor: alice }] });
    await handedOff.executeUpdate(handoffUpdate, { args: [{ actor: alice, to: 'bob', toRequested: '@bob', note: 'yours' }] });
    await until(handedOff, 'the page of the new responder', paged('bob'));
    await saveOpen('handed-off', handedOff);

    // Escalation to level 2, a refused ack, ack, handoff, new ack, action item, note, resolve, postmortem.
    const full = await open('escalates');
    await until(full, 'the level-2 page', paged('carol'));
    await full.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor(null, [], 'local:mallory') }] });
    await full.executeUpdate(acknowledgeUpdate, { args: [{ actor: carol }] });
    await full.executeUpdate(handoffUpdate, { args: [{ actor: carol, to: 'bob', toRequested: '@bob', note: 'yours' }] });
    await until(full, 'the page of the new responder', paged('bob'));
    await full.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('bob') }] });
    await full.executeUpdate(actionItemUpdate, { args: [{ actor: actor('bob'), text: 'pin image tags in CI' }] });
    await full.signal(noteSignal, { type: 'kubectl', actor: 'bob', text: 'kubectl get pods -n shop' });
    await full.executeUpdate(resolveUpdate, { args: [{ actor: actor('bob'), summary: 'fixed the image tag' }] });
    await saveClosed('resolved-with-postmortem', full);

    const recovering = await open('recovers');
    await until(recovering, 'the level-1 page', paged('alice'));
    await recovering.signal(recoveredSignal, { observedAt: new Date().toISOString(), message: 'pods ready' });
    await saveClosed('auto-resolved', recovering);

    // Continue-as-new: occurrences push the first run over the limit; the second starts from carried state.
    const long = await open('waits', { historyLimit: 40 });
    const { runId: firstRunId } = await long.describe();
    for (let i = 0; i < 50; i++) await long.signal(occurrenceSignal, anomaly());
    await until(long, 'the second run after continue-as-new', (s) => s.generation >= 1 && s.occurrences.count >= 50);
    // (result() would follow the chain: the first run is closed once the second one exists.)
    await write('continue-as-new-first-run', env.client.workflow.getHandle(long.workflowId, firstRunId));
    const second = env.client.workflow.getHandle(long.workflowId);
    await saveOpen('continue-as-new-second-run', second);
    await second.executeUpdate(resolveUpdate, { args: [{ actor: alice, summary: 'done' }] });
    await saveClosed('continue-as-new-second-run-resolved', second);
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }
}, 180_000);

/**
 * Waits until the open incident is idle: no workflow task or activity pending and no short timer
 * (the alert debounce) about to fire, so the recorded history ends between tasks with only the
 * long escalation timer left, like an incident a deploy meets.
 */
async function quiet(h: WorkflowHandle): Promise<WorkflowHandle> {
  await eventually(
    async () => {
      const events = (await h.fetchHistory()).events ?? [];
      const { raw } = await h.describe();
      if (raw.pendingWorkflowTask || raw.pendingActivities?.length) return false;
      if (Number(raw.workflowExecutionInfo?.historyLength) !== events.length) return false; // moved on meanwhile
      const short = new Set<string>();
      for (const e of events) {
        const started = e.timerStartedEventAttributes;
        if (started && Number(started.startToFireTimeout?.seconds ?? 0) < 60) short.add(started.timerId!);
        short.delete(e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId ?? '');
      }
      return short.size === 0;
    },
    `${h.workflowId} to be idle`,
    30_000,
    300,
  );
  return h;
}
