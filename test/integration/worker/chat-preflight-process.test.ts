// The worker process (worker/main.ts) runs the chat start-up checks before it polls: a Slack app
// without a history scope starts with a note saying what that costs; one without chat:write exits
// with code 2 and says which scope to add.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from '../../helpers/stack';
import { killAllWorkerProcesses, startWorkerProcess, writeWorkerConfig } from '../../helpers/worker-process';
import { FAKE_SCOPES, FakeSlack } from '../../fakes/slack/server';

let stack: Stack;
let slack: FakeSlack;
let configFile: string;

beforeAll(async () => {
  slack = await FakeSlack.start();
  stack = await startStack({ worker: false });
  configFile = writeWorkerConfig(stack, (raw) => {
    writeFileSync(join(stack.dataDir, 'slack-bot-token'), slack.botToken);
    raw.worker = { ...raw.worker, port: 0 };
    raw.platforms = { local: { enabled: false }, slack: { enabled: true, botToken: { fromFile: join(stack.dataDir, 'slack-bot-token') }, signingSecret: { fromFile: join(stack.dataDir, 'slack-bot-token') }, slackApiUrl: slack.apiUrl } };
    raw.people = raw.people.map((p: Record<string, unknown>) => ({ ...p, chat: { slack: 'U0ALICE01' } }));
    raw.routing = { rules: [], default: { channels: [{ platform: 'slack', channel: 'C0INCIDENT' }], policy: raw.routing.default.policy } };
  });
}, 120_000);

afterAll(async () => {
  await killAllWorkerProcesses();
  await stack?.stop();
  await slack?.stop();
});

describe('the worker process start with Slack', () => {
  it('starts with a note naming a missing history scope and what it costs', async () => {
    slack.setScopes(FAKE_SCOPES.filter((s) => s !== 'groups:history'));
    const worker = startWorkerProcess(configFile);
    await worker.ready;
    expect(worker.output()).toMatch(/note: Slack app lacks the scope groups:history: in private channels a retried post cannot check .*no duplicate protection on retries/);
    await worker.kill('SIGTERM');
  }, 60_000);

  it('exits with code 2 when the app cannot post (no chat:write), saying which scope to add', async () => {
    slack.setScopes(FAKE_SCOPES.filter((s) => s !== 'chat:write'));
    const worker = startWorkerProcess(configFile);
    await expect(worker.ready).rejects.toThrow(/worker\/main\.ts exited early \(2\): .*lacks the scope chat:write: the worker cannot post or update alerts\. Add it under OAuth & Permissions/s);
  }, 60_000);
});
