import { createConfigLookupActivities } from '../../../../activities/config-lookups';
import { NO_SILENCES, SilenceCache } from '../../../../activities/config-lookups/silences-cache';
import { parseMatchers } from '../../../../workflows/policy/matcher';
import type { Silence } from '../../../../workflows/silences-definitions';
import { ConfigError } from '../../../../config/load';
import { testConfig } from '../../../helpers/config';
import { anomaly } from '../../../helpers/anomaly';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';

const T = Date.parse('2026-12-06T03:00:00Z');
const silence: Silence = { id: 's-7', matchers: parseMatchers('{namespace="shop"}'), matcher: '{namespace="shop"}', createdBy: 'alice', createdAt: '2026-12-06T02:00:00Z', until: '2026-12-06T04:00:00.000Z', untilMs: Date.parse('2026-12-06T04:00:00Z') };

describe('routeAnomaly with silences and maintenance windows', () => {
  const config = testConfig((raw) => {
    raw.maintenance = [{ name: 'db-upgrade', matcher: '{namespace="db"}', start: '2026-12-06T02:00:00Z', end: '2026-12-06T04:00:00Z', reason: 'postgres 17' }];
    raw.incidents = { flapWindow: '15m' };
  });

  it('answers silenced from the in-memory silences at the workflow time it is given, and the flap window', async () => {
    const lookups = createConfigLookupActivities(() => config, { current: () => [silence] });
    expect(await lookups.routeAnomaly(anomaly(), T)).toMatchObject({ silenced: { id: 's-7', until: silence.until, matcher: '{namespace="shop"}' }, flapWindowMs: 15 * 60_000, policyId: 'default' });
    expect((await lookups.routeAnomaly(anomaly(), silence.untilMs)).silenced).toBeUndefined();
  });

  it('answers a maintenance window while it is open, and nothing without silences or windows', async () => {
    const lookups = createConfigLookupActivities(() => config, NO_SILENCES);
    const db = anomaly({ resource: { kind: 'Pod', name: 'pg-0', namespace: 'db' }, owner: undefined });
    expect((await lookups.routeAnomaly(db, T)).silenced).toEqual({ id: 'maintenance:db-upgrade', until: '2026-12-06T04:00:00.000Z', matcher: '{namespace="db"}', reason: 'postgres 17' });
    expect((await lookups.routeAnomaly(db, Date.parse('2026-12-06T05:00:00Z'))).silenced).toBeUndefined();
    expect('silenced' in (await lookups.routeAnomaly(anomaly(), T))).toBe(false);
  });
});

describe('maintenance and incidents config keys', () => {
  it('refuses a window with a bad matcher or an end before its start, naming the field', () => {
    const bad = () =>
      testConfig((raw) => {
        raw.maintenance = [{ name: 'x', matcher: '{namespace="db"', start: '2026-12-06T02:00:00Z', end: '2026-12-06T01:00:00Z' }];
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/maintenance\.0\.matcher|maintenance\[0\]\.matcher/);
    expect(bad).toThrow(/unbalanced braces/);
    expect(bad).toThrow(/"end" must be after "start"/);
  });

  it('defaults the flap window to 10m and the silence refresh to 5s', () => {
    const raw = testConfig((r) => {
      delete r.incidents;
    });
    expect(raw.incidents.flapWindow).toBe(10 * 60_000);
    expect(raw.silences.refreshInterval).toBe(5_000);
    expect(raw.maintenance).toEqual([]);
  });
});

describe('the worker silence copy', () => {
  const client = (query: () => Promise<Silence[]>) => ({ workflow: { getHandle: () => ({ query }) } }) as unknown as Client;

  it('keeps its last copy when a refresh fails, and says so once', async () => {
    let answer: () => Promise<Silence[]> = async () => [silence];
    const logged: string[] = [];
    const cache = new SilenceCache(client(() => answer()), (m) => logged.push(m));
    await cache.refresh();
    expect(cache.current()).toEqual([silence]);
    answer = async () => {
      throw new Error('UNAVAILABLE: connection refused');
    };
    await cache.refresh();
    await cache.refresh();
    expect(cache.current()).toEqual([silence]);
    expect(logged).toEqual(['silences: keeping the last 1 known silence(s): refreshing them failed: UNAVAILABLE: connection refused']);
  });

  it('reads no silences when the silences workflow was never started', async () => {
    const cache = new SilenceCache(client(async () => {
      throw new WorkflowNotFoundError('not found', 'silences', undefined);
    }));
    await cache.refresh();
    expect(cache.current()).toEqual([]);
  });
});
