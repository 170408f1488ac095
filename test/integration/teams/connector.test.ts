// The worker's Teams adapter against the fake Bot Framework: proactive posts return a durable
// conversation reference, retries never post twice, and every failure is typed for Temporal.
import { rmSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { createTeamsChat } from '../../../platforms/teams/outbound/adapter';
import type { ChatPlatform } from '../../../activities/chat/platform';
import { buildIncidentMessage, renderText } from '../../../activities/chat/message';
import { initialState } from '../../../workflows/state';
import type { Config } from '../../../config/schema';
import { testConfig } from '../../helpers/config';
import { anomaly } from '../../helpers/anomaly';
import { FakeBotFramework, messageText } from '../../fakes/botframework/server';
import { OPS, fakeOptions, users, withTeams } from './fixtures';

let fake: FakeBotFramework;
let config: Config;
let teams: ChatPlatform;
// Only the late-answer test wants the client to give up quickly: a short timeout everywhere would
// time out ordinary calls on a loaded machine.
let impatientConfig: Config;
let impatient: ChatPlatform;

beforeAll(async () => {
  fake = await FakeBotFramework.start(fakeOptions());
  config = testConfig((raw) => withTeams(raw, fake, { requestTimeout: '5s' }));
  teams = createTeamsChat({ config: () => config, password: fake.opts.password });
  impatientConfig = testConfig((raw) => withTeams(raw, fake, { requestTimeout: '300ms' }));
  impatient = createTeamsChat({ config: () => impatientConfig, password: fake.opts.password });
});
afterAll(async () => {
  await fake?.stop();
  for (const c of [config, impatientConfig]) if (c) rmSync(c.dataDir, { recursive: true, force: true });
});

const a = anomaly();
const state = initialState(`incident/${a.cluster}/${a.fingerprint}`, a, new Date().toISOString());
const message = buildIncidentMessage(state, { names: {} });
let n = 0;
const key = () => `${state.id}@${state.openedAt}/test-${++n}`;

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('the Teams adapter', () => {
  it('posts the card into the configured channel and returns the conversation reference to keep', async () => {
    const posted = await teams.post({ channel: 'ops', text: renderText(message), card: message, key: key(), incidentId: state.id });
    expect(posted.meta).toEqual({ serviceUrl: fake.serviceUrl, conversationId: OPS, tenantId: fake.opts.tenantId });
    const stored = fake.cards(OPS).find((c) => c.id === posted.id)!;
    expect(stored.activity.attachments[0].content.refresh.action.data).toEqual({ incidentId: state.id });
    expect(stored.activity.summary).toContain('CrashLoopBackOff');
  });

  it('reaches a message through its kept reference even after the channel left the config', async () => {
    const posted = await teams.post({ channel: 'ops', text: 'x', card: message, key: key() });
    const saved = config.platforms.teams!.channels;
    config.platforms.teams!.channels = {};
    try {
      await teams.update('ops', posted.id, 'x', { ...message, status: 'acknowledged' }, posted.meta);
      await teams.post({ channel: 'ops', threadId: posted.id, text: 'diagnostics', key: key(), meta: posted.meta });
    } finally {
      config.platforms.teams!.channels = saved;
    }
    const stored = fake.cards(OPS).find((c) => c.id === posted.id)!;
    expect(fake.latest(stored).attachments[0].content.body[0].items[0].text).toMatch(/^ACKNOWLEDGED/);
    expect(fake.botMessages(OPS).some((m) => m.replyToId === posted.id && messageText(m) === 'diagnostics')).toBe(true);
  });

  it('does not post twice when Teams accepted a post but answered too late and the activity retries', async () => {
    const k = key();
    const before = fake.botMessages(OPS).length;
    fake.answerLate(1_000);
    try {
      const attempt = () => impatient.post({ channel: 'ops', text: 'late', card: message, key: k });
      const first = await failure(attempt());
      expect(first).toMatchObject({ type: 'Unavailable', nonRetryable: false });
      // Retries (as Temporal would run them) join the post still in flight instead of sending another.
      let retried;
      for (let i = 0; i < 10 && !retried; i++) retried = await attempt().catch((err: ApplicationFailure) => (err.nonRetryable ? Promise.reject(err) : undefined));
      fake.answerLate(0);
      // A retry after the answer arrived gets the recorded id.
      expect((await attempt()).id).toBe(retried!.id);
    } finally {
      fake.answerLate(0);
    }
    expect(fake.botMessages(OPS).length).toBe(before + 1);
  });

  it('mentions a paged person so Teams notifies them, and opens a direct chat for the page', async () => {
    const root = await teams.post({ channel: 'ops', text: 'x', card: message, key: key() });
    await teams.post({ channel: 'ops', threadId: root.id, meta: root.meta, text: `@${users.bob.id} you are paged`, key: key(), mentions: [users.bob.id] });
    const reply = fake.botMessages(OPS).at(-1)!;
    expect(messageText(reply)).toBe('<at>Bob Marley</at> you are paged');
    expect(reply.activity.summary).toBe('Bob Marley you are paged');
    expect(reply.activity.attachments[0].content.msteams.entities).toEqual([{ type: 'mention', text: '<at>Bob Marley</at>', mentioned: { id: users.bob.id, name: 'Bob Marley' } }]);
    const k = key();
    await teams.directMessage(users.bob.id, 'you are paged', k);
    await teams.directMessage(users.bob.id, 'you are paged', k);
    expect(fake.dmsTo(users.bob.id).map((m) => m.activity.text)).toEqual(['you are paged']);
  });

  it('turns 429 into a rate-limit failure that retries after Retry-After', async () => {
    fake.failNext({ status: 429, retryAfter: '7' });
    const err = await failure(teams.post({ channel: 'ops', text: 'x', card: message, key: key() }));
    expect(err).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 7_000 });
  });

  it('retries server errors and gives up at once on refused credentials and unknown conversations', async () => {
    fake.failNext({ status: 503 });
    expect(await failure(teams.post({ channel: 'ops', text: 'x', key: key() }))).toMatchObject({ type: 'Unavailable', nonRetryable: false });
    fake.failNext({ status: 403 });
    expect(await failure(teams.post({ channel: 'ops', text: 'x', key: key() }))).toMatchObject({ type: 'InvalidAuth', nonRetryable: true });
    const gone = { serviceUrl: fake.serviceUrl, conversationId: '19:deleted@thread.tacv2' };
    const err = await failure(teams.update('ops', '123', 'x', message, gone));
    expect(err).toMatchObject({ type: 'ChannelNotFound', nonRetryable: true });
    expect(err.message).toContain('19:deleted@thread.tacv2');
    expect(await failure(teams.post({ channel: 'nope', text: 'x', key: key() }))).toMatchObject({ type: 'ChannelNotFound', nonRetryable: true });
  });

  it('reports a wrong app password as a permanent credentials failure without revealing it', async () => {
    const wrong = createTeamsChat({ config: () => config, password: 'not-the-password' });
    const err = await failure(wrong.post({ channel: 'ops', text: 'x', key: key() }));
    expect(err).toMatchObject({ type: 'InvalidAuth', nonRetryable: true });
    expect(err.message).toContain('AADSTS7000215');
    expect(err.message).not.toContain('not-the-password');
  });
});
