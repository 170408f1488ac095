// Property tests of the escalation ladder (workflows/policy/escalation.ts) and of the step the
// workflow asks for (activities/config-lookups escalationStep), for any policy the config accepts:
// the walk is a total order (pass, then level) that climbs one level at a time, starts over after
// the last level as often as `repeat` says and then stops; every timer is a finite, non-negative
// number of milliseconds; each level pages roster people, once each; an ack by anyone on the roster
// takes the incident out of `triggered`, the only state the workflow's escalation loop pages in.
import fc from 'fast-check';
import { createConfigLookupActivities } from '../../../../activities/config-lookups';
import type { Config, ConfigInput } from '../../../../config/schema';
import { ConfigError } from '../../../../config/load';
import { levelAt, resolveTargets, type EscalationPosition } from '../../../../workflows/policy';
import { applyAck, applyHandoff, initialState } from '../../../../workflows/state';
import { actor } from '../../../helpers/actors';
import { anomaly } from '../../../helpers/anomaly';
import { assertProperty } from '../../../helpers/property';
import { config, PEOPLE, walk } from './fixtures';

const IDS = PEOPLE.map((p) => p.id);
/** Durations as people write them, from "0s" to digit strings no timer could hold. */
const durationText = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 500 }), fc.constantFrom('ms', 's', 'm', 'h', 'd')).map(([n, u]) => `${n}${u}`),
  fc.tuple(fc.integer({ min: 1, max: 59 }), fc.integer({ min: 1, max: 59 })).map(([h, m]) => `${h}h${m}m`),
  fc.tuple(fc.stringMatching(/^[1-9]\d{15,400}$/), fc.constantFrom('ms', 'd')).map(([n, u]) => `${n}${u}`),
);
const level = fc.record({
  targets: fc.array(fc.oneof(fc.constantFrom(...IDS).map((person) => ({ person })), fc.constant({ schedule: 'primary' })), { minLength: 1, maxLength: 3 }),
  delay: durationText,
});
const policyInput = fc.record({ levels: fc.array(level, { minLength: 1, maxLength: 6 }), repeat: fc.integer({ min: 0, max: 10 }) });

const parsed = new Map<string, Config | ConfigError>();
/** The config with this policy, or the ConfigError it is refused with (each policy parsed once). */
function withPolicy(p: { levels: { targets: ({ person: string } | { schedule: string })[]; delay: string }[]; repeat: number }): Config | ConfigError {
  const key = JSON.stringify(p);
  if (!parsed.has(key)) parsed.set(key, parsePolicy(p));
  return parsed.get(key)!;
}
function parsePolicy(p: Parameters<typeof withPolicy>[0]): Config | ConfigError {
  try {
    return config({
      schedules: [{ id: 'primary', timezone: 'Europe/Berlin', layers: [{ rotation: 'daily', start: '2026-01-05', participants: ['alice', 'bob', 'dave'] }] }],
      escalationPolicies: [{ id: 'default', ...p } as NonNullable<ConfigInput['escalationPolicies']>[number]],
    });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}
/** Policies the config accepts (a counterexample shows the policy, the property gets the config). */
const accepted = policyInput.filter((p) => !(withPolicy(p) instanceof ConfigError));
const cfgOf = (p: Parameters<typeof withPolicy>[0]) => withPolicy(p) as Config;

describe('escalation policy properties', () => {
  it('gives every delay the config accepts as a finite, non-negative whole number of ms (a timer the workflow can start)', () => {
    assertProperty(
      fc.property(policyInput, (p) => {
        const cfg = withPolicy(p);
        if (cfg instanceof ConfigError) {
          expect(cfg.problems.join('\n')).toMatch(/escalationPolicies\[0\]\.levels\[\d+\]\.delay: /);
          return;
        }
        for (const l of cfg.escalationPolicies[0]!.levels) expect(Number.isSafeInteger(l.delay) && l.delay >= 0).toBe(true);
      }),
    );
  });

  it('walks the ladder in a total order: one level up at a time, again from level 1 `repeat` times, then stops', () => {
    assertProperty(
      fc.property(accepted, (p) => {
        const cfg = cfgOf(p);
        const policy = cfg.escalationPolicies[0]!;
        const n = policy.levels.length;
        const steps = walk(policy);
        expect(steps).toEqual(Array.from({ length: n * (policy.repeat + 1) }, (_, i) => ({ level: (i % n) + 1, repeat: Math.floor(i / n) })));
        // Strictly increasing by (repeat, level), and so are the instants pages go out at.
        let t = 0;
        const times: number[] = [];
        for (const [i, s] of steps.entries()) {
          if (i > 0) expect(s.repeat * 100 + s.level).toBeGreaterThan(steps[i - 1]!.repeat * 100 + steps[i - 1]!.level);
          times.push(t);
          t += levelAt(policy, s.level).delay;
        }
        expect([...times].sort((a, b) => a - b)).toEqual(times);
      }),
    );
  });

  it("asks the workflow's escalation step for a level it has from any position, also after the ladder shrank, and ends", async () => {
    const position = fc.record({ level: fc.integer({ min: 1, max: 12 }), repeat: fc.integer({ min: 0, max: 12 }) });
    await assertProperty(
      fc.asyncProperty(accepted, position, fc.integer({ min: Date.parse('2026-01-06T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }), async (p, start, atMs) => {
        const cfg = cfgOf(p);
        const lookups = createConfigLookupActivities(() => cfg);
        const n = cfg.escalationPolicies[0]!.levels.length;
        let pos: EscalationPosition | null = start;
        for (let i = 0; pos; i++) {
          if (i > n * 11 + 1) throw new Error(`no end from ${JSON.stringify(start)}`);
          const step = await lookups.escalationStep({ policyId: 'default', level: pos.level, repeat: pos.repeat, atMs });
          expect(step.delayMs).toBeGreaterThanOrEqual(0);
          expect(step.next === null || (step.next.level >= 1 && step.next.level <= n)).toBe(true);
          pos = step.next;
        }
      }),
      { runs: 60 },
    );
  });

  it('pages roster people at every level, each once, at any instant', () => {
    assertProperty(
      fc.property(accepted, fc.integer({ min: Date.parse('2026-01-06T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }), (p, atMs) => {
        const cfg = cfgOf(p);
        const policy = cfg.escalationPolicies[0]!;
        for (let l = 1; l <= policy.levels.length; l++) {
          const ids = resolveTargets(cfg, policy, l, atMs).map((t) => t.personId);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.every((id) => IDS.includes(id))).toBe(true);
          expect(ids.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('refuses a level the policy does not have, naming the levels it has', () => {
    assertProperty(
      fc.property(accepted, fc.oneof(fc.integer({ min: -5, max: 0 }), fc.integer({ min: 7, max: 100 }), fc.double({ noInteger: true }), fc.constant(Number.NaN)), (p, bad) => {
        const cfg = cfgOf(p);
        const policy = cfg.escalationPolicies[0]!;
        expect(() => levelAt(policy, bad)).toThrow(new RegExp(`has levels 1 to ${policy.levels.length}; level .* does not exist`));
      }),
    );
  });

  it('stops paging on an ack by anyone on the roster, whatever happened before', () => {
    const event = fc.oneof(
      fc.record({ type: fc.constant('escalate' as const), to: fc.constantFrom(...IDS) }),
      fc.record({ type: fc.constant('handoff' as const), by: fc.constantFrom(...IDS), to: fc.constantFrom(...IDS) }),
      fc.record({ type: fc.constant('ack' as const), by: fc.constantFrom(...IDS) }),
    );
    const name = (id: string) => id;
    assertProperty(
      fc.property(fc.array(event, { maxLength: 12 }), fc.constantFrom(...IDS), fc.boolean(), (events, acker, admin) => {
        const s = initialState('incident/test/fp', anomaly({ fingerprint: 'fp' }), '2026-12-05T10:00:00.000Z');
        events.forEach((e, i) => {
          const at = `2026-12-05T10:${String(i + 1).padStart(2, '0')}:00.000Z`;
          if (e.type === 'escalate') {
            if (s.status === 'triggered') s.assignee = e.to; // the workflow pages the next level
          } else if (e.type === 'handoff') applyHandoff(s, { actor: actor(e.by, ['responder', 'admin']), to: e.to, toRequested: `@${e.to}` }, at, name);
          else applyAck(s, { actor: actor(e.by) }, at, name);
        });
        const r = applyAck(s, { actor: actor(acker, admin ? ['responder', 'admin'] : ['responder']) }, '2026-12-05T11:00:00.000Z', name);
        expect(r.outcome).not.toBe('refused');
        expect(s.status).not.toBe('triggered');
        expect(s.handoffPendingTo).toBeUndefined();
      }),
    );
  });
});
