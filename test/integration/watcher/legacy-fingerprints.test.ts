// Upgrading the fingerprint format ('-' join -> ':' join) under open incidents, with the real
// watcher, a simulated cluster, a real Temporal dev server and the real worker. Incidents opened
// under the old key (as the previous watcher version did) keep receiving their problem's
// occurrences and recoveries, live or found by reconciliation; the old key's twin (shop/eu-web vs
// shop-eu/web, which the old format mixed up) gets an incident of its own under the new key; and
// once the old incident has resolved, its problem's recurrence opens under the new key.
import { recover, scenarios, tick } from '../../../simcluster';
import { legacyFingerprint } from '../../../watcher/fingerprint';
import { incidentWorkflowId, stateQuery, type IncidentState, type ResourceRef } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { openIncident } from '../../helpers/incident';
import { eventually, type Stack } from '../../helpers/stack';
import { Resources, runsOf, signalNames, type TestCluster } from './helpers';

const CLUSTER = 'upgrade';
const REPLICAS = 2;
const KIND = 'CrashLoopBackOff';
const web = { namespace: 'shop-eu', name: 'web', replicas: REPLICAS };
const euWeb = { namespace: 'shop', name: 'eu-web', replicas: REPLICAS };
const cart = { namespace: 'shop', name: 'cart', replicas: REPLICAS };
const deployment = (w: { namespace: string; name: string }): ResourceRef => ({ kind: 'Deployment', namespace: w.namespace, name: w.name, apiVersion: 'apps/v1' });

let stack: Stack;
let cluster: TestCluster;
const res = new Resources();

beforeAll(async () => {
  ({ cluster, stack } = await res.watchedStack(CLUSTER));
}, 120_000);

afterAll(async () => {
  await res.cleanup().finally(() => stack?.stop());
});

const id = (fp: string) => incidentWorkflowId(CLUSTER, fp);
const state = (wid: string): Promise<IncidentState> => stack.client.workflow.getHandle(wid).query(stateQuery);
const recoveries = (s: IncidentState) => s.timeline.filter((e) => e.type === 'recovered');
const runsOfId = async (wid: string) => (await runsOf(stack.client, CLUSTER)).filter((r) => r.workflowId === wid);

/** An incident as the watcher before the ':' format opened it: the old key, one crash-looping pod. */
async function openedByOldWatcher(w: { namespace: string; name: string }): Promise<string> {
  const fp = legacyFingerprint(deployment(w), KIND);
  const h = await openIncident(stack.client, anomaly({
    cluster: CLUSTER, fingerprint: fp, kind: KIND,
    resource: { kind: 'Pod', name: `${w.name}-7d9f-abc`, namespace: w.namespace }, owner: deployment(w),
  }));
  await eventually(async () => (await h.query(stateQuery)).occurrences.count === 1, `the old-format incident ${fp}`);
  // The new watcher learns of it from the visibility list: wait until the list shows it.
  await eventually(async () => (await runsOfId(h.workflowId)).some((r) => r.status === 'RUNNING'), `${fp} in visibility`);
  return h.workflowId;
}

describe('a watcher upgraded to the ":" fingerprint format under open old-format incidents', () => {
  it('routes each old incident its own problem only, recovers them, and opens new problems under the new key', async () => {
    const sim = cluster.sim;
    scenarios.crashLoopRollout(sim, web);
    scenarios.crashLoopRollout(sim, euWeb);
    scenarios.crashLoopRollout(sim, cart);
    recover(sim, 'crashLoopRollout', cart); // healed while no watcher ran
    const oldWeb = await openedByOldWatcher(web);
    const oldCart = await openedByOldWatcher(cart);
    // The old key of shop/eu-web is the same: the old format gave both one incident.
    expect(id(legacyFingerprint(deployment(euWeb), KIND))).toBe(oldWeb);

    const w = await res.watcher(stack.config, CLUSTER, stack.client);

    // Occurrences of shop-eu/web keep going to its old incident; none opens under its new key.
    await eventually(async () => (await state(oldWeb)).occurrences.count >= 1 + REPLICAS, 'the pods of shop-eu/web counted on the old incident');
    // The twin is a problem of its own, under the new key.
    const twin = id('deployment:shop:eu-web:crashloopbackoff');
    await eventually(async () => (await state(twin).catch(() => undefined))?.occurrences.count === REPLICAS, 'the shop/eu-web incident under the new key');
    expect((await state(twin)).owner).toMatchObject({ namespace: 'shop', name: 'eu-web' });
    // Reconciliation judges the old cart incident as its own (not foreign) and recovers it.
    await eventually(async () => (await state(oldCart)).status === 'resolved', 'the old cart incident resolved by reconciliation');
    expect(recoveries(await state(oldCart)).map((e) => e.text)).toEqual([expect.stringContaining('Deployment shop/cart is healthy again')]);
    expect(w.metrics.get('watcher_reconcile_incidents', { verdict: 'foreign' })).toBe(0);

    // shop-eu/web recovers: its old incident resolves; the twin, still crashing, stays open.
    recover(sim, 'crashLoopRollout', web);
    await eventually(async () => (await state(oldWeb)).status === 'resolved', 'the old shop-eu/web incident resolved on recovery');
    expect(await signalNames(stack.client, oldWeb)).toContain('recovered');
    expect((await state(twin)).status).toBe('triggered');
    expect(await runsOfId(id('deployment:shop-eu:web:crashloopbackoff'))).toEqual([]);

    // Once the old run has closed and a list no longer names it, a recurrence opens under the new key.
    await eventually(async () => (await runsOfId(oldWeb)).every((r) => r.status !== 'RUNNING'), 'the old run closed in visibility');
    const passes = w.metrics.get('watcher_reconcile_passes_total');
    await eventually(() => w.metrics.get('watcher_reconcile_passes_total') >= passes + 2, 'two more lists');
    tick(sim, 'crashLoopRollout', web);
    const fresh = id('deployment:shop-eu:web:crashloopbackoff');
    await eventually(async () => (await state(fresh).catch(() => undefined))?.occurrences.count, 'the recurrence under the new key');
    expect(await runsOfId(oldWeb)).toHaveLength(1);
  }, 120_000);
});
