// The worker's start-up checks of the chat platforms, against the strict Slack and Mattermost fakes:
// posts look for earlier copies only on retries, so what that lookup used to reveal on the first
// alert (a missing scope, a channel the bot cannot read) is said at start instead.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Config } from '../../../config/schema';
import { chatStartupChecks } from '../../../worker/preflight';
import { testConfig } from '../../helpers/config';
import { FAKE_SCOPES, FakeSlack } from '../../fakes/slack/server';
import { FakeMattermost } from '../../fakes/mattermost/server';

let slack: FakeSlack;
let mm: FakeMattermost;
const made: Config[] = [];
beforeAll(async () => {
  slack = await FakeSlack.start();
  mm = await FakeMattermost.start();
});
afterAll(async () => {
  await slack?.stop();
  await mm?.stop();
  made.forEach((c) => rmSync(c.dataDir, { recursive: true, force: true }));
});
afterEach(() => slack.setScopes(FAKE_SCOPES));

/** A config with Slack (bot token `token`, Alice reachable by Slack DM) routing to `channel`. */
function slackConfig(token = slack.botToken, extra: Record<string, unknown> = {}): Config {
  const c = testConfig((raw) => {
    writeFileSync(join(raw.dataDir, 'bot-token'), token);
    raw.platforms.slack = { enabled: true, botToken: { fromFile: join(raw.dataDir, 'bot-token') }, signingSecret: { fromEnv: 'UNUSED_SIGNING_SECRET' }, slackApiUrl: slack.apiUrl, ...extra };
    raw.people[0].chat = { slack: 'U0ALICE01' };
    raw.routing.default.channels = [{ platform: 'slack', channel: 'C0INCIDENT' }];
  });
  made.push(c);
  return c;
}

function mattermostConfig(channels: string[], token = mm.botToken): Config {
  const c = testConfig((raw) => {
    writeFileSync(join(raw.dataDir, 'bot-token'), token);
    raw.api.publicUrl = 'http://127.0.0.1:9';
    raw.platforms.mattermost = { enabled: true, url: mm.url, botToken: { fromFile: join(raw.dataDir, 'bot-token') }, commandTokens: [{ fromEnv: 'UNUSED_TOKEN' }], actionSecret: { fromFile: join(raw.dataDir, 'bot-token') } };
    raw.routing.default.channels = channels.map((channel) => ({ platform: 'mattermost', channel }));
  });
  made.push(c);
  return c;
}

describe('the worker start-up check of the Slack app', () => {
  it('has nothing to say about an app with every scope, after one auth.test call', async () => {
    const mark = slack.calls.length;
    expect(await chatStartupChecks(slackConfig())).toEqual({ fatal: [], notes: [] });
    expect(slack.callCounts(mark)).toEqual({ 'auth.test': 1 });
  });

  it('names a missing history scope and what it costs, and starts anyway', async () => {
    slack.setScopes(FAKE_SCOPES.filter((s) => s !== 'channels:history' && s !== 'im:history'));
    const { fatal, notes } = await chatStartupChecks(slackConfig());
    expect(fatal).toEqual([]);
    expect(notes).toEqual([
      expect.stringMatching(/^Slack app lacks the scope channels:history: in public channels a retried post cannot check .* \(no duplicate protection on retries\)\. Add it under OAuth & Permissions/),
      expect.stringMatching(/^Slack app lacks the scope im:history: for DM pages a retried post cannot check/),
    ]);
  });

  it('refuses to start without chat:write, or without im:write while people are paged by Slack DM', async () => {
    slack.setScopes(FAKE_SCOPES.filter((s) => s !== 'chat:write' && s !== 'im:write'));
    const { fatal } = await chatStartupChecks(slackConfig());
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/lacks the scope chat:write: the worker cannot post or update alerts/);
    expect(fatal[0]).toMatch(/lacks the scope im:write: pages cannot reach people by Slack DM/);
  });

  it('asks for users:read.email only when lookupUsersByEmail is on', async () => {
    slack.setScopes(FAKE_SCOPES.filter((s) => s !== 'users:read.email'));
    expect((await chatStartupChecks(slackConfig())).fatal).toEqual([]);
    expect((await chatStartupChecks(slackConfig(slack.botToken, { lookupUsersByEmail: true }))).fatal).toEqual([expect.stringContaining('users:read.email: lookupUsersByEmail cannot find anyone')]);
  });

  it('refuses to start with a token Slack rejects, without printing the token', async () => {
    const { fatal } = await chatStartupChecks(slackConfig('xoxb-not-the-token'));
    expect(fatal).toEqual([expect.stringContaining('invalid_auth (the bot token is not valid: check platforms.slack.botToken)')]);
    expect(fatal.join()).not.toContain('xoxb-not-the-token');
  });

  it('starts with a note when Slack cannot be reached', async () => {
    slack.failNext('auth.test', 503);
    const { fatal, notes } = await chatStartupChecks(slackConfig());
    expect(fatal).toEqual([]);
    expect(notes).toEqual([expect.stringMatching(/^could not check the Slack app's scopes at start \(Slack auth\.test: HTTP 503\)/)]);
  });
});

describe('the worker start-up check of Mattermost', () => {
  it('reads each routed channel once and says which one the bot cannot read', async () => {
    const open = mm.addChannel('incidents');
    const closed = mm.addChannel('secret', { botMember: false, private: true });
    const mark = mm.calls.length;
    const { fatal, notes } = await chatStartupChecks(mattermostConfig([open, closed, open]));
    expect(fatal).toEqual([]);
    expect(notes).toEqual([expect.stringMatching(new RegExp(`^the bot cannot read Mattermost channel ${closed} \\(.*HTTP 403.*\\): alerts routed there fail`))]);
    expect(mm.callCounts(mark)).toEqual({ 'users.me': 1, 'channels.posts': 2 });
  });

  it('refuses to start with a token Mattermost rejects', async () => {
    const { fatal } = await chatStartupChecks(mattermostConfig([mm.addChannel('other')], 'wrong-token'));
    expect(fatal).toEqual([expect.stringContaining('HTTP 401')]);
  });
});
