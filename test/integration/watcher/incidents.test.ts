// Simulated cluster -> watcher -> Temporal -> the real worker and workflow -> local chat. One
// Deployment crash-looping in ten pods is one incident with one alert card; a watcher restart adds
// occurrences to it; recovery resolves it after the quiet period; two clusters never share one.
import type { LocalMessage } from '../../../platforms/local/shared/protocol';
import { recover, scenarios } from '../../../simcluster';
import type { RunningWatcher } from '../../../watcher/run';
import { incidentWorkflowId, type IncidentState } from '../../../workflows/definitions';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import { fastWatch, Resources, runsOf, type TestCluster } from './helpers';

let stack: Stack;
let west: RunningWatcher | undefined;
const res = new Resources();
const clusters: Record<string, TestCluster> = {};

beforeAll(async () => {
  for (const name of ['west', 'north', 'south']) clusters[name] = await res.cluster(name);
  // The 10-replica crash loop exists BEFORE any watcher runs.
  scenarios.crashLoopRollout(clusters.west!.sim, { replicas: 10 });
  stack = await startStack({
    worker: true,
    config: (raw) => {
      raw.autoResolve = { enabled: true, quietPeriod: '1s' };
      raw.clusters = Object.entries(clusters).map(([name, c]) => ({ name, kubeconfig: c.kubeconfig, watch: fastWatch() }));
    },
  });
}, 120_000);

afterAll(async () => {
  await res.cleanup().finally(() => stack?.stop());
});

async function state(id: string): Promise<IncidentState | undefined> {
  const r = await stack.request(`/api/incidents/${encodeURIComponent(id)}`, { token: 'ops' });
  return r.status === 200 ? ((await r.json()) as IncidentState) : undefined;
}

async function cards(channel: string, incidentId: string): Promise<LocalMessage[]> {
  const r = await stack.request(`/local-chat/api/channels/${channel}/messages`);
  if (r.status !== 200) return [];
  return ((await r.json()) as { messages: LocalMessage[] }).messages.filter((m) => m.incidentId === incidentId && !m.threadId);
}

const CRASH = incidentWorkflowId('west', 'deployment:shop:checkout:crashloopbackoff');

describe('the watcher with the real worker', () => {
  it('opens exactly one incident, on the Deployment, for ten crash-looping pods that were failing before it started', async () => {
    const w = (west = await res.watcher(stack.config, 'west', stack.client));
    const s = await eventually(async () => {
      const st = await state(CRASH);
      return st && st.occurrences.count >= 10 ? st : undefined;
    }, 'the incident with all ten pods counted');
    expect(s).toMatchObject({ cluster: 'west', kind: 'CrashLoopBackOff', owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' }, status: 'triggered' });
    expect(s.occurrences.count).toBe(10);
    await eventually(async () => (await cards('incidents', CRASH)).length === 1, 'the alert card in #incidents');
    // Nothing else was opened for these pods (no per-pod incidents, no replica symptoms).
    const runs = await eventually(async () => {
      const r = await runsOf(stack.client, 'west');
      return r.length > 0 ? r : undefined;
    }, 'the incident in visibility');
    expect(runs.map((r) => r.workflowId)).toEqual([CRASH]);
    expect(w.metrics.get('watcher_signals_total', { type: 'occurrence' })).toBeLessThan(10); // coalesced
  });

  it('adds occurrences to the same incident when the watcher restarts mid-incident', async () => {
    const before = (await state(CRASH))!;
    const { runId } = await stack.client.workflow.getHandle(CRASH).describe();
    // Graceful stop of the first watcher, then a new one over the same cluster state.
    await west!.stop();
    await res.watcher(stack.config, 'west', stack.client);
    const after = await eventually(async () => {
      const st = await state(CRASH);
      return st && st.occurrences.count >= before.occurrences.count + 10 ? st : undefined;
    }, 'ten more occurrences after the restart');
    expect(after.occurrences.count).toBe(before.occurrences.count + 10);
    expect((await stack.client.workflow.getHandle(CRASH).describe()).runId).toBe(runId);
    expect(await cards('incidents', CRASH)).toHaveLength(1);
  });

  it('resolves the incident once recovery holds for the quiet period', async () => {
    recover(clusters.west!.sim, 'crashLoopRollout');
    const s = await eventually(async () => {
      const st = await state(CRASH);
      return st?.status === 'resolved' ? st : undefined;
    }, 'auto-resolution after recovery');
    expect(s.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['recovered', 'resolved']));
    expect(s.resolvedBy).toBe('system');
  });

  it('keeps two clusters apart: separate incidents, each naming its cluster in its view and search attributes', async () => {
    scenarios.nodeNotReady(clusters.north!.sim, { name: 'node-2' });
    scenarios.nodeNotReady(clusters.south!.sim, { name: 'node-2' });
    await res.watcher(stack.config, 'north', stack.client);
    await res.watcher(stack.config, 'south', stack.client);
    for (const cluster of ['north', 'south']) {
      const id = incidentWorkflowId(cluster, 'node:node-2:nodenotready');
      const s = await eventually(() => state(id), `the ${cluster} incident`);
      expect(s).toMatchObject({ cluster, kind: 'NodeNotReady', severity: 'critical', resource: { kind: 'Node', name: 'node-2' } });
      const listed = await eventually(async () => {
        const r = await stack.request(`/api/incidents?cluster=${cluster}`, { token: 'ops' });
        const body = (await r.json()) as { incidents: { id: string; cluster: string }[] };
        return body.incidents.length ? body.incidents : undefined;
      }, `the ${cluster} list`);
      expect(listed.map((i) => [i.id, i.cluster])).toEqual([[id, cluster]]);
      const described = await stack.client.workflow.getHandle(id).describe();
      expect(described.searchAttributes.K8sCluster).toEqual([cluster]);
    }
  });
});
