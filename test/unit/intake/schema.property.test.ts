// Property tests of anomaly intake (intake/schema.ts): generated anomalies, in any key order and with
// or without their optional fields, validate to the same normalized anomaly; any one broken field is
// refused with that field named; nothing at all (any JSON value) makes the validator throw.
import fc from 'fast-check';
import { ID_PART, LIMITS, parseAnomaly, type AnomalyInput, type FieldError } from '../../../intake/schema';
import { SEVERITIES } from '../../../workflows/definitions';
import { assertProperty } from '../../helpers/property';

// ---- valid anomalies --------------------------------------------------------------------------------
const idPart = (max: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-'), minLength: 1, maxLength: max });
const namespace = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const text = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max });
const ref = fc.record(
  { kind: fc.constantFrom('Pod', 'Deployment', 'StatefulSet', 'Node', 'Job', 'Backup.velero.io'), name: text(20), namespace, apiVersion: fc.constantFrom('v1', 'apps/v1') },
  { requiredKeys: ['kind', 'name'] },
);
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
/** The same instant written with an offset, as a watcher in another zone would. */
const observed = fc.tuple(instant, fc.integer({ min: -12 * 60, max: 14 * 60 })).map(([d, off]) => {
  const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 19);
  const sign = off < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
  const mm = String(Math.abs(off) % 60).padStart(2, '0');
  return { text: off === 0 ? `${local}Z` : `${local}${sign}${hh}:${mm}`, iso: new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString() };
});

const anomaly = fc
  .record(
    {
      cluster: idPart(LIMITS.cluster),
      fingerprint: idPart(60),
      kind: idPart(40),
      severity: fc.constantFrom(...SEVERITIES),
      resource: ref,
      owner: ref,
      reason: text(25),
      message: fc.string({ unit: 'grapheme', maxLength: 200 }),
      labels: fc.dictionary(fc.stringMatching(/^[a-z0-9./-]{1,30}$/), fc.string({ maxLength: 40 }), { maxKeys: 8 }),
      observedAt: observed,
      count: fc.integer({ min: 1, max: LIMITS.count }),
    },
    { requiredKeys: ['cluster', 'fingerprint', 'kind', 'severity', 'resource', 'reason', 'message', 'observedAt'] },
  )
  .map(({ observedAt, ...a }) => ({ input: { ...a, observedAt: observedAt.text } as AnomalyInput, iso: observedAt.iso }));

/** The same object with its keys (and its resources' keys) in another order, picked by `rank`. */
function shuffled(o: Record<string, unknown>, rank: number[]): Record<string, unknown> {
  const keys = Object.keys(o).map((k, i) => [k, rank[i % rank.length]! * 100 + i] as const).sort((a, b) => a[1] - b[1]);
  const deep = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? shuffled(v as Record<string, unknown>, [...rank].reverse()) : v);
  return Object.fromEntries(keys.map(([k]) => [k, deep(o[k])]));
}

// ---- broken fields ------------------------------------------------------------------------------------
type Break = { path: string; set: (a: Record<string, any>) => void };
const drop = (k: string): Break => ({ path: k, set: (a) => delete a[k] });
const put = (path: string, value: unknown): Break => ({
  path,
  set: (a) => {
    const keys = path.split('.');
    let o = a;
    for (const k of keys.slice(0, -1)) o = o[k] ??= {};
    o[keys[keys.length - 1]!] = value;
  },
});
const wrongType = fc.constantFrom<unknown>(null, 42, true, [], { a: 1 });
const breaks: fc.Arbitrary<Break> = fc.oneof(
  fc.constantFrom('cluster', 'fingerprint', 'kind', 'severity', 'resource', 'reason', 'message', 'observedAt').map(drop),
  fc.tuple(fc.constantFrom('cluster', 'fingerprint', 'kind', 'severity', 'reason', 'message', 'observedAt', 'count', 'resource', 'owner', 'labels', 'resource.kind', 'resource.name', 'owner.namespace'), wrongType)
    // Leave out the pairs that are right by accident: a count of 42, an object for an object field.
    .filter(([p, v]) => !(p === 'count' && v === 42) && !(['labels', 'resource', 'owner'].includes(p) && v !== null && typeof v === 'object' && !Array.isArray(v)))
    .map(([p, v]) => put(p, v)),
  fc.tuple(fc.constantFrom('cluster', 'fingerprint'), fc.constantFrom('a/b', 'a b', 'é', '"x"', 'a\nb', '')).map(([p, v]) => put(p, v)),
  // Days a month does not have (Feb 30, Apr 31): Date.parse would roll them into the next month.
  fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.nat(3)).filter(([y, m, extra]) => new Date(Date.UTC(y, m, 0)).getUTCDate() + 1 + extra <= 31).map(([y, m, extra]) =>
    put('observedAt', `${y}-${String(m).padStart(2, '0')}-${new Date(Date.UTC(y, m, 0)).getUTCDate() + 1 + extra}T10:00:00+02:00`),
  ),
  fc.constantFrom(
    put('cluster', 'c'.repeat(LIMITS.cluster + 1)), put('fingerprint', 'f'.repeat(LIMITS.fingerprint + 1)), put('kind', 'Crash Loop'), put('severity', 'fatal'),
    put('reason', ''), put('reason', 'r'.repeat(LIMITS.reason + 1)), put('message', 'm'.repeat(LIMITS.message + 1)), put('observedAt', '2026-03-29 09:00'),
    put('observedAt', '2026-03-29T09:00:00'), put('observedAt', '2026-02-30T09:00:00Z'), put('count', 0), put('count', 1.5), put('count', LIMITS.count + 1),
    put('observedAt', '2026-03-29T24:00:00Z'), put('resource.namespace', 'Shop_1'), put('resource.name', ''), put('labels.app', 7), put('resource.extra', 'x'), put('colour', 'red'),
  ),
);

const isNamed = (fields: FieldError[], path: string) => fields.some((f) => f.path === path && f.message.length > 0);

describe('anomaly intake properties', () => {
  it('validates every generated anomaly, in any key order, to the same normalized anomaly', () => {
    assertProperty(
      fc.property(anomaly, fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 12 }), ({ input, iso }, rank) => {
        const r = parseAnomaly(input);
        if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.fields)}`);
        expect(r.anomaly).toMatchObject({ cluster: input.cluster, fingerprint: input.fingerprint, observedAt: iso, count: input.count ?? 1, labels: input.labels ?? {} });
        expect(r.anomaly.cluster).toMatch(ID_PART);
        expect(parseAnomaly(shuffled(input as Record<string, unknown>, rank))).toEqual(r);
      }),
    );
  });

  it('refuses an anomaly with one broken field and names that field', () => {
    assertProperty(
      fc.property(anomaly, breaks, ({ input }, b) => {
        const raw = structuredClone(input) as Record<string, any>;
        b.set(raw);
        const r = parseAnomaly(raw);
        if (r.ok) throw new Error(`accepted with ${b.path} broken: ${JSON.stringify(raw).slice(0, 300)}`);
        expect({ fields: r.fields, named: isNamed(r.fields, b.path) }).toMatchObject({ named: true });
      }),
    );
  });

  it('answers any JSON value with a result and never throws', () => {
    assertProperty(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (raw) => {
        const r = parseAnomaly(raw);
        return r.ok || (r.fields.length > 0 && r.fields.every((f) => typeof f.path === 'string' && f.message.length > 0));
      }),
    );
  });
});
