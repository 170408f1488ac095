// A custom resource's API group is part of its fingerprint (watcher/fingerprint.ts): two operators'
// Backups of one name in one namespace are two incidents. Built-in kinds keep exactly the key they
// had, and an incident opened under a custom resource's group-less key keeps receiving its signals.
import { customGroup, fingerprint, FINGERPRINT_MAX, grouplessFingerprint, legacyFingerprint, LegacyRoutes } from '../../../watcher/fingerprint';
import { DETECTOR_KINDS } from '../../../watcher/detectors';
import type { ResourceRef } from '../../../workflows/definitions';

const FAILED = 'VeleroBackupFailed';
const velero: ResourceRef = { kind: 'Backup', namespace: 'ops', name: 'nightly', apiVersion: 'velero.io/v1' };
const other: ResourceRef = { ...velero, apiVersion: 'backups.example.com/v1alpha1' };

describe('custom resource fingerprints', () => {
  it('keep two groups of one kind, namespace and name apart', () => {
    expect(fingerprint(velero, FAILED)).toBe('backup.velero.io:ops:nightly:velerobackupfailed');
    expect(fingerprint(other, FAILED)).toBe('backup.backups.example.com:ops:nightly:velerobackupfailed');
  });

  it('name the group of a groupBy owner too (Velero schedules), lowercased, whatever its version', () => {
    const schedule = { kind: 'Schedule', namespace: 'velero', name: 'daily', apiVersion: 'Velero.IO/v2' };
    expect(fingerprint(schedule, FAILED)).toBe('schedule.velero.io:velero:daily:velerobackupfailed');
  });

  it('leave built-in kinds exactly as they were', () => {
    expect(fingerprint({ kind: 'Deployment', namespace: 'shop', name: 'checkout', apiVersion: 'apps/v1' }, 'CrashLoopBackOff')).toBe('deployment:shop:checkout:crashloopbackoff');
    expect(fingerprint({ kind: 'Pod', namespace: 'shop', name: 'web-0', apiVersion: 'v1' }, 'OOMKilled')).toBe('pod:shop:web-0:oomkilled');
    expect(fingerprint({ kind: 'Node', name: 'node-2' }, 'NodeNotReady')).toBe('node:node-2:nodenotready');
    expect(fingerprint({ kind: 'Node', name: 'node-2', apiVersion: 'v1' }, 'NodeNotReady')).toBe('node:node-2:nodenotready');
    expect(fingerprint({ kind: 'Job', namespace: 'etl', name: 'load', apiVersion: 'batch/v1' }, 'JobFailed')).toBe('job:etl:load:jobfailed');
    expect(fingerprint({ kind: 'Ingress', namespace: 'shop', name: 'web', apiVersion: 'networking.k8s.io/v1' }, 'X')).toBe('ingress:shop:web:x');
  });

  it('count only groups with a dot outside the Kubernetes project as custom', () => {
    expect(customGroup('cert-manager.io/v1')).toBe('cert-manager.io');
    expect(customGroup('cluster.x-k8s.io/v1beta1')).toBe('cluster.x-k8s.io');
    for (const builtin of [undefined, '', 'v1', 'apps/v1', 'batch/v1', 'policy/v1', 'storage.k8s.io/v1', 'gateway.networking.k8s.io/v1', 'metrics.k8s.io/v1beta1', 'kubernetes.io/v1']) {
      expect(customGroup(builtin)).toBeUndefined();
    }
  });

  it('keep the escaping and the length cut, with the group inside the key', () => {
    expect(fingerprint({ ...velero, name: 'a:b' }, FAILED)).toBe('backup.velero.io:ops:a_3a_b:velerobackupfailed');
    const long = (s: string, apiVersion = velero.apiVersion) => fingerprint({ ...velero, apiVersion, name: `${'a'.repeat(200)}${s}` }, FAILED);
    expect(long('x')).toHaveLength(FINGERPRINT_MAX);
    expect(long('x')).toMatch(/^backup\.velero\.io:ops:a+::[0-9a-f]{10}$/);
    expect(long('x')).not.toBe(long('x', other.apiVersion));
  });
});

describe('an upgrade under incidents opened with a custom resource group-less key', () => {
  const routes = (...listed: { fingerprint: string; namespace?: string }[]) => {
    const r = new LegacyRoutes([...DETECTOR_KINDS, FAILED]);
    r.update(listed);
    return r;
  };
  const keyOf = (r: LegacyRoutes, owner: ResourceRef, kind = FAILED) => r.route(owner, kind, fingerprint(owner, kind));
  const OLD = 'backup:ops:nightly:velerobackupfailed';

  it('keeps sending the problem to its open incident, and opens a new problem under the grouped key', () => {
    expect(grouplessFingerprint(velero, FAILED)).toBe(OLD);
    const r = routes({ fingerprint: OLD, namespace: 'ops' });
    expect(r.size).toBe(1);
    expect(keyOf(r, velero)).toBe(OLD);
    expect(keyOf(r, { ...velero, name: 'weekly' })).toBe('backup.velero.io:ops:weekly:velerobackupfailed');
  });

  it('stops routing once a list no longer has the old incident', () => {
    const r = routes({ fingerprint: OLD, namespace: 'ops' });
    expect(r.update([])).toBe('no open incident uses the old fingerprint format any more');
    expect(keyOf(r, velero)).toBe('backup.velero.io:ops:nightly:velerobackupfailed');
  });

  it('routes long keys cut to a hash, and the older "-" keys of custom resources as before', () => {
    const long = { ...velero, name: 'n'.repeat(150) };
    const cut = grouplessFingerprint(long, FAILED);
    expect(cut).toMatch(/::[0-9a-f]{10}$/);
    expect(keyOf(routes({ fingerprint: cut, namespace: 'ops' }), long)).toBe(cut);
    const dashed = legacyFingerprint(velero, FAILED);
    expect(dashed).toBe('backup-ops-nightly-velerobackupfailed');
    expect(keyOf(routes({ fingerprint: dashed, namespace: 'ops' }), velero)).toBe(dashed);
  });

  it('holds no route for current keys: built-in kinds and grouped custom keys', () => {
    const r = routes(
      { fingerprint: 'deployment:shop:checkout:crashloopbackoff', namespace: 'shop' },
      { fingerprint: 'node:node-2:nodenotready' },
      { fingerprint: 'backup.velero.io:ops:nightly:velerobackupfailed', namespace: 'ops' },
      { fingerprint: 'payments:nightly:unknownkind' },
    );
    expect(r.size).toBe(0);
    expect(keyOf(r, { kind: 'Deployment', namespace: 'shop', name: 'checkout', apiVersion: 'apps/v1' }, 'CrashLoopBackOff')).toBe('deployment:shop:checkout:crashloopbackoff');
  });
});
