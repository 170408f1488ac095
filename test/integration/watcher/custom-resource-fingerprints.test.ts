// Custom resources' fingerprints carry their API group, on the real watcher with a simulated
// cluster, a real Temporal dev server and the real worker: a failed Velero backup opens
// `schedule.velero.io:...`, and a cert-manager Certificate whose incident a previous watcher opened
// under the group-less key keeps signalling that incident (occurrences and its recovery) instead of
// opening a twin under the grouped key.
import { recover, scenarios } from '../../../simcluster';
import { fingerprint, grouplessFingerprint } from '../../../watcher/fingerprint';
import { incidentWorkflowId, stateQuery, type IncidentState, type ResourceRef } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { openIncident } from '../../helpers/incident';
import { eventually, type Stack } from '../../helpers/stack';
import { Resources, runsOf, signalNames, type TestCluster } from './helpers';

const CLUSTER = 'crd-groups';
const NOT_READY = 'CertificateNotReady';
const cert: ResourceRef = { kind: 'Certificate', namespace: 'shop', name: 'shop-tls', apiVersion: 'cert-manager.io/v1' };

let stack: Stack;
let cluster: TestCluster;
const res = new Resources();

// The built-in rule waits 5m for a Certificate to stay not Ready: the same rule without the wait.
const certRule = { name: 'cert-manager-certificate-not-ready', group: 'cert-manager.io', version: 'v1', resource: 'certificates', kind: 'Certificate', anomaly: NOT_READY, severity: 'warning', when: { condition: { type: 'Ready', status: ['False', 'Unknown'] } } };

beforeAll(async () => {
  ({ cluster, stack } = await res.watchedStack(CLUSTER, { customResources: { rules: [certRule] } }));
}, 120_000);

afterAll(async () => {
  await res.cleanup().finally(() => stack?.stop());
});

const id = (fp: string) => incidentWorkflowId(CLUSTER, fp);
const state = (wid: string): Promise<IncidentState | undefined> => stack.client.workflow.getHandle(wid).query(stateQuery).catch(() => undefined);
const workflowIds = async () => (await runsOf(stack.client, CLUSTER)).map((r) => r.workflowId);

describe('a watcher that puts the API group in custom resources\' fingerprints', () => {
  it('opens new problems under the grouped key and keeps an open group-less incident receiving until it resolves', async () => {
    const sim = cluster.sim;
    scenarios.failedVeleroBackup(sim);
    scenarios.certNotReady(sim);
    // The Certificate's incident as the previous watcher opened it: the key without the group.
    const oldKey = grouplessFingerprint(cert, NOT_READY);
    expect(oldKey).toBe('certificate:shop:shop-tls:certificatenotready');
    const old = await openIncident(stack.client, anomaly({ cluster: CLUSTER, fingerprint: oldKey, kind: NOT_READY, severity: 'warning', resource: cert, owner: undefined }));
    await eventually(async () => (await state(old.workflowId))?.occurrences.count === 1, 'the group-less incident open');
    await eventually(async () => (await runsOf(stack.client, CLUSTER)).some((r) => r.workflowId === old.workflowId && r.status === 'RUNNING'), 'the old incident in visibility');

    await res.watcher(stack.config, CLUSTER, stack.client);

    // A scheduled Velero backup failed: its incident is keyed on the Schedule with its group.
    const backup = id('schedule.velero.io:velero:daily:velerobackupfailed');
    await eventually(async () => (await state(backup))?.occurrences.count, 'the Velero incident under the grouped key');
    expect((await state(backup))!.owner).toMatchObject({ kind: 'Schedule', name: 'daily', apiVersion: 'velero.io/v1' });

    // The Certificate's occurrences go to its group-less incident; nothing opens under the new key.
    await eventually(async () => (await signalNames(stack.client, old.workflowId)).includes('occurrence'), 'the certificate signalling its old incident');
    expect(await workflowIds()).not.toContain(id(fingerprint(cert, NOT_READY)));

    // Its recovery reaches the old incident too, which resolves.
    recover(sim, 'certNotReady');
    await eventually(async () => (await state(old.workflowId))?.status === 'resolved', 'the group-less incident resolved on recovery', 30_000);
    expect(await signalNames(stack.client, old.workflowId)).toContain('recovered');
    expect(await workflowIds()).not.toContain(id('certificate.cert-manager.io:shop:shop-tls:certificatenotready'));
  }, 120_000);
});
