// Permanent failures of outside systems must not take an incident down with them: the incident
// still resolves and completes, and its timeline says what failed.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer, runTestWorker, type RunningWorker } from '../helpers/temporal';
import { openIncident } from '../helpers/incident';
import { testConfig } from '../helpers/config';
import { anomaly } from '../helpers/anomaly';
import { actor } from '../helpers/actors';
import { MemoryChat } from '../fakes/memory-chat';
import { permanentFailure, ErrorTypes } from '../../activities/errors';
import type { PostmortemStore } from '../../activities/postmortem/store';
import type { EventSink } from '../../activities/events';
import { resolveUpdate, stateQuery } from '../../workflows/definitions';

let env: TestWorkflowEnvironment;
let worker: RunningWorker | undefined;
let sinkCalls = 0;

const refusingStore: PostmortemStore = {
  put: async () => {
    throw permanentFailure(ErrorTypes.invalidRequest, 'mapper_parsing_exception: failed to parse field [timeline]');
  },
  get: async () => undefined,
  list: async () => [],
  edit: async () => undefined };
const refusingSink: EventSink = {
  name: 'refusing',
  async publish() {
    sinkCalls++;
    throw permanentFailure(ErrorTypes.invalidRequest, 'archive refused the batch');
  } };

beforeAll(async () => {
  env = await startDevServer();
  worker = await runTestWorker(env, { config: testConfig(), platforms: { local: new MemoryChat() },
    postmortemStore: refusingStore, eventSinks: [refusingSink] });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

describe('an incident whose outside systems fail permanently', () => {
  it('still completes when the postmortem store and an event sink refuse, and records both in the timeline', async () => {
    const handle = await openIncident(env.client, anomaly());
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: actor('alice'), summary: 'fixed' }] });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'resolved' });
    expect(result.postmortemId).toBeUndefined();
    const state = await handle.query(stateQuery);
    const texts = state.timeline.map((e) => e.text).join('\n');
    expect(texts).toContain('The postmortem could not be stored: mapper_parsing_exception');
    expect(texts).toContain('Event sinks refused entries');
    // A sink that refuses everything is not retried in a loop on its own failure notes.
    expect(sinkCalls).toBeLessThan(10);
  });
});
