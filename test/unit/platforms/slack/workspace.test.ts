// Workspace pinning on the api's Slack endpoint: which workspace a payload names, what the pin is,
// and that a validly signed request from elsewhere is refused before Bolt (and logged).
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../../../api/server';
import { pinFrom, workspaceOf, workspaceRefusal } from '../../../../platforms/slack/inbound/workspace';
import { testConfig, configProblems } from '../../../helpers/config';
import { slackSignature } from '../../../fakes/slack/inbound';

describe('the workspace a Slack request names', () => {
  it('reads slash commands, interactions and Events API callbacks', () => {
    expect(workspaceOf({ command: '/ack', team_id: 'T1', enterprise_id: 'E1' })).toEqual({ teamId: 'T1', enterpriseId: 'E1' });
    expect(workspaceOf({ type: 'block_actions', team: { id: 'T2' }, enterprise: null })).toEqual({ teamId: 'T2', enterpriseId: undefined });
    expect(workspaceOf({ type: 'event_callback', authorizations: [{ team_id: 'T3', enterprise_id: 'E3' }] })).toEqual({ teamId: 'T3', enterpriseId: 'E3' });
  });

  it('refuses another team, another organization, and a request naming none', () => {
    expect(workspaceRefusal({ teamId: 'T1' }, { teamId: 'T1' })).toBeUndefined();
    expect(workspaceRefusal({ teamId: 'T1' }, { teamId: 'T9' })).toBe('This app serves Slack workspace T1 only; this request came from workspace T9, so nothing was changed.');
    expect(workspaceRefusal({ teamId: 'T1' }, {})).toMatch(/came from no workspace/);
    expect(workspaceRefusal({ enterpriseId: 'E1' }, { teamId: 'T7', enterpriseId: 'E1' })).toBeUndefined();
    expect(workspaceRefusal({ enterpriseId: 'E1' }, { teamId: 'T7', enterpriseId: 'E2' })).toMatch(/organization E1 only; this request came from organization E2/);
  });

  it('pins the configured workspace, else the bot token workspace, else nothing (and callers then refuse)', () => {
    expect(pinFrom({ teamId: 'T1' }, { teamId: 'T2' })).toEqual({ teamId: 'T1' });
    expect(pinFrom({}, { teamId: 'T2' })).toEqual({ teamId: 'T2', enterpriseId: undefined });
    expect(pinFrom({}, { teamId: 'T2', enterpriseId: 'E2', isEnterpriseInstall: true })).toEqual({ enterpriseId: 'E2' });
    expect(pinFrom({}, undefined)).toBeUndefined();
  });

  it('rejects ids that are not Slack team or enterprise ids in the config', () => {
    expect(configProblems((raw) => (raw.platforms.slack = { enabled: false, teamId: 'acme', enterpriseId: 'T1' }))).toEqual([
      'platforms.slack.teamId: expected a Slack team id such as T0123ABCD',
      'platforms.slack.enterpriseId: expected a Slack enterprise id such as E0123ABCD',
    ]);
  });
});

describe('the Slack endpoint with a pinned workspace', () => {
  const SECRET = 'signing-secret-for-tests-0123456789';
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) });
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    lines.length = 0;
  });
  const start = (slack: Record<string, unknown>) =>
    buildApi({
      config: testConfig((raw) => {
        raw.api.tokens = [];
        // Unreachable on purpose: nothing here may need the Slack Web API.
        raw.platforms = { local: { enabled: false }, slack: { enabled: true, botToken: { fromEnv: 'B' }, signingSecret: { fromEnv: 'S' }, slackApiUrl: 'http://127.0.0.1:9/api/', ...slack } };
      }),
      client: {} as Client,
      env: { B: 'xoxb-test', S: SECRET },
      logger: { level: 'warn', stream },
    });
  const send = (body: string) => {
    const now = Math.floor(Date.now() / 1000);
    return app!.inject({ method: 'POST', url: '/slack/events', payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature(SECRET, now, body) } });
  };

  it('answers a slash command from another workspace with a refusal the person sees, and logs it', async () => {
    app = await start({ teamId: 'T0HOME' });
    const res = await send(new URLSearchParams({ command: '/ack', team_id: 'T0ELSE', user_id: 'U1', text: '' }).toString());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ response_type: 'ephemeral', text: 'This app serves Slack workspace T0HOME only; this request came from workspace T0ELSE, so nothing was changed.' });
    expect(lines.join('')).toMatch(/"workspace":\{"teamId":"T0ELSE"\}.*refused a Slack request from another workspace/);
  });

  it('refuses a button click from another organization with 403', async () => {
    app = await start({ enterpriseId: 'E0HOME' });
    const payload = JSON.stringify({ type: 'block_actions', team: { id: 'T0X' }, enterprise: { id: 'E0ELSE' }, user: { id: 'U1' }, actions: [] });
    const res = await send(new URLSearchParams({ payload }).toString());
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'wrong_workspace', message: expect.stringMatching(/organization E0HOME only/) } });
  });

  it('refuses rather than guesses when no pin is configured and the bot workspace cannot be asked', async () => {
    app = await start({});
    const res = await send(new URLSearchParams({ command: '/ack', team_id: 'T0ANY', user_id: 'U1', text: '' }).toString());
    expect(res.json()).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/could not be confirmed \(auth\.test failed\), so nothing was changed/) });
  });
});
