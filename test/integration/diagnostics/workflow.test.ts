// The whole path for diagnostics: an anomaly through the api starts the real workflow on the real
// worker, whose diagnostics provider (built from `clusters[]`) reads the simulated cluster with its
// read-only kubeconfig; the digest lands in the alert thread of the local chat, redacted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalMessage } from '../../../platforms/local/shared/protocol';
import type { IncidentState } from '../../../workflows/definitions';
import { PLANTED_SECRETS, scenarios, startSimCluster, type SimCluster } from '../../../simcluster';
import { anomaly } from '../../helpers/anomaly';
import { eventually, startStack, type Stack } from '../../helpers/stack';

let sim: SimCluster | undefined;
let stack: Stack | undefined;
let dir: string | undefined;
beforeAll(async () => {
  sim = await startSimCluster({ name: 'shop-prod' });
  scenarios.crashLoopRollout(sim, { replicas: 10 });
  dir = mkdtempSync(join(tmpdir(), 'diag-wf-'));
  const kubeconfig = join(dir, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig, 'readOnly');
  stack = await startStack({ worker: true, config: (raw) => (raw.clusters = [{ name: 'shop-prod', kubeconfig }]) });
}, 120_000);
afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

const json = async (res: Response): Promise<any> => res.json();

describe('diagnostics in a running incident', () => {
  it('posts a digest with the termination reason and the previous log tail into the alert thread, with secrets redacted, using only reads', async () => {
    const s = stack!;
    const pod = sim!.list('v1', 'Pod', 'shop').find((p) => p.metadata.labels?.app === 'checkout')!.metadata.name;
    sim!.clearRequests();
    const res = await s.request('/api/anomalies', {
      token: 'ops',
      json: anomaly({ cluster: 'shop-prod', resource: { kind: 'Pod', name: pod, namespace: 'shop' }, owner: { kind: 'Deployment', name: 'checkout', namespace: 'shop' } }),
    });
    expect(res.status).toBe(202);
    const { incidentId } = await json(res);

    const messages = async (): Promise<LocalMessage[]> => (await json(await s.request('/local-chat/api/channels/incidents/messages'))).messages;
    const reply = await eventually(
      async () => (await messages()).find((m) => m.incidentId === incidentId && m.threadId && m.text.startsWith('Diagnostics:')),
      'the diagnostics digest in the alert thread',
      60_000,
    );
    const card = (await messages()).find((m) => m.incidentId === incidentId && m.card && !m.threadId);
    expect(reply.threadId).toBe(card?.id);
    expect(reply.text).toMatch(/^Diagnostics: 10\/10 pods of Deployment shop\/checkout crash-looping; last termination: Error \(exit 1\) on checkout-/);
    expect(reply.text).toContain('Previous log tail (checkout):');
    expect(reply.text).toContain("TypeError: Cannot read properties of undefined (reading 'currency')");

    // The full report is kept in the incident for the postmortem, redacted like the digest.
    const state: IncidentState = await json(await s.request(`/api/incidents/${encodeURIComponent(incidentId)}`, { token: 'ops' }));
    expect(state.diagnostics?.available).toBe(true);
    const report = JSON.stringify(state.diagnostics);
    expect(report).toContain('password=[REDACTED]');
    expect(report).toContain('Bearer [REDACTED]');
    const chat = JSON.stringify(await messages());
    for (const text of [report, chat]) {
      expect(text).not.toContain(PLANTED_SECRETS.password);
      expect(text).not.toContain(PLANTED_SECRETS.jwt.split('.')[1]);
    }
    expect(state.timeline.some((e) => e.type === 'diagnostics' && e.text.startsWith('10/10 pods'))).toBe(true);

    // The worker's identity only read: GETs (get/list, pods/log), never a watch, never a Secret.
    const requests = sim!.requests();
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((r) => r.method !== 'GET' || /watch=(true|1)/.test(r.query) || /\/secrets/.test(r.path))).toEqual([]);
    expect(requests.some((r) => /\/pods\/[^/]+\/log$/.test(r.path) && /previous=true/.test(r.query))).toBe(true);
  });
});
