// Fingerprints and top owners: one Deployment is one incident, stable across restarts and replicas.
import { fingerprint, fingerprintKind, FINGERPRINT_MAX, legacyFingerprint } from '../../../watcher/fingerprint';
import { topOwner } from '../../../watcher/owners';
import { ID_PART } from '../../../intake/schema';
import type { K8sObject } from '../../../kube/objects';
import { pod, replicaSet } from './fixtures';

describe('fingerprints', () => {
  it('name the top owner and the anomaly kind, like deployment:<ns>:<name>:<kind>', () => {
    expect(fingerprint({ kind: 'Deployment', namespace: 'shop', name: 'checkout' }, 'CrashLoopBackOff')).toBe('deployment:shop:checkout:crashloopbackoff');
    expect(fingerprint({ kind: 'Node', name: 'node-2' }, 'NodeNotReady')).toBe('node:node-2:nodenotready');
  });

  it('keep apart resources that the old "-" join mixed up (shop-eu/web and shop/eu-web)', () => {
    const a = { kind: 'Deployment', namespace: 'shop-eu', name: 'web' };
    const b = { kind: 'Deployment', namespace: 'shop', name: 'eu-web' };
    expect(legacyFingerprint(a, 'CrashLoopBackOff')).toBe(legacyFingerprint(b, 'CrashLoopBackOff'));
    expect(fingerprint(a, 'CrashLoopBackOff')).toBe('deployment:shop-eu:web:crashloopbackoff');
    expect(fingerprint(b, 'CrashLoopBackOff')).toBe('deployment:shop:eu-web:crashloopbackoff');
  });

  it('are a pure function of their inputs (the same after a restart or on another replica)', () => {
    const ref = { kind: 'StatefulSet', namespace: 'data', name: 'pg' };
    expect(fingerprint(ref, 'OOMKilled')).toBe(fingerprint({ ...ref }, 'OOMKilled'));
  });

  it('only contain characters a workflow id part allows, escaping the others one-to-one', () => {
    const fp = fingerprint({ kind: 'Schedule', namespace: 'velero', name: 'daily backup/eu' }, 'VeleroBackupFailed');
    expect(fp).toMatch(ID_PART);
    expect(fp).toBe('schedule:velero:daily_20_backup_2f_eu:velerobackupfailed');
    // A name that already looks like an escape stays distinct from the escaped one.
    expect(fingerprint({ kind: 'Schedule', namespace: 'velero', name: 'daily_20_backup/eu' }, 'VeleroBackupFailed')).not.toBe(fp);
    expect(fingerprint({ kind: 'Schedule', namespace: 'velero', name: 'a:b' }, 'X')).toBe('schedule:velero:a_3a_b:x');
  });

  it('cap long names with a hash after "::", which keeps different names apart', () => {
    const long = (s: string) => fingerprint({ kind: 'Deployment', namespace: 'ns', name: `${'a'.repeat(200)}${s}` }, 'CrashLoopBackOff');
    expect(long('x').length).toBeLessThanOrEqual(FINGERPRINT_MAX);
    expect(long('x')).not.toBe(long('y'));
    expect(long('x')).toMatch(/^deployment:ns:a+::[0-9a-f]{10}$/);
  });

  it('say which anomaly kind they end with, in either format, unless cut to a hash', () => {
    expect(fingerprintKind('job:reports:nightly-report:jobfailed')).toBe('jobfailed');
    expect(fingerprintKind('job-reports-nightly-report-jobfailed')).toBe('jobfailed');
    expect(fingerprintKind(fingerprint({ kind: 'Job', namespace: 'ns', name: 'j'.repeat(200) }, 'JobFailed'))).toBeUndefined();
  });
});

describe('top owner resolution', () => {
  const cache = new Map<string, K8sObject>();
  const lookup = (kind: string, ns: string | undefined, name: string) => cache.get(`${kind}/${ns ?? ''}/${name}`);
  cache.set('ReplicaSet/shop/checkout-7d9f', replicaSet('checkout-7d9f', 'checkout'));
  cache.set('Deployment/shop/checkout', { kind: 'Deployment', metadata: { name: 'checkout', namespace: 'shop', labels: { team: 'payments' } } });

  it('follows Pod -> ReplicaSet -> Deployment through the cache', () => {
    const top = topOwner('Pod', pod('checkout-7d9f-abc'), lookup);
    expect(top.ref).toMatchObject({ kind: 'Deployment', name: 'checkout', namespace: 'shop' });
    expect(top.object?.metadata?.labels).toEqual({ team: 'payments' });
  });

  it('derives the Deployment from the pod-template-hash when the ReplicaSet is not cached yet', () => {
    const top = topOwner('Pod', pod('web-5c6b-x', { rs: 'web-5c6b', hash: '5c6b' }), lookup);
    expect(top.ref).toMatchObject({ kind: 'Deployment', name: 'web', namespace: 'shop' });
  });

  it('stops at a ReplicaSet without an owner and at StatefulSets and DaemonSets', () => {
    expect(topOwner('Pod', pod('bare-x', { rs: 'bare', hash: 'zz' }), lookup).ref).toMatchObject({ kind: 'ReplicaSet', name: 'bare' });
    expect(topOwner('Pod', pod('pg-0', { owner: { kind: 'StatefulSet', name: 'pg' } }), lookup).ref).toMatchObject({ kind: 'StatefulSet', name: 'pg' });
    expect(topOwner('Pod', pod('agent-x', { owner: { kind: 'DaemonSet', name: 'agent' } }), lookup).ref).toMatchObject({ kind: 'DaemonSet', name: 'agent' });
  });

  it('follows Pod -> Job -> CronJob', () => {
    cache.set('Job/reports/nightly-290', { kind: 'Job', metadata: { name: 'nightly-290', namespace: 'reports', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', controller: true }] } });
    const p = pod('nightly-290-x', { ns: 'reports', owner: { kind: 'Job', name: 'nightly-290' } });
    expect(topOwner('Pod', p, lookup).ref).toMatchObject({ kind: 'CronJob', name: 'nightly', namespace: 'reports' });
  });

  it('is the object itself when nothing owns it', () => {
    const n: K8sObject = { kind: 'Node', metadata: { name: 'n1' } };
    expect(topOwner('Node', n, lookup)).toEqual({ ref: { kind: 'Node', name: 'n1' }, object: n });
  });
});
