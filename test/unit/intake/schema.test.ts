import { anomalyNamespace, parseAnomaly, type AnomalyInput } from '../../../intake/schema';

const valid = (): AnomalyInput => ({
  cluster: 'prod-eu',
  fingerprint: 'deploy:shop:checkout',
  kind: 'CrashLoopBackOff',
  severity: 'error',
  resource: { kind: 'Pod', name: 'checkout-7d9f-abc', namespace: 'shop' },
  owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' },
  reason: 'BackOff',
  message: 'Back-off restarting failed container',
  labels: { app: 'checkout' },
  observedAt: '2026-03-29T09:00:00+02:00',
});

function fieldsOf(raw: unknown): Record<string, string> {
  const r = parseAnomaly(raw);
  if (r.ok) throw new Error('expected the anomaly to be rejected');
  return Object.fromEntries(r.fields.map((f) => [f.path, f.message]));
}

describe('anomaly schema', () => {
  it('accepts a complete anomaly, defaults count to 1 and normalizes observedAt to UTC', () => {
    const r = parseAnomaly(valid());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.anomaly.count).toBe(1);
    expect(r.anomaly.observedAt).toBe('2026-03-29T07:00:00.000Z');
    expect(anomalyNamespace(r.anomaly)).toBe('shop');
  });

  it('defaults labels to an empty map', () => {
    const { labels: _labels, ...rest } = valid();
    const r = parseAnomaly(rest);
    expect(r.ok && r.anomaly.labels).toEqual({});
  });

  it('names every missing required field', () => {
    const fields = fieldsOf({});
    for (const f of ['cluster', 'fingerprint', 'kind', 'severity', 'resource', 'reason', 'message', 'observedAt']) expect(fields[f]).toBeDefined();
    expect(fields.cluster).toBe('is required');
  });

  it('rejects a body that is not an object', () => {
    expect(fieldsOf([1, 2])).toEqual({ '': 'the body must be a JSON object' });
  });

  it('keeps slashes, spaces and quotes out of cluster and fingerprint because they form the workflow id', () => {
    const fields = fieldsOf({ ...valid(), cluster: 'prod/eu', fingerprint: 'a b"c' });
    expect(fields.cluster).toMatch(/only contain letters, digits.*incident id/);
    expect(fields.fingerprint).toMatch(/only contain/);
  });

  it('caps lengths', () => {
    const fields = fieldsOf({ ...valid(), cluster: 'c'.repeat(64), fingerprint: 'f'.repeat(201), message: 'm'.repeat(4001) });
    expect(fields.cluster).toMatch(/longer than 63/);
    expect(fields.fingerprint).toMatch(/longer than 200/);
    expect(fields.message).toMatch(/longer than 4000/);
  });

  it('lists the allowed severities', () => {
    expect(fieldsOf({ ...valid(), severity: 'sev1' }).severity).toBe('severity must be one of info, warning, error, critical');
  });

  it('requires observedAt to be an ISO time with a zone', () => {
    expect(fieldsOf({ ...valid(), observedAt: '2026-03-29 09:00' }).observedAt).toMatch(/ISO-8601 time with a zone/);
    expect(fieldsOf({ ...valid(), observedAt: '2026-03-29T09:00:00' }).observedAt).toMatch(/with a zone/);
    expect(fieldsOf({ ...valid(), observedAt: '2026-13-45T09:00:00Z' }).observedAt).toMatch(/ISO-8601/);
  });

  it('requires labels to map strings to strings', () => {
    expect(fieldsOf({ ...valid(), labels: { app: 3 } })['labels.app']).toBe('label values must be strings');
  });

  it('requires count to be a positive whole number', () => {
    expect(fieldsOf({ ...valid(), count: 0 }).count).toBe('count must be at least 1');
    expect(fieldsOf({ ...valid(), count: 1.5 }).count).toBe('count must be a whole number');
    expect(fieldsOf({ ...valid(), count: '2' }).count).toBe('count must be a number');
  });

  it('names unknown fields, nested ones included, so typos are not silently dropped', () => {
    const fields = fieldsOf({ ...valid(), severty: 'error', resource: { kind: 'Pod', name: 'x', nmespace: 'shop' } });
    expect(fields.severty).toBe('unknown field "severty": check the spelling');
    expect(fields['resource.nmespace']).toMatch(/unknown field/);
  });

  it('requires namespaces to be Kubernetes namespace names', () => {
    expect(fieldsOf({ ...valid(), resource: { kind: 'Pod', name: 'x', namespace: 'Shop_1' } })['resource.namespace']).toMatch(/Kubernetes namespace/);
  });
});

describe('anomaly schema without a body', () => {
  it('asks for a JSON object', () => {
    const r = parseAnomaly(undefined);
    expect(r.ok ? [] : r.fields).toEqual([{ path: '', message: 'the body must be a JSON object' }]);
  });
});
