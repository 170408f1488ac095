// What the webhook stack tests share: the signing secret as the config reads it (a file in the
// stack's data dir), and the incident reads and actions they drive over REST.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Anomaly, IncidentState } from '../../../workflows/definitions';
import type { Stack, TokenName } from '../../helpers/stack';

/** Writes `secret` into the data dir and returns the `secret` reference an endpoint takes. */
export function secretFile(dataDir: string, secret: string): { fromFile: string } {
  const file = join(dataDir, 'webhook-secret');
  writeFileSync(file, `${secret}\n`);
  return { fromFile: file };
}

export function incidentApi(stack: () => Stack) {
  const path = (id: string) => `/api/incidents/${encodeURIComponent(id)}`;
  return {
    /** POSTs an anomaly as the ops token; anything but 202 fails the test. Returns the incident id. */
    async report(anomaly: Anomaly): Promise<string> {
      const res = await stack().request('/api/anomalies', { token: 'ops', json: anomaly });
      expect(res.status).toBe(202);
      return ((await res.json()) as { incidentId: string }).incidentId;
    },
    state: async (id: string): Promise<IncidentState> => (await stack().request(path(id), { token: 'ops' })).json() as Promise<IncidentState>,
    /** POSTs an action or command as `token`'s person; anything but 200 fails the test, naming the action. */
    async act(id: string, action: string, token: TokenName, json: unknown = {}): Promise<Record<string, unknown>> {
      const res = await stack().request(`${path(id)}/${action}`, { token, json });
      expect({ action, status: res.status }).toEqual({ action, status: 200 });
      return (await res.json()) as Record<string, unknown>;
    },
  };
}
