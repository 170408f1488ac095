// The messaging endpoint's authentication switch, without Temporal: tokens are required unless the
// explicit development flag is set, which the api announces loudly at start.
import type { Client } from '@temporalio/client';
import { rmSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerTeams } from '../../../platforms/teams/inbound/routes';
import { testConfig } from '../../helpers/config';
import { FakeBotFramework } from '../../fakes/botframework/server';
import { fakeOptions, withTeams } from './fixtures';

let fake: FakeBotFramework;
const apps: FastifyInstance[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  fake = await FakeBotFramework.start(fakeOptions());
});
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await fake?.stop();
});

async function api(extra: Record<string, unknown>): Promise<FastifyInstance> {
  const config = testConfig((raw) => withTeams(raw, fake, extra));
  dirs.push(config.dataDir);
  const app = Fastify();
  apps.push(app);
  // No Temporal: these requests never reach an incident.
  registerTeams(app, { config, client: {} as Client });
  await app.ready();
  return app;
}

const conversationUpdate = () => ({
  type: 'conversationUpdate',
  id: 'f:1',
  channelId: 'msteams',
  serviceUrl: fake.serviceUrl,
  from: { id: '29:alice' },
  recipient: { id: `28:${fake.opts.appId}` },
  conversation: { id: '19:ops@thread.tacv2' },
});

describe('the Teams messaging endpoint', () => {
  it('rejects a request without a Bot Framework token by default', async () => {
    const app = await api({});
    const res = await app.inject({ method: 'POST', url: '/teams/messages', payload: conversationUpdate() });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
  });

  it('accepts a signed request and answers a body that is no activity with 400', async () => {
    const app = await api({});
    const signed = await app.inject({ method: 'POST', url: '/teams/messages', payload: conversationUpdate(), headers: { authorization: `Bearer ${fake.channelToken()}` } });
    expect(signed.statusCode).toBe(200);
    const junk = await app.inject({ method: 'POST', url: '/teams/messages', payload: { hello: 'world' } });
    expect(junk.statusCode).toBe(400);
  });

  it('skips the token check only with allowUnauthenticated, and warns loudly at start', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let app: FastifyInstance;
    try {
      app = await api({ allowUnauthenticated: true });
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toMatch(/WARNING: platforms\.teams\.allowUnauthenticated is true: \/teams\/messages accepts requests WITHOUT a Bot Framework token/);
    const res = await app.inject({ method: 'POST', url: '/teams/messages', payload: conversationUpdate() });
    expect(res.statusCode).toBe(200);
  });
});
