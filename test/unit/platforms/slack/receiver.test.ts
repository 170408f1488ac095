// The api's Slack endpoint without Temporal: it refuses to start without its secrets (naming the
// source, never a value), verifies every request before parsing it, and answers Slack's handshakes.
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../../../api/server';
import { testConfig } from '../../../helpers/config';
import { slackSignature } from '../../../fakes/slack/inbound';

const SECRET = 'signing-secret-for-tests-0123456789';
const config = (slack: Record<string, unknown>) =>
  testConfig((raw) => {
    raw.api.tokens = [];
    raw.platforms = { local: { enabled: false }, slack: { enabled: true, botToken: { fromEnv: 'T_SLACK_BOT' }, signingSecret: { fromEnv: 'T_SLACK_SIGNING' }, slackApiUrl: 'http://127.0.0.1:9/api/', ...slack } };
  });
const env = { T_SLACK_BOT: 'xoxb-test', T_SLACK_SIGNING: SECRET };
// No request here reaches Temporal or Slack: the client is never called.
const client = {} as Client;

describe('Slack endpoint of the api', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('refuses to start without the signing secret, naming the variable and not the token', async () => {
    const err = await buildApi({ config: config({}), client, env: { T_SLACK_BOT: 'xoxb-test' } }).then(() => undefined, (e: Error) => e);
    expect(err?.message).toBe('platforms.slack.signingSecret: secret environment variable T_SLACK_SIGNING is not set');
    expect(err?.message).not.toContain('xoxb-test');
  });

  it('answers 401 to unsigned and stale requests and to bodies that do not match the signature', async () => {
    app = await buildApi({ config: config({}), client, env });
    const body = 'command=%2Fack&user_id=U1';
    expect((await app.inject({ method: 'POST', url: '/slack/events', payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 301;
    const stale = await app.inject({ method: 'POST', url: '/slack/events', payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(old), 'x-slack-signature': slackSignature(SECRET, old, body) } });
    expect(stale.statusCode).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    const altered = await app.inject({ method: 'POST', url: '/slack/events', payload: `${body}0`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature(SECRET, now, body) } });
    expect(altered.statusCode).toBe(401);
    expect(altered.json()).toEqual({ error: { code: 'invalid_signature', message: expect.stringContaining('does not match') } });
  });

  it('answers the signed url_verification challenge and ssl_check', async () => {
    app = await buildApi({ config: config({}), client, env });
    const now = Math.floor(Date.now() / 1000);
    const json = JSON.stringify({ token: 't', challenge: 'c-123', type: 'url_verification' });
    const res = await app.inject({ method: 'POST', url: '/slack/events', payload: json, headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature(SECRET, now, json) } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ challenge: 'c-123' });
    const form = 'ssl_check=1&token=t';
    const ssl = await app.inject({ method: 'POST', url: '/slack/events', payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature(SECRET, now, form) } });
    expect(ssl.statusCode).toBe(200);
  });

  it('answers 400 to a signed body that is neither a Slack form nor JSON', async () => {
    app = await buildApi({ config: config({}), client, env });
    const now = Math.floor(Date.now() / 1000);
    const res = await app.inject({ method: 'POST', url: '/slack/events', payload: 'hello', headers: { 'content-type': 'text/plain', 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature(SECRET, now, 'hello') } });
    expect(res.statusCode).toBe(400);
  });

  it('serves no Slack endpoint when Slack is off', async () => {
    app = await buildApi({ config: config({ enabled: false }), client, env: {} });
    expect((await app.inject({ method: 'POST', url: '/slack/events', payload: '{}', headers: { 'content-type': 'application/json' } })).statusCode).toBe(404);
  });
});
