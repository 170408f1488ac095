// The upgrade policy of docs/upgrades.md at work: a workflow change (a pause before every page,
// test/workflow/fixtures/pause-before-page*.ts) fails the replay of the stored release histories
// without patched() and passes with it; and an incident paged by a worker on the old code escalates
// and resolves after a worker with the patched code takes over, on a real dev server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { temporal } from '@temporalio/proto';
import { startDevServer, runTestWorker } from '../helpers/temporal';
import { eventually } from '../helpers/eventually';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { actor } from '../helpers/actors';
import { MemoryChat } from '../fakes/memory-chat';
import { createIncidentWorker } from '../../worker/worker';
import { acknowledgeUpdate, resolveUpdate, stateQuery, type IncidentState } from '../../workflows/definitions';
import { releaseHistories, replayAll } from './histories/releases';
import { PAUSE_BEFORE_PAGE_MS, PAUSE_BEFORE_PAGE_PATCH } from './fixtures/pause-before-page';

let dir: string;
const bundles: Record<'unpatched' | 'patched', string> = { unpatched: '', patched: '' };

/** The real workflow code plus one fixture interceptor module, bundled the way production is. */
async function bundleVariant(fixture: string): Promise<string> {
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: [require.resolve(`./fixtures/${fixture}`)],
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop },
  });
  const path = join(dir, `${fixture}.js`);
  writeFileSync(path, code);
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'upgrades-test-'));
  bundles.unpatched = await bundleVariant('pause-before-page');
  bundles.patched = await bundleVariant('pause-before-page-patched');
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Event = temporal.api.history.v1.IHistoryEvent;
const isPage = (e: Event) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'pagePerson';
const isPause = (e: Event) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.nanos ?? 0) === PAUSE_BEFORE_PAGE_MS * 1e6;
const isPatchMarker = (e: Event) =>
  !!e.markerRecordedEventAttributes && Object.values(e.markerRecordedEventAttributes.details ?? {}).some((p) => p.payloads?.some((x) => Buffer.from(x.data ?? []).toString().includes(PAUSE_BEFORE_PAGE_PATCH)));

describe('a workflow change shipped to open incidents', () => {
  it('without patched() fails the replay of every release history that paged someone, and only those', async () => {
    const histories = releaseHistories();
    const paging = histories.filter((h) => h.history.events!.some(isPage)).map((h) => h.name);
    expect(paging.length).toBeGreaterThanOrEqual(6);
    const results = await replayAll({ workflowBundle: { codePath: bundles.unpatched } }, histories);
    const failed = [...results].filter(([, error]) => error);
    expect(failed.map(([name]) => name).sort()).toEqual([...paging].sort());
    for (const [, error] of failed) expect(error!.name).toBe('DeterminismViolationError');
  });

  it('behind patched() replays every release history', async () => {
    const results = await replayAll({ workflowBundle: { codePath: bundles.patched } });
    expect([...results].filter(([, error]) => error).map(([name, error]) => `${name}: ${error!.message}`)).toEqual([]);
    expect(results.size).toBe(releaseHistories().length);
  });

  it('behind patched(): an incident paged by the old code escalates and resolves after the new code takes over', async () => {
    const env: TestWorkflowEnvironment = await startDevServer();
    const chat = new MemoryChat();
    // Level 1 waits 4 s: long enough for the old worker to stop before the escalation is due.
    const config = testConfig((raw) => {
      raw.escalationPolicies[0].levels[0].delay = '4s';
    });
    let newWorker: Worker | undefined;
    let running: Promise<void> | undefined;
    try {
      const old = await runTestWorker(env, { config, platforms: { local: chat }, buildId: 'upgrade-test-old' });
      const incident = await openIncident(env.client, anomaly());
      const paged = (who: string) => (s: IncidentState) => s.timeline.some((e) => e.type === 'paged' && e.data?.personId === who);
      const until = (what: string, ok: (s: IncidentState) => boolean) => eventually(async () => ok(await incident.query(stateQuery)), what);
      await until('the level-1 page by the old worker', paged('alice'));
      await old.stop(); // (no queries now: nothing answers them until the new worker polls)

      newWorker = await createIncidentWorker({ connection: env.nativeConnection, namespace: 'default', config, platforms: { local: chat }, workflowBundlePath: bundles.patched, buildId: 'upgrade-test-new' });
      running = newWorker.run();
      await until('the level-2 page by the new worker', paged('carol'));
      // The query of docs/upgrades.md finds the open incident that still has history from the old release.
      const query = 'WorkflowType="incidentWorkflow" AND ExecutionStatus="Running" AND BuildIds="unversioned:upgrade-test-old"';
      await eventually(async () => {
        for await (const w of env.client.workflow.list({ query })) if (w.workflowId === incident.workflowId) return true;
        return false;
      }, 'the open incident listed by the old build id');

      expect((await incident.executeUpdate(acknowledgeUpdate, { args: [{ actor: actor('carol') }] })).outcome).toBe('done');
      expect((await incident.executeUpdate(resolveUpdate, { args: [{ actor: actor('carol'), summary: 'rolled back' }] })).outcome).toBe('done');
      const result = await incident.result();
      expect(result.status).toBe('resolved');
      expect(result.postmortemId).toBeTruthy();

      // The old worker paged without a pause; the new one recorded the patch, paused, then paged.
      const events = (await incident.fetchHistory()).events!;
      const pages = events.map((e, i) => (isPage(e) ? i : -1)).filter((i) => i >= 0);
      const marker = events.findIndex(isPatchMarker);
      const pause = events.findIndex(isPause);
      expect(pages).toHaveLength(2);
      expect(marker).toBeGreaterThan(pages[0]!);
      expect(pause).toBeGreaterThan(marker);
      expect(pages[1]).toBeGreaterThan(pause);
      const buildIds = events.map((e) => e.workflowTaskCompletedEventAttributes?.workerVersion?.buildId).filter(Boolean);
      expect([...new Set(buildIds)]).toEqual(['upgrade-test-old', 'upgrade-test-new']);
    } finally {
      newWorker?.shutdown();
      await running;
      await env.teardown();
    }
  });
});
