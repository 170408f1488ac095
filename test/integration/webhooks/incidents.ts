// What the webhook stack tests share: the signing secret as the config reads it (a file in the
// stack's data dir), the stack with a loopback receiver, and the incident reads and actions they
// drive over REST.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Anomaly, IncidentState } from '../../../workflows/definitions';
import { startStack, type Stack, type TokenName } from '../../helpers/stack';
import { WebhookReceiver, type Received } from './receiver';

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

/** A delivered event's JSON body, as the tests read it. */
export type EventBody = { id: string; type: string; incident: { id: string; key: string; status: string }; data: Record<string, unknown> };
export const bodyOf = (r: Received): EventBody => JSON.parse(r.raw) as EventBody;

/** A loopback receiver and the real stack (worker included) sending to it; `stop()` stops both. */
export async function webhookStack(opts: {
  secret: string;
  /** webhooks.endpoints, given the receiver's URL for a path and the secret as the config reads it. */
  endpoints: (url: (path: string) => string, secret: { fromFile: string }) => Record<string, unknown>[];
  config?: (raw: Record<string, any>) => void;
}) {
  const receiver = await WebhookReceiver.start();
  let stack: Stack | undefined;
  try {
    stack = await startStack({
      worker: true,
      config: (raw) => {
        raw.webhooks = { endpoints: opts.endpoints((p) => receiver.url(p), secretFile(raw.dataDir, opts.secret)) };
        opts.config?.(raw);
      },
    });
  } catch (err) {
    await receiver.stop();
    throw err;
  }
  const started = stack;
  return {
    stack: started,
    receiver,
    /** The events the receiver accepted on `path` for one incident, in arrival order. */
    acceptedFor: (id: string, path = '/hooks') => receiver.accepted(path).filter((r) => bodyOf(r).incident.id === id),
    stop: async () => {
      await started.stop();
      await receiver.stop();
    },
  };
}
