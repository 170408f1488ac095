// A post retried by a worker that is not the one that sent it (the first died between Teams
// accepting the post and reading the answer) finds that post through Microsoft Graph instead of
// posting a second card. Each "process" here is a fresh adapter: it shares nothing in memory.
import { rmSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { createTeamsChat } from '../../../platforms/teams/outbound/adapter';
import type { ChatPlatform, PostRequest } from '../../../activities/chat/platform';
import { buildIncidentMessage, renderText } from '../../../activities/chat/message';
import { initialState } from '../../../workflows/state';
import type { Config } from '../../../config/schema';
import { configProblems, testConfig } from '../../helpers/config';
import { anomaly } from '../../helpers/anomaly';
import { FakeBotFramework, messageText } from '../../fakes/botframework/server';
import { OPS, TEAM_ID, fakeOptions, users, withTeams } from './fixtures';

let fake: FakeBotFramework;
const configs: Config[] = [];

beforeAll(async () => {
  fake = await FakeBotFramework.start(fakeOptions());
});
afterAll(async () => {
  await fake?.stop();
  for (const c of configs) rmSync(c.dataDir, { recursive: true, force: true });
});

/** A worker process's Teams adapter: nothing shared with any other; `extra` adds to its Teams config. */
function processAdapter(graph: Record<string, unknown> | undefined, warn?: (message: string) => void, extra: Record<string, unknown> = {}): ChatPlatform {
  const config = testConfig((raw) => withTeams(raw, fake, { requestTimeout: '1s', ...(graph ? { graph } : {}), ...extra }));
  configs.push(config);
  return createTeamsChat({ config: () => config, password: fake.opts.password, ...(warn ? { warn } : {}) });
}

const a = anomaly();
const state = initialState(`incident/${a.cluster}/${a.fingerprint}`, a, new Date().toISOString());
const message = buildIncidentMessage(state, { names: {} });
let n = 0;
const key = () => `${state.id}@${state.openedAt}/graph-${++n}`;

/**
 * The first attempt: Teams stores the post but the answer never reaches this worker. (Request
 * timeout 1 s: with 300 ms a fresh adapter's post once never reached the fake under load.)
 */
async function lostAnswer(adapter: ChatPlatform, req: PostRequest): Promise<void> {
  fake.answerLate(3_000);
  try {
    const err = await adapter.post(req).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'Unavailable', nonRetryable: false });
  } finally {
    fake.answerLate(0);
  }
}

describe('Teams posts retried by another worker process', () => {
  it('reuse the alert card the dead process posted when Graph is on, so the channel keeps one card', async () => {
    const req = { channel: 'ops', text: renderText(message), card: message, key: key(), incidentId: state.id };
    const cardsBefore = fake.cards(OPS).length;
    const since = Date.now();
    await lostAnswer(processAdapter({ enabled: true }), req);
    expect(fake.cards(OPS).length).toBe(cardsBefore + 1);
    const posted = fake.cards(OPS).at(-1)!;

    const retried = await processAdapter({ enabled: true }).post({ ...req, retrySince: since });
    expect(retried.id).toBe(posted.id);
    expect(retried.meta).toMatchObject({ conversationId: OPS, teamId: TEAM_ID });
    expect(fake.cards(OPS).length).toBe(cardsBefore + 1);
    // The root posts were read with the delta filter, from a little before the first attempt.
    const lookup = fake.graphRequests.at(-1)!;
    expect(lookup).toMatchObject({ path: `/v1.0/teams/${TEAM_ID}/channels/${encodeURIComponent(OPS)}/messages/delta`, status: 200 });
    expect(new URLSearchParams(lookup.query).get('$filter')).toMatch(/^lastModifiedDateTime gt \d{4}-\d\d-\d\dT/);
  });

  it('reuse a thread reply with a mention the same way', async () => {
    const root = await processAdapter(undefined).post({ channel: 'ops', text: 'x', card: message, key: key() });
    const req = { channel: 'ops', threadId: root.id, meta: root.meta, text: `@${users.bob.id} you are paged`, key: key(), mentions: [users.bob.id] };
    const since = Date.now();
    await lostAnswer(processAdapter({ enabled: true }), req);
    const replies = () => fake.botMessages(OPS).filter((m) => m.replyToId === root.id);
    expect(replies()).toHaveLength(1);

    // The kept reference has no team id (posted with Graph off): the configured channel supplies it.
    const retried = await processAdapter({ enabled: true }).post({ ...req, retrySince: since });
    expect(retried.id).toBe(replies()[0]!.id);
    expect(replies().map(messageText)).toEqual(['<at>Bob Marley</at> you are paged']);
  });

  it('find the post among many: the lookup follows Graph pages', async () => {
    // Within the worker's budget (2 a second per conversation) the 120 replies that fill the thread
    // would take a minute; this fake enforces no limits, so this adapter goes without the budget.
    const adapter = processAdapter({ enabled: true }, undefined, { rateLimits: { enabled: false } });
    const root = await adapter.post({ channel: 'ops', text: 'x', card: message, key: key() });
    for (let i = 0; i < 120; i++) await adapter.post({ channel: 'ops', threadId: root.id, meta: root.meta, text: `note ${i}`, key: key() });
    const req = { channel: 'ops', threadId: root.id, meta: root.meta, text: 'the one', key: key() };
    const since = Date.now();
    await lostAnswer(adapter, req);
    const before = fake.graphRequests.length;
    const retried = await processAdapter({ enabled: true }).post({ ...req, retrySince: since });
    expect(retried.id).toBe(fake.botMessages(OPS).find((m) => messageText(m) === 'the one')!.id);
    expect(fake.graphRequests.length - before).toBe(3); // 50 + 50 + 21 replies
    expect(fake.botMessages(OPS).filter((m) => messageText(m) === 'the one')).toHaveLength(1);
  });

  it('post a fresh card when the one the dead process posted was deleted in Teams meanwhile', async () => {
    const req = { channel: 'ops', text: 'x', card: message, key: key() };
    const since = Date.now();
    await lostAnswer(processAdapter({ enabled: true }), req);
    const deleted = fake.cards(OPS).at(-1)!;
    fake.deleteMessage(deleted.id);
    const retried = await processAdapter({ enabled: true }).post({ ...req, retrySince: since });
    expect(retried.id).not.toBe(deleted.id);
    expect(fake.cards(OPS).at(-1)!.id).toBe(retried.id);
  });

  it('post again when Graph is off: a new process cannot know what the dead one sent (why graph.enabled exists)', async () => {
    const req = { channel: 'ops', text: 'x', card: message, key: key() };
    const since = Date.now();
    const cardsBefore = fake.cards(OPS).length;
    await lostAnswer(processAdapter(undefined), req);
    await processAdapter(undefined).post({ ...req, retrySince: since });
    expect(fake.cards(OPS).length).toBe(cardsBefore + 2);
  });

  it('do not read Graph on a first attempt', async () => {
    const before = fake.graphRequests.length;
    await processAdapter({ enabled: true }).post({ channel: 'ops', text: 'x', card: message, key: key() });
    expect(fake.graphRequests.length).toBe(before);
  });

  it('post anyway when Graph refuses to read the channel, and say in the log which permission is missing', async () => {
    const warnings: string[] = [];
    const adapter = processAdapter({ enabled: true }, (m) => warnings.push(m));
    const cardsBefore = fake.cards(OPS).length;
    fake.graphPermission = false;
    try {
      const posted = await adapter.post({ channel: 'ops', text: 'x', card: message, key: key(), retrySince: Date.now() });
      expect(fake.cards(OPS).at(-1)!.id).toBe(posted.id);
    } finally {
      fake.graphPermission = true;
    }
    expect(fake.cards(OPS).length).toBe(cardsBefore + 1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not check for an earlier copy, posting anyway: .*ChannelMessage\.Read\.Group/);
  });
});

describe('the Teams Graph config', () => {
  it('requires the tenant and every channel\'s team id when Graph lookups are on', () => {
    const problems = configProblems((raw) => {
      raw.platforms.teams = {
        enabled: true,
        appId: 'app',
        appPassword: { fromEnv: 'X' },
        graph: { enabled: true },
        channels: { ops: { conversationId: OPS, serviceUrl: 'http://127.0.0.1:1/' } },
      };
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^platforms\.teams\.tenantId: graph\.enabled needs the tenant id/),
        expect.stringMatching(/^platforms\.teams\.channels\.ops\.teamId: graph\.enabled needs the team's group id/),
      ]),
    );
  });

  it('rejects a team id that is not a group id', () => {
    const problems = configProblems((raw) => {
      raw.platforms.teams = {
        enabled: true,
        appId: 'app',
        appPassword: { fromEnv: 'X' },
        channels: { ops: { conversationId: OPS, serviceUrl: 'http://127.0.0.1:1/', teamId: 'Ops Team' } },
      };
    });
    expect(problems.join('\n')).toMatch(/platforms\.teams\.channels\.ops\.teamId: expected the team's group id, a GUID/);
  });
});
