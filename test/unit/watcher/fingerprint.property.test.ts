// Property tests of the incident fingerprint (watcher/fingerprint.ts), the dedup key in
// `incident/<cluster>/<fingerprint>`: the same resource gives the same key whatever order its fields
// come in; it always fits the intake's rules; and different resources or anomaly kinds get
// different keys, or two problems would share one incident (one alert, one page, one resolve).
import fc from 'fast-check';
import { fingerprint, FINGERPRINT_MAX } from '../../../watcher/fingerprint';
import { parseAnomaly } from '../../../intake/schema';
import type { ResourceRef } from '../../../workflows/definitions';
import { assertProperty } from '../../helpers/property';

const NAMESPACED = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'PersistentVolumeClaim'];
const CLUSTER_SCOPED = ['Node', 'PersistentVolume'];
const ANOMALY_KINDS = ['CrashLoopBackOff', 'OOMKilled', 'ImagePullBackOff', 'NodeNotReady', 'RolloutStuck', 'PodPending', 'VolumeFull'];

/** Kubernetes names as clusters have them: DNS labels (namespaces) and subdomains (objects), long ones too. */
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const objectName = fc.oneof(fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,30}[a-z0-9])?$/), fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{100,251}[a-z0-9])?$/));

const resource: fc.Arbitrary<ResourceRef> = fc.oneof(
  fc.record({ kind: fc.constantFrom(...NAMESPACED), namespace: dnsLabel, name: objectName, apiVersion: fc.constantFrom('apps/v1', 'v1', 'batch/v1') }, { requiredKeys: ['kind', 'namespace', 'name'] }),
  fc.record({ kind: fc.constantFrom(...CLUSTER_SCOPED), name: objectName }),
);

/** The same ref with its keys in another order (as a watch event or a cache may build it). */
const reordered = (r: ResourceRef, keys: string[]): ResourceRef => Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, r[k as keyof ResourceRef]])) as unknown as ResourceRef;
const keyOrder = fc.shuffledSubarray(['kind', 'namespace', 'name', 'apiVersion'], { minLength: 4, maxLength: 4 });

/** What makes two refs the same resource: kind, namespace, name (apiVersion is how it was read). */
const sameResource = (a: ResourceRef, b: ResourceRef) => a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

describe('fingerprint properties', () => {
  it('is the same for the same resource whatever order its fields come in', () => {
    assertProperty(fc.property(resource, fc.constantFrom(...ANOMALY_KINDS), keyOrder, (r, kind, keys) => fingerprint(reordered(r, keys), kind) === fingerprint(r, kind)));
  });

  it('always fits the intake: an id part of at most the cap, accepted in an anomaly', () => {
    assertProperty(
      fc.property(resource, fc.constantFrom(...ANOMALY_KINDS), (r, kind) => {
        const fp = fingerprint(r, kind);
        expect(fp.length).toBeLessThanOrEqual(FINGERPRINT_MAX);
        const a = parseAnomaly({ cluster: 'prod', fingerprint: fp, kind, severity: 'error', resource: r, reason: 'r', message: '', observedAt: '2026-03-29T09:00:00Z' });
        expect(a.ok).toBe(true);
      }),
    );
  });

  it('differs for different anomaly kinds on one resource', () => {
    assertProperty(fc.property(resource, fc.uniqueArray(fc.constantFrom(...ANOMALY_KINDS), { minLength: 2, maxLength: 2 }), (r, [k1, k2]) => fingerprint(r, k1!) !== fingerprint(r, k2!)));
  });

  // Namespaces and names with "-" included: the old "-" join gave Deployment shop-eu/web and
  // shop/eu-web one key (found by this property); the ':' join cannot.
  it('differs for different resources, whatever "-" their namespaces and names contain', () => {
    const sameNamespace = fc.tuple(resource, objectName).map(([r, name]) => [r, { ...r, name }] as const);
    // Pairs that split one "-"-joined string differently: the shape that collided.
    const splitDifferently = fc.tuple(dnsLabel, dnsLabel, objectName, fc.constantFrom(...NAMESPACED)).filter(([a, b]) => a.length + b.length < 63).map(([a, b, name, kind]) => [
      { kind, namespace: `${a}-${b}`, name },
      { kind, namespace: a, name: `${b}-${name}` },
    ] as const);
    assertProperty(
      fc.property(fc.oneof(fc.tuple(resource, resource), sameNamespace, splitDifferently), fc.constantFrom(...ANOMALY_KINDS), ([a, b], kind) => {
        if (sameResource(a, b)) return;
        expect({ a, b, same: fingerprint(a, kind) === fingerprint(b, kind) }).toMatchObject({ same: false });
      }),
    );
  });
});
