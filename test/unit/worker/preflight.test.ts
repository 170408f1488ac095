// Start-up advice of the worker: settings that work but leave a known gap open are named at start.
import { rmSync } from 'node:fs';
import type { Config } from '../../../config/schema';
import { startupAdvice } from '../../../worker/preflight';
import { testConfig } from '../../helpers/config';

const made: Config[] = [];
afterAll(() => made.forEach((c) => rmSync(c.dataDir, { recursive: true, force: true })));
const config = (mutate?: (raw: Record<string, any>) => void) => {
  const c = testConfig(mutate);
  made.push(c);
  return c;
};

const teams = (graph: boolean) =>
  config((raw) => {
    raw.platforms.teams = {
      enabled: true,
      appId: 'app',
      appPassword: { fromEnv: 'TEAMS_APP_PASSWORD' },
      tenantId: '11111111-1111-1111-1111-111111111111',
      graph: { enabled: graph },
      channels: { ops: { conversationId: '19:ops@thread.tacv2', serviceUrl: 'http://127.0.0.1:1/', teamId: '22222222-2222-4222-8222-222222222222' } },
    };
  });

describe('the worker start-up advice', () => {
  it('tells a Teams user without Graph lookups that a crash can duplicate a card, and how to close that gap', () => {
    const advice = startupAdvice(teams(false));
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatch(/post it again on retry; set platforms\.teams\.graph\.enabled/);
  });

  it('has nothing to say when Graph lookups are on or Teams is off', () => {
    expect(startupAdvice(teams(true))).toEqual([]);
    expect(startupAdvice(config())).toEqual([]);
  });
});
