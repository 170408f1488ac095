import type { EscalationPolicy } from '../../../../config/schema';
import {
  describeLevel,
  describeTarget,
  firstPosition,
  levelAt,
  nextPosition,
  resolveTargets,
} from '../../../../workflows/policy';
import { at, config, walk } from './fixtures';

const cfg = config({
  schedules: [
    {
      id: 'primary',
      timezone: 'Europe/Berlin',
      layers: [{ rotation: 'daily', start: '2026-01-05', participants: ['alice', 'bob'] }],
    },
    {
      id: 'secondary',
      timezone: 'Europe/Berlin',
      layers: [{ rotation: 'daily', start: '2026-01-05', participants: ['bob', 'alice'] }],
    },
    {
      id: 'not-started',
      timezone: 'UTC',
      layers: [{ rotation: 'daily', start: '2030-01-01', participants: ['dave'] }],
    },
  ],
  escalationPolicies: [
    {
      id: 'ladder',
      levels: [
        { targets: [{ schedule: 'primary' }], delay: '5m' },
        { targets: [{ schedule: 'secondary' }, { person: 'carol' }], delay: '10m' },
        { targets: [{ person: 'dave' }], delay: '15m' },
      ],
      repeat: 2,
    },
    { id: 'default', levels: [{ targets: [{ person: 'alice' }], delay: '5m' }] },
    { id: 'once', levels: [{ targets: [{ person: 'carol' }], delay: '1m' }] },
    {
      id: 'overlap',
      levels: [{ targets: [{ schedule: 'primary' }, { person: 'alice' }, { schedule: 'not-started' }, { person: 'bob' }], delay: '5m' }],
    },
  ],
});
const policy = (id: string): EscalationPolicy => cfg.escalationPolicies.find((p) => p.id === id)!;

describe('escalation ladder', () => {
  it('starts at level 1 on the first pass', () => {
    expect(firstPosition()).toEqual({ level: 1, repeat: 0 });
  });

  it('climbs level by level, then walks the ladder again as many times as the policy repeats', () => {
    expect(walk(policy('ladder')).map((p) => `${p.level}/${p.repeat}`)).toEqual([
      '1/0', '2/0', '3/0',
      '1/1', '2/1', '3/1',
      '1/2', '2/2', '3/2',
    ]);
  });

  it('stops paging after the last level when the policy does not repeat', () => {
    expect(nextPosition(policy('once'), { level: 1, repeat: 0 })).toBeNull();
  });

  it('stops paging after the last level of the last repeat', () => {
    expect(nextPosition(policy('ladder'), { level: 3, repeat: 2 })).toBeNull();
    expect(nextPosition(policy('ladder'), { level: 3, repeat: 1 })).toEqual({ level: 1, repeat: 2 });
  });

  it('returns the configured delay of each level in milliseconds', () => {
    expect([1, 2, 3].map((l) => levelAt(policy('ladder'), l).delay)).toEqual([300_000, 600_000, 900_000]);
  });

  it('refuses a level outside the policy with a message naming the valid range', () => {
    expect(() => levelAt(policy('ladder'), 0)).toThrow('Escalation policy "ladder" has levels 1 to 3; level 0 does not exist.');
    expect(() => levelAt(policy('ladder'), 4)).toThrow(/level 4 does not exist/);
    expect(() => resolveTargets(cfg, policy('once'), 2, at('2026-01-06T10:00:00Z'))).toThrow(RangeError);
  });
});

describe('escalation targets', () => {
  it('pages whoever is on call for a schedule target at that instant', () => {
    expect(resolveTargets(cfg, policy('ladder'), 1, at('2026-01-05T10:00:00+01:00'))).toEqual([{ personId: 'alice', name: 'Alice Liddell' }]);
    expect(resolveTargets(cfg, policy('ladder'), 1, at('2026-01-06T10:00:00+01:00'))).toEqual([{ personId: 'bob', name: 'Bob Marley' }]);
  });

  it('pages schedules and persons of a level together, in the configured order', () => {
    expect(resolveTargets(cfg, policy('ladder'), 2, at('2026-01-05T10:00:00+01:00'))).toEqual([
      { personId: 'bob', name: 'Bob Marley' },
      { personId: 'carol', name: 'Carol Danvers' },
    ]);
  });

  it('pages each person once even when several targets resolve to them, and skips a schedule with nobody on call', () => {
    expect(resolveTargets(cfg, policy('overlap'), 1, at('2026-01-05T10:00:00+01:00')).map((t) => t.personId)).toEqual(['alice', 'bob']);
  });

  it('skips people who were removed from the roster after the policy was written', () => {
    // Simulates a config edited while incidents run: dave is gone but a level still names him.
    const edited = { ...cfg, people: cfg.people.filter((p) => p.id !== 'dave') };
    expect(resolveTargets(edited, policy('ladder'), 3, at('2026-01-05T10:00:00Z'))).toEqual([]);
    expect(resolveTargets(cfg, policy('ladder'), 3, at('2026-01-05T10:00:00Z'))).toEqual([{ personId: 'dave', name: 'Dave Bowman' }]);
  });

  it('skips a schedule that no longer exists', () => {
    const edited = { ...cfg, schedules: cfg.schedules.filter((s) => s.id !== 'secondary') };
    expect(resolveTargets(edited, policy('ladder'), 2, at('2026-01-05T10:00:00Z')).map((t) => t.personId)).toEqual(['carol']);
  });

  it('describes targets and levels for timelines', () => {
    expect(describeTarget({ schedule: 'primary' })).toBe('on-call of schedule "primary"');
    expect(describeTarget({ person: 'carol' })).toBe('person "carol"');
    expect(describeLevel(policy('ladder'), 2)).toBe('level 2 of 3: on-call of schedule "secondary", person "carol"');
  });
});
