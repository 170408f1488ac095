import { createConfigLookupActivities } from '../../../../activities/config-lookups';
import { NO_SILENCES } from '../../../../activities/config-lookups/silences-cache';
import { configProblems, testConfig } from '../../../helpers/config';
import { anomaly } from '../../../helpers/anomaly';

const db = anomaly({ resource: { kind: 'Pod', name: 'pg-0', namespace: 'db' }, owner: undefined });
const patchSunday = { name: 'patch-sunday', matcher: '{namespace="db"}', schedule: { cron: '0 2 * * SUN', duration: '2h', timezone: 'Europe/Berlin' }, reason: 'OS patches' };

describe('routeAnomaly with a recurring maintenance window', () => {
  const lookups = createConfigLookupActivities(() => testConfig((raw) => (raw.maintenance = [patchSunday])), NO_SILENCES);

  it("holds back a matching anomaly during an occurrence, until that occurrence's end", async () => {
    // Sunday 2026-12-06 02:30 in Berlin (CET): the occurrence 02:00-04:00 local is 01:00-03:00Z.
    expect((await lookups.routeAnomaly(db, Date.parse('2026-12-06T01:30:00Z'))).silenced).toEqual({ id: 'maintenance:patch-sunday', until: '2026-12-06T03:00:00.000Z', matcher: '{namespace="db"}', reason: 'OS patches' });
    // The next Sunday is the next occurrence, with its own end; in summer (CEST) the same local hours are an hour earlier in UTC.
    expect((await lookups.routeAnomaly(db, Date.parse('2026-12-13T02:59:00Z'))).silenced?.until).toBe('2026-12-13T03:00:00.000Z');
    expect((await lookups.routeAnomaly(db, Date.parse('2026-07-05T01:30:00Z'))).silenced?.until).toBe('2026-07-05T02:00:00.000Z');
  });

  it('lets it through between occurrences and for anomalies the matcher does not cover', async () => {
    expect((await lookups.routeAnomaly(db, Date.parse('2026-12-06T03:00:00Z'))).silenced).toBeUndefined();
    expect((await lookups.routeAnomaly(db, Date.parse('2026-12-07T01:30:00Z'))).silenced).toBeUndefined(); // a Monday
    expect('silenced' in (await lookups.routeAnomaly(anomaly(), Date.parse('2026-12-06T01:30:00Z')))).toBe(false);
  });

  it('still answers one-off windows next to recurring ones', async () => {
    const both = createConfigLookupActivities(() => testConfig((raw) => (raw.maintenance = [{ ...patchSunday, schedule: { ...patchSunday.schedule, cron: '0 2 * * MON' } }, { name: 'once', matcher: '{namespace="db"}', start: '2026-12-06T01:00:00Z', end: '2026-12-06T05:00:00Z' }])), NO_SILENCES);
    expect((await both.routeAnomaly(db, Date.parse('2026-12-06T01:30:00Z'))).silenced).toMatchObject({ id: 'maintenance:once', until: '2026-12-06T05:00:00.000Z' });
    expect((await both.routeAnomaly(db, Date.parse('2026-12-07T01:30:00Z'))).silenced).toMatchObject({ id: 'maintenance:patch-sunday', until: '2026-12-07T03:00:00.000Z' });
  });
});

describe('recurring maintenance config errors', () => {
  const problems = (window: Record<string, unknown>) => configProblems((raw) => (raw.maintenance = [window]));
  const withSchedule = (schedule: Record<string, unknown>) => problems({ ...patchSunday, schedule: { ...patchSunday.schedule, ...schedule } });

  it('accepts the example schedule', () => {
    expect(problems(patchSunday)).toEqual([]);
  });

  it('names the cron field and its range', () => {
    expect(withSchedule({ cron: '0 2 * * 8' })).toEqual(['maintenance[0].schedule.cron: day-of-week 8 is out of range 0-7 (SUN-SAT)']);
    expect(withSchedule({ cron: '0 2 * *' })).toEqual(['maintenance[0].schedule.cron: expected 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * SUN", got 4']);
  });

  it('refuses a missing or unknown time zone and a duration out of 1m..31d', () => {
    const { timezone: _tz, ...noZone } = patchSunday.schedule;
    expect(problems({ ...patchSunday, schedule: noZone })).toEqual([expect.stringMatching(/^maintenance\[0\]\.schedule\.timezone: is required/)]);
    expect(withSchedule({ timezone: 'Europe/Berlinn' })).toEqual(['maintenance[0].schedule.timezone: expected an IANA time zone such as "Europe/Berlin" or "UTC"']);
    expect(withSchedule({ duration: '0s' })).toEqual([expect.stringMatching(/^maintenance\[0\]\.schedule\.duration: expected a duration between "1m" and "31d"/)]);
    expect(withSchedule({ duration: '32d' })).toHaveLength(1);
    expect(withSchedule({ every: 'week' })).toEqual([expect.stringMatching(/^maintenance\[0\]\.schedule: unknown key\(s\) "every"/)]);
  });

  it('wants either start and end or a schedule, saying which to write', () => {
    expect(problems({ ...patchSunday, start: '2026-12-06T02:00:00Z', end: '2026-12-06T04:00:00Z' })).toEqual(['maintenance[0].schedule: a window has either "start" and "end" (one-off) or "schedule" (recurring), not both: remove one']);
    const { schedule: _s, ...bare } = patchSunday;
    expect(problems(bare)).toEqual([expect.stringMatching(/^maintenance\[0\]: a window needs "start" and "end" \(one-off\) or "schedule" \(recurring\), e\.g\. schedule: \{ cron: "0 2 \* \* SUN"/)]);
    expect(problems({ ...bare, start: '2026-12-06T02:00:00Z' })).toEqual(['maintenance[0].end: a one-off window needs "end" too']);
  });
});
