// Issue 10, bug 2: an anomaly for a cluster the config does not list (a typo like "prod") is refused
// with 400 naming the known clusters, and no incident workflow exists afterwards; a config that says
// `intake.acceptUnknownClusters: true` takes it. Real api, real Temporal dev server, no worker.
import { incidentWorkflowId } from '../../../workflows/definitions';
import { anomaly } from '../../helpers/anomaly';
import { startStack, type Stack } from '../../helpers/stack';
import { workflowExists } from '../../helpers/intake-history';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    config: (raw) => {
      raw.clusters = [{ name: 'production' }, { name: 'staging' }];
      raw.intake = { acceptUnknownClusters: false };
    },
  });
}, 60_000);
afterAll(async () => stack?.stop());

const exists = (id: string) => workflowExists(stack.client, id);

describe('anomaly intake and the configured clusters', () => {
  it('refuses an unknown cluster with 400 naming the known clusters, and starts no workflow', async () => {
    const a = anomaly({ cluster: 'prod' });
    const res = await stack.request('/api/anomalies', { token: 'ops', json: a });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string; fields: { path: string; message: string }[] } };
    expect(error.code).toBe('unknown_cluster');
    expect(error.message).toMatch(/^No incident was opened: cluster "prod" is not configured; known clusters: "production", "staging"\./);
    expect(error.message).toContain('intake.acceptUnknownClusters: true');
    expect(error.fields).toEqual([{ path: 'cluster', message: expect.stringContaining('known clusters: "production", "staging"') }]);
    expect(await exists(incidentWorkflowId('prod', a.fingerprint))).toBe(false);
  });

  it('accepts a configured cluster and starts its incident', async () => {
    const a = anomaly({ cluster: 'staging' });
    const res = await stack.request('/api/anomalies', { token: 'ops', json: a });
    expect(res.status).toBe(202);
    const id = incidentWorkflowId('staging', a.fingerprint);
    expect(((await res.json()) as { incidentId: string }).incidentId).toBe(id);
    expect(await exists(id)).toBe(true);
    await stack.client.workflow.getHandle(id).terminate('test cleanup: no worker runs here');
  });
});
