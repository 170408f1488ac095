// Builders shared by the policy tests. Configs go through parseConfig so defaults and ms durations
// are exactly what the running processes see.
import { parseConfig } from '../../../../config/load';
import type { Config, ConfigInput, EscalationPolicy, Schedule } from '../../../../config/schema';
import { firstPosition, nextPosition, type EscalationPosition } from '../../../../workflows/policy/escalation';
import type { Actor, Anomaly } from '../../../../workflows/definitions';

/** Instant of an ISO time with an explicit offset, e.g. at('2026-03-29T09:00:00+02:00'). */
export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};

export const PEOPLE: ConfigInput['people'] = [
  { id: 'alice', name: 'Alice Liddell', chat: { local: 'alice' } },
  { id: 'bob', name: 'Bob Marley', chat: { local: 'bob' } },
  { id: 'carol', name: 'Carol Danvers', roles: ['responder', 'admin'], chat: { local: 'carol' } },
  { id: 'dave', name: 'Dave Bowman' },
];

export function config(overrides: Partial<ConfigInput> = {}): Config {
  return parseConfig({
    people: PEOPLE,
    escalationPolicies: [{ id: 'default', levels: [{ targets: [{ person: 'alice' }], delay: '5m' }] }],
    routing: { default: { channels: [{ platform: 'local', channel: 'incidents' }], policy: 'default' } },
    ...overrides,
  });
}

/** One schedule, validated with the real schema. */
export function schedule(input: NonNullable<ConfigInput['schedules']>[number]): Schedule {
  return config({ schedules: [input] }).schedules[0]!;
}

export function anomaly(over: Partial<Anomaly> = {}): Anomaly {
  return {
    cluster: 'prod-eu',
    fingerprint: 'fp-1',
    kind: 'CrashLoopBackOff',
    severity: 'error',
    resource: { kind: 'Pod', name: 'api-7d9f-x', namespace: 'shop' },
    owner: { kind: 'Deployment', name: 'api', namespace: 'shop' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    labels: { app: 'api', team: 'payments' },
    observedAt: '2026-01-06T10:00:00Z',
    ...over,
  };
}

export function actor(personId: string | null, roles: Actor['roles'] = ['responder'], via = `local:${personId ?? 'stranger'}`): Actor {
  return { personId, roles, via, display: personId ?? via };
}

/** Every position the ladder visits, starting at the first. */
export function walk(p: EscalationPolicy): EscalationPosition[] {
  const out: EscalationPosition[] = [];
  for (let pos: EscalationPosition | null = firstPosition(); pos; pos = nextPosition(p, pos)) {
    out.push(pos);
    if (out.length > 10_000) throw new Error('the ladder never ends');
  }
  return out;
}
